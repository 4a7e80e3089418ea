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
    /// The learner's login (`$USER`): names the branch a first pass on `main` goes to.
    let learnerLogin: String?

    /// - Parameters:
    ///   - cacheDirectory: the user's cache folder (`AsynclingsCache.directory`).
    ///   - learnerLogin: the learner's login name (`$USER`), for `LearnerBranch.defaultName`.
    public init(course: Course, cacheDirectory: URL? = AsynclingsCache.directory(), learnerLogin: String? = nil) {
        self.course = course
        self.cacheDirectory = cacheDirectory
        self.learnerLogin = learnerLogin
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

    /// Where a plain `git push` publishes `branch` (its upstream's remote, as `init
    /// --learner` sets it in a clone of the room); nil when it is published nowhere.
    public func pushRemote(ofBranch branch: String) -> String? {
        openRepository()?.pushRemote(ofBranch: branch)
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
    ///
    /// Passes never go on the branch holding the course (`main`): the first pass there
    /// moves HEAD to a new `learner/NAME` branch at the same commit (only HEAD moves), so
    /// a course folder someone practised in can still seed a clean room.
    public func record(_ graded: LearnerSession.Graded) -> LearnerSession.Recording {
        let destination = store()
        guard case .branch(var branch, _) = destination, let repository = openRepository() else {
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
        if !LearnerBranch.isLearnerBranch(branch) {
            switch moveToOwnBranch(from: branch, in: repository) {
            case .success(let own): branch = own
            case .failure(let why): return .notRecorded(why)
            }
        }
        let counts = counts(ofPassing: lesson, on: branch, in: repository)
        let progress = ProgressRecord(
            lesson: lesson.id, checksPassed: report.passedCount, checksTotal: report.checks.count,
            attempts: counts.attempts, hints: counts.hints,
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

    /// The counts a new pass of `lesson` on `branch` carries: they only grow from one pass
    /// to the next. Attempts add up (the last record's, those counted since, and this
    /// one); hints are the distinct rungs seen, in a record or counted in this clone.
    func counts(ofPassing lesson: Lesson, on branch: String, in repository: Repository) -> (attempts: Int, hints: Int) {
        let counted = (try? repository.counters.counters(branch: branch, lesson: lesson.id)) ?? LessonCounters()
        let last = latestRecord(of: lesson, on: branch, in: repository)
        return ((last?.attempts ?? 0) + counted.attempts + 1, max(last?.hints ?? 0, counted.hints))
    }

    /// The newest record of `lesson` in `branch`'s history (nil on an unborn branch).
    func latestRecord(of lesson: Lesson, on branch: String, in repository: Repository) -> ProgressRecord? {
        let prefix = repository.folderInWorkdir(course.root) ?? ""
        let progress = try? repository.progress(branch: branch, exercisePath: { Lesson.exercisePath(forLessonID: $0, under: prefix) })
        return progress?.lessons[lesson.id]?.record
    }

    /// Leaves the course's branch for the learner's own, `learner/NAME` (NAME: the
    /// learner's login), created at the current commit: only HEAD moves. When that branch
    /// exists already, switching to it could change files, so nothing is recorded and the
    /// learner is told how to go back to it.
    func moveToOwnBranch(from current: String, in repository: Repository) -> Result<String, LearnerSession.NotRecorded> {
        let own = LearnerBranch.name(for: LearnerBranch.defaultName(login: learnerLogin))
        if (try? repository.branch(named: "refs/heads/" + own)) != nil {
            return .failure(.onCourseBranch(current, own: own))
        }
        do {
            _ = try repository.switchToNewBranch(named: own)
            // The attempts and hints counted on the course's branch were this learner's.
            try? repository.counters.carry(from: current, to: own)
            return .success(own)
        } catch {
            return .failure(.commitFailed("\(error)"))
        }
    }

    // MARK: - Hints

    /// The next hint of the ladder for `lesson` (gentle first), counted when in a repository.
    /// Returns the hint's 1-based number and its text; after the last, the last again
    /// (counted once: the count is of distinct hints seen).
    public func nextHint(_ lesson: Lesson) -> (number: Int, of: Int, text: String)? {
        guard !lesson.hints.isEmpty else { return nil }
        let (counters, key) = counterStore()
        let seen = (try? counters.addHint(branch: key, lesson: lesson.id, ladder: lesson.hints.count, seen: recordedHints(lesson)))?.hints ?? 1
        let index = min(max(seen - 1, 0), lesson.hints.count - 1)
        return (index + 1, lesson.hints.count, lesson.hints[index])
    }

    /// How many of `lesson`'s hints the learner has seen: counted in this clone, or carried
    /// by the branch's last record of it, whichever is more.
    public func hintsSeen(_ lesson: Lesson) -> Int {
        let (counters, key) = counterStore()
        let counted = (try? counters.counters(branch: key, lesson: lesson.id))?.hints ?? 0
        return min(max(counted, recordedHints(lesson)), lesson.hints.count)
    }

    /// The hints the current branch's last record of `lesson` carries (0 without one).
    func recordedHints(_ lesson: Lesson) -> Int {
        guard case .branch(let branch, _) = store(), let repository = openRepository() else { return 0 }
        return latestRecord(of: lesson, on: branch, in: repository)?.hints ?? 0
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
