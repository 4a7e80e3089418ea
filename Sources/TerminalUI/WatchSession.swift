import Course
import Grading
import Workshop

/// What watch mode needs from the learner's session: grading with recording, the hint
/// ladder and progress. `LearnerSession` (Workshop) is the real one; tests pass their own.
public protocol WatchSession: Sendable {
    var course: Course { get }
    /// Where passes are recorded, or why they are not.
    func store() -> LearnerSession.Store
    /// Lessons passed on the current branch (empty outside a repository).
    func passedLessons() -> Set<String>
    /// The first lesson without a pass; nil when every lesson is done.
    func firstUnfinishedLesson() -> Lesson?
    /// Grades the lesson's exercise file; when `record`, counts a failed attempt or records a pass.
    func checkExercise(_ lesson: Lesson, record: Bool) throws(GradingError) -> WatchCheck
    /// The next hint of the ladder (counted); nil when the lesson has none.
    func nextHint(_ lesson: Lesson) -> (number: Int, of: Int, text: String)?
}

/// One grade as watch mode shows it.
public struct WatchCheck: Sendable {
    public var report: GradeReport
    public var recording: LearnerSession.Recording

    public init(report: GradeReport, recording: LearnerSession.Recording) {
        self.report = report
        self.recording = recording
    }
}

extension LearnerSession: WatchSession {
    public func checkExercise(_ lesson: Lesson, record: Bool) throws(GradingError) -> WatchCheck {
        let outcome = try check(lesson, record: record)
        return WatchCheck(report: outcome.report, recording: outcome.recording)
    }
}
