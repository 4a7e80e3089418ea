import Course
import Grading
import Views
import Workshop

/// What watch mode needs from the learner's session: grading with recording, the hint
/// ladder and progress. `LearnerSession` (Workshop) is the real one; tests pass their own.
public protocol WatchSession: Sendable {
    var course: Course { get }
    /// Where passes are recorded, or why they are not.
    func store() -> LearnerRecords.Store
    /// Lessons passed on the current branch (empty outside a repository).
    func passedLessons() -> Set<String>
    /// The first lesson without a pass; nil when every lesson is done.
    func firstUnfinishedLesson() -> Lesson?
    /// Grades the lesson's exercise file without recording.
    func gradeExercise(_ lesson: Lesson) throws(GradingError) -> LearnerSession.Graded
    /// Records a grade: counts a failed attempt or commits a pass.
    func record(_ graded: LearnerSession.Graded) -> LearnerSession.Recording
    /// The next hint of the ladder (counted); nil when the lesson has none.
    func nextHint(_ lesson: Lesson) -> (number: Int, of: Int, text: String)?
    /// How many of the lesson's hints the learner has seen, earlier sessions included.
    func hintsSeen(_ lesson: Lesson) -> Int
}

extension LearnerSession: WatchSession {
    public func store() -> LearnerRecords.Store { records.store() }
    public func passedLessons() -> Set<String> { records.passedLessons() }
    public func gradeExercise(_ lesson: Lesson) throws(GradingError) -> LearnerSession.Graded { try grade(lesson) }
    public func record(_ graded: LearnerSession.Graded) -> LearnerSession.Recording { records.record(graded) }
    public func nextHint(_ lesson: Lesson) -> (number: Int, of: Int, text: String)? { records.nextHint(lesson) }
    public func hintsSeen(_ lesson: Lesson) -> Int { records.hintsSeen(lesson) }
}
