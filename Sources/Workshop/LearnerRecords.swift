import Course
import Foundation
import GitStore
import Grading

/// Where the learner's progress is kept, and keeping it: passes recorded in git, attempts
/// and hints counted. Needs no interpreter: `hint` and `doctor` use it where Python is
/// broken, which is exactly when a learner may run them.
///
/// Progress lives in git (docs/DESIGN.md): a pass on a branch is a commit of just that
/// exercise file with a trailer block; attempts and hints are counted under
/// `.git/asynclings/` until the next pass carries them.
public struct LearnerRecords: Sendable {
    public let course: Course
    /// Where hints and attempts are counted outside a repository (nil: the system's temporary folder).
    let cacheDirectory: URL?

    /// - Parameter cacheDirectory: the user's cache folder (`AsynclingsCache.directory`).
    public init(course: Course, cacheDirectory: URL? = AsynclingsCache.directory()) {
        self.course = course
        self.cacheDirectory = cacheDirectory
    }

    /// Where passes are recorded, or why they cannot be.
    public enum Store: Sendable, Equatable {
        /// A branch (possibly unborn) of the repository at `workdir`.
        case branch(name: String, workdir: String)
        /// Progress cannot be recorded here.
        case unavailable(StoreUnavailable)
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
            return .unavailable(.notARepository)
        }
        guard let workdir = repository.workdir else {
            return .unavailable(.bareRepository)
        }
        do {
            switch try repository.head() {
            case .branch(let name), .unborn(let name): return .branch(name: name, workdir: workdir)
            case .detached(let id): return .unavailable(.detachedHead(commit: String(id.description.prefix(8))))
            }
        } catch {
            return .unavailable(.unreadable("\(error)"))
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

    /// Records a grade on the current branch: a pass becomes a commit of just that file with
    /// the trailer block; a failure counts an attempt (under `.git/`, never committed alone).
    public func record(_ graded: LearnerSession.Graded) -> LearnerSession.Recording {
        let destination = store()
        guard case .branch(let branch, _) = destination, let repository = openRepository() else {
            if case .unavailable(let why) = destination { return .notRecorded(.noStore(why)) }
            return .notRecorded(.noStore(.notARepository))
        }
        let lesson = graded.lesson
        let report = graded.report
        let counters = repository.counters
        guard report.status == .pass else {
            return .attemptCounted(attempts: (try? counters.addAttempt(branch: branch, lesson: lesson.id))?.attempts ?? 0)
        }
        guard let content = graded.content else {
            return .notRecorded(.changedWhileGraded)
        }
        let soFar = (try? counters.counters(branch: branch, lesson: lesson.id)) ?? LessonCounters()
        let progress = ProgressRecord(
            lesson: lesson.id, checksPassed: report.passedCount, checksTotal: report.checks.count,
            attempts: soFar.attempts + 1, hints: soFar.hints,
            file: (repository.folderInWorkdir(course.root) ?? "") + lesson.exercisePath)
        do {
            let recorded = try repository.recordPass(progress, content: Data(content))
            return .recorded(
                branch: branch, commit: recorded.commit?.description ?? "", attempts: progress.attempts,
                hints: progress.hints)
        } catch {
            return .notRecorded(.commitFailed("\(error)"))
        }
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
        let base = cacheDirectory ?? URL(fileURLWithPath: NSTemporaryDirectory())
        let name = course.root.standardizedFileURL.path.replacingOccurrences(of: "/", with: "_")
        return (CounterStore(directory: base.appendingPathComponent("counters/\(name)").path), "no-repository")
    }
}

/// Why progress cannot be recorded where the course is: what is wrong, and what to do.
public enum StoreUnavailable: Sendable, Equatable, CustomStringConvertible {
    case notARepository
    case bareRepository
    /// HEAD names a commit (its short id), not a branch.
    case detachedHead(commit: String)
    /// The repository could not be read (libgit2's words).
    case unreadable(String)

    /// What is wrong.
    public var reason: String {
        switch self {
        case .notARepository: "not in a git repository"
        case .bareRepository: "the repository is bare"
        case .detachedHead(let commit): "HEAD is detached at \(commit)"
        case .unreadable(let error): "cannot read the repository: \(error)"
        }
    }

    /// What to do about it, when the learner can do something.
    public var fix: String? {
        switch self {
        case .notARepository: "run `asynclings init --learner NAME` to keep your progress in git"
        case .bareRepository: "clone it and work in the clone"
        case .detachedHead: "switch to your branch (`git switch learner/NAME`) to record progress"
        case .unreadable: nil
        }
    }

    /// Both in one sentence, as `check` and watch mode say it (and `check --json` gives it).
    public var description: String {
        fix.map { "\(reason): \($0)" } ?? reason
    }
}
