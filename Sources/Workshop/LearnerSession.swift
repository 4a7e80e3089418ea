import Course
import Foundation
import GitStore
import Grading

/// The learner's side of the course: grade, count attempts and hints, record passes in git.
///
/// `asynclings check`, `asynclings hint` and watch mode all go through here, so a pass is
/// recorded the same way whichever door the learner used. Progress lives in git (docs/DESIGN.md):
/// a pass on a branch is a commit of just that exercise file with a trailer block; attempts
/// and hints are counted under `.git/asynclings/` until the next pass carries them.
public struct LearnerSession: Sendable {
    public let course: Course
    public let grader: Grader

    public init(course: Course, grader: Grader) {
        self.course = course
        self.grader = grader
    }

    /// Where passes are recorded, or why they cannot be.
    public enum Store: Sendable, Equatable {
        /// A branch (possibly unborn) of the repository at `workdir`.
        case branch(name: String, workdir: String)
        /// Progress cannot be recorded; `reason` says why and what to do.
        case unavailable(reason: String)
    }

    /// Opens the repository around the course, if there is one.
    func openRepository() -> Repository? {
        try? Repository(discoveringFrom: course.root.path)
    }

    public func store() -> Store {
        let repository: Repository
        do {
            repository = try Repository(discoveringFrom: course.root.path)
        } catch {
            return .unavailable(reason: "not in a git repository: run `asynclings init --learner NAME` to keep your progress in git")
        }
        guard let workdir = repository.workdir else {
            return .unavailable(reason: "the repository is bare: clone it and work in the clone")
        }
        do {
            switch try repository.head() {
            case .branch(let name), .unborn(let name): return .branch(name: name, workdir: workdir)
            case .detached(let id):
                return .unavailable(reason: "HEAD is detached at \(id.description.prefix(8)): switch to your branch (`git switch learner/NAME`) to record progress")
            }
        } catch {
            return .unavailable(reason: "cannot read the repository: \(error)")
        }
    }

    /// Lessons whose recorded pass on the current branch still matches the committed file.
    public func passedLessons() -> Set<String> {
        guard let repository = openRepository(), case .branch(let name, _) = store() else { return [] }
        let prefix = repository.folderInWorkdir(course.root) ?? ""
        guard let progress = try? repository.progress(branch: name, exercisePath: { Lesson.exercisePath(forLessonID: $0, under: prefix) })
        else { return [] }
        return progress.passedLessons
    }

    /// The first lesson in course order without a current pass; nil when all are done.
    ///
    /// Outside a repository there is no record of passes, so the exercise files
    /// themselves are graded in order until one does not pass.
    public func firstUnfinishedLesson() -> Lesson? {
        if case .branch = store() {
            let passed = passedLessons()
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
        /// Nothing was written: `reason` says why (not a repository, `--no-record`, …).
        case notRecorded(reason: String)
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

    /// Records a grade on the current branch: a pass becomes a commit of just that file with
    /// the trailer block; a failure counts an attempt (under `.git/`, never committed alone).
    public func record(_ graded: Graded) -> Recording {
        let destination = store()
        guard case .branch(let branch, _) = destination, let repository = openRepository() else {
            let reason = if case .unavailable(let why) = destination { why } else { "no repository" }
            return .notRecorded(reason: reason)
        }
        let lesson = graded.lesson
        let report = graded.report
        let counters = repository.counters
        guard report.status == .pass else {
            return .attemptCounted(attempts: (try? counters.addAttempt(branch: branch, lesson: lesson.id))?.attempts ?? 0)
        }
        guard let content = graded.content else {
            return .notRecorded(reason: "the file changed while it was being graded; grade it again")
        }
        let soFar = (try? counters.counters(branch: branch, lesson: lesson.id)) ?? LessonCounters()
        let progress = ProgressRecord(
            lesson: lesson.id, checksPassed: report.passedCount, checksTotal: report.checks.count,
            attempts: soFar.attempts + 1, hints: soFar.hints,
            file: (repository.folderInWorkdir(course.root) ?? "") + lesson.exercisePath)
        do {
            let recorded = try repository.recordPass(progress, content: Data(content))
            return .recorded(branch: branch, commit: recorded.commit?.description ?? "", attempts: progress.attempts,
                             hints: progress.hints)
        } catch {
            return .notRecorded(reason: "\(error)")
        }
    }

    /// Grades the learner's exercise file for `lesson` and, unless `record` is false, records
    /// the outcome (see `record(_:)`).
    public func check(_ lesson: Lesson, record: Bool = true, seed: Int = 0) throws(GradingError) -> CheckOutcome {
        let graded = try grade(lesson, seed: seed)
        let recording = record ? self.record(graded) : .notRecorded(reason: "--no-record")
        return CheckOutcome(lesson: lesson, report: graded.report, recording: recording)
    }

    // MARK: - Hints

    /// The next hint of the ladder for `lesson` (gentle first), counted when in a repository.
    /// Returns the hint's 1-based number and its text; after the last, the last again.
    public func nextHint(_ lesson: Lesson) -> (number: Int, of: Int, text: String)? {
        guard !lesson.hints.isEmpty else { return nil }
        let (counters, key) = counterStore()
        let shown = ((try? counters.addHint(branch: key, lesson: lesson.id))?.hints ?? 1) - 1
        let index = min(max(shown, 0), lesson.hints.count - 1)
        return (index + 1, lesson.hints.count, lesson.hints[index])
    }

    /// Where attempts and hints are counted: under `.git/asynclings/` for the current branch,
    /// or, outside a repository, in the user's cache folder for this course.
    func counterStore() -> (CounterStore, key: String) {
        if case .branch(let branch, _) = store(), let repository = openRepository() {
            return (repository.counters, branch)
        }
        let base = AsynclingsCache.directory() ?? URL(fileURLWithPath: NSTemporaryDirectory())
        let name = course.root.standardizedFileURL.path.replacingOccurrences(of: "/", with: "_")
        return (CounterStore(directory: base.appendingPathComponent("counters/\(name)").path), "no-repository")
    }

}
