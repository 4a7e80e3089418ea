import Course
import Foundation
import GitStore
import Grading

/// The learner's side of the course: grade, count attempts and hints, record passes in git.
///
/// `asynclings check` and watch mode go through here, so a pass is recorded the same way
/// whichever door the learner used. What needs no grade (where progress goes, the hint
/// ladder, recording) is `LearnerRecords`.
public struct LearnerSession: Sendable {
    public let records: LearnerRecords
    public let grader: Grader

    public var course: Course { records.course }

    public init(records: LearnerRecords, grader: Grader) {
        self.records = records
        self.grader = grader
    }

    /// The first lesson in course order without a current pass; nil when all are done.
    ///
    /// Outside a repository there is no record of passes, so the exercise files
    /// themselves are graded in order until one does not pass.
    public func firstUnfinishedLesson() -> Lesson? {
        if case .branch = records.store() {
            let passed = records.passedLessons()
            return course.lessons.first { !passed.contains($0.id) }
        }
        for lesson in course.lessons {
            let file = course.exerciseFile(for: lesson)
            guard FileManager.default.fileExists(atPath: file.path),
                let report = try? grader.grade(lesson, file: file, displayPath: lesson.exercisePath),
                report.status == .pass
            else { return lesson }
        }
        return nil
    }

    // MARK: - Checking

    /// What `check` did with a report.
    public enum Recording: Sendable, Equatable {
        /// The pass was committed on `branch`.
        case recorded(branch: String, commit: String, attempts: Int, hints: Int)
        /// The grade failed; the attempt was counted (`attempts` so far on this branch).
        case attemptCounted(attempts: Int)
        /// Nothing was written, for this reason.
        case notRecorded(NotRecorded)
    }

    /// Why a grade was not recorded.
    public enum NotRecorded: Error, Sendable, Equatable, CustomStringConvertible {
        /// Progress cannot be recorded where the course is.
        case noStore(StoreUnavailable)
        /// Asked to grade only (`check --no-record`).
        case gradeOnly
        /// Graded on opening a lesson in watch mode: not an attempt.
        case openedNotAttempted
        /// The file changed while it was being graded: the bytes that passed are gone.
        case changedWhileGraded
        /// Committing the pass failed (GitStore's words).
        case commitFailed(String)
        /// HEAD is on the course's branch (`main`) and the learner's own branch exists
        /// already: passes go there, and switching could change files.
        case onCourseBranch(String, own: String)

        /// The sentence `check` and watch mode show (and `check --json` gives as `reason`).
        public var description: String {
            switch self {
            case .noStore(let why): why.description
            case .gradeOnly: "--no-record"
            case .openedNotAttempted: "opened, not an attempt"
            case .changedWhileGraded: "the file changed while it was being graded; grade it again"
            case .commitFailed(let error): error
            case .onCourseBranch(let current, let own):
                "you are on \(current), which holds the course; your passes go on \(own): "
                    + "`asynclings init --learner \(LearnerBranch.learnerName(of: own))` switches back to it"
            }
        }
    }

    public struct CheckOutcome: Sendable {
        public let lesson: Lesson
        public let report: GradeReport
        public let recording: Recording
    }

    /// A grade of the learner's file, with the exact bytes that were graded (what a pass records).
    public struct Graded: Sendable {
        public let lesson: Lesson
        public let report: GradeReport
        /// The file's bytes as graded; nil when it changed while being graded (nothing to record then).
        let content: [UInt8]?
    }

    /// Grades the learner's exercise file for `lesson`, without recording anything.
    public func grade(_ lesson: Lesson, seed: Int = 0) throws(GradingError) -> Graded {
        let file = course.exerciseFile(for: lesson)
        let before = FileManager.default.contents(atPath: file.path)
        let report = try grader.grade(lesson, file: file, seed: seed, displayPath: lesson.exercisePath)
        // Only bytes that were graded can be recorded: if the file changed meanwhile, none are.
        let after = FileManager.default.contents(atPath: file.path)
        return Graded(lesson: lesson, report: report, content: before != nil && before == after ? before.map { [UInt8]($0) } : nil)
    }

    /// Grades the learner's exercise file for `lesson` and, unless `record` is false, records
    /// the outcome (`LearnerRecords.record(_:)`).
    public func check(_ lesson: Lesson, record: Bool = true, seed: Int = 0) throws(GradingError) -> CheckOutcome {
        let graded = try grade(lesson, seed: seed)
        let recording = record ? records.record(graded) : .notRecorded(.gradeOnly)
        return CheckOutcome(lesson: lesson, report: graded.report, recording: recording)
    }
}
