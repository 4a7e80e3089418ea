import Course
import Foundation
import GitStore

/// The lessons passed on one branch, from its history (`asynclings progress`).
///
/// A pass counts only while the committed file is the one that passed: a later commit
/// that changed the exercise file turns it into `changed`. Attempts and hints of lessons
/// not yet passed come from this clone's local counters.
public struct ProgressReport: Sendable, Encodable {
    /// The branch read (`learner/zoë`, `origin/learner/zoë`).
    public let branch: String
    /// Its tip; nil while the branch has no commit yet.
    public let tip: String?
    /// One entry per course lesson, in course order, then lessons only seen in records.
    public let lessons: [Entry]

    /// Where one lesson stands on the branch.
    public struct Entry: Sendable, Encodable {
        public enum State: String, Sendable, Encodable {
            /// A pass is recorded and the committed file is still the one that passed.
            case passed
            /// A pass was recorded, but the file was changed or removed by a later commit.
            case changed
            /// No pass recorded.
            case notPassed = "not-passed"
        }

        public let id: String
        public let title: String?
        public let state: State
        /// The newest record of the lesson, if any.
        public let attempts: Int?
        public let hints: Int?
        public let checks: String?
        public let date: Date?
        public let commit: String?
        /// Counted in this clone since the last pass (not yet in any record).
        public let pendingAttempts: Int
        /// Hints seen in this clone beyond those the last record carries.
        public let pendingHints: Int

        enum CodingKeys: String, CodingKey {
            case id, title, state, attempts, hints, checks, date, commit
            case pendingAttempts = "pending_attempts"
            case pendingHints = "pending_hints"
        }
    }

    /// Lessons passed.
    public var passedCount: Int { lessons.filter { $0.state == .passed }.count }

    /// Reads the report for `branch` (nil: the branch HEAD is on).
    ///
    /// - Parameter coursePrefix: where the course sits in the repository (`""` at its
    ///   root), which places each lesson's exercise file.
    /// - Throws: `.detachedHead` when no branch is given and HEAD names a commit;
    ///   `.branchNotFound`.
    public static func read(repository: Repository, branch requested: String?, lessons: [Lesson], coursePrefix: String = "")
        throws(GitStoreError) -> ProgressReport
    {
        let name: String
        if let requested {
            name = requested
        } else {
            switch try repository.head() {
            case .branch(let current): name = current
            case .unborn(let current):
                return ProgressReport(branch: current, tip: nil, lessons: entries(lessons: lessons, progress: nil, counters: [:]))
            case .detached(let id): throw .detachedHead(id)
            }
        }
        let branch = try repository.branch(named: name)
        let progress = try repository.progress(
            branch: branch, exercisePath: { Lesson.exercisePath(forLessonID: $0, under: coursePrefix) })
        // Counters are kept per local branch of this clone; a remote-tracking branch has none.
        let counters = branch.kind == .local ? (try? repository.counters.counters(branch: branch.name)) ?? [:] : [:]
        return ProgressReport(
            branch: branch.name, tip: branch.tip.hex, lessons: entries(lessons: lessons, progress: progress, counters: counters))
    }

    static func entries(lessons: [Lesson], progress: BranchProgress?, counters: [String: LessonCounters]) -> [Entry] {
        let recorded = progress?.lessons ?? [:]
        var ids = lessons.map(\.id)
        ids += Set(recorded.keys).subtracting(ids).sorted()
        let titles = Dictionary(lessons.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        return ids.map { id in
            let lesson = recorded[id]
            let state: Entry.State
            if let lesson, lesson.record.status == "pass" {
                state = lesson.isCurrent ? .passed : .changed
            } else {
                state = .notPassed
            }
            let record = lesson?.record
            return Entry(
                id: id, title: titles[id], state: state, attempts: record?.attempts, hints: record?.hints,
                checks: record.map { "\($0.checksPassed)/\($0.checksTotal)" }, date: record?.date,
                commit: record?.commit?.hex, pendingAttempts: counters[id]?.attempts ?? 0,
                pendingHints: max(0, (counters[id]?.hints ?? 0) - (record?.hints ?? 0)))
        }
    }
}
