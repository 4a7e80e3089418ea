import Course
import Foundation
import GitStore
import Grading

import Glibc

/// Reads the class matrix from a repository: which branches are learners, what each
/// recorded, and what is at each exercise path, without checking anything out and without
/// reading any file that is not a small regular text file.
///
/// Owns its `Repository` handle (not `Sendable`): use it from one thread.
public struct ClassReader {
    /// Which branches are learners.
    public struct Selection: Sendable, Equatable {
        /// A shell glob matched against the branch name without its remote
        /// (`learner/zoë` for both `learner/zoë` and `origin/learner/zoë`); `*` also
        /// matches `/`, so `learner/*` takes `learner/team-a/zoë` too.
        public var glob: String
        /// Only this remote's remote-tracking branches (local branches are always read);
        /// nil for every remote.
        public var remote: String?

        /// Every `learner/…` branch, local and of every remote.
        public static let learners = Selection(glob: LearnerBranch.glob, remote: nil)

        public init(glob: String, remote: String?) {
            self.glob = glob
            self.remote = remote
        }
    }

    /// The largest exercise file read at all; larger ones are refused from the object
    /// header alone. Same cap as grading a file on disk.
    public var maximumFileBytes: Int

    public let repository: Repository
    /// Where the course sits inside the repository (`""` at the root, `course/` below).
    public let coursePrefix: String

    public init(repository: Repository, coursePrefix: String = "", maximumFileBytes: Int = Grader.maximumFileBytes) {
        self.repository = repository
        self.coursePrefix = coursePrefix
        self.maximumFileBytes = maximumFileBytes
    }

    /// The learner branches, sorted by full reference name.
    public func learnerBranches(_ selection: Selection) throws(ClassroomError) -> [Branch] {
        let remotes = try git { () throws(GitStoreError) in try repository.remoteNames() }
        if let remote = selection.remote, !remotes.contains(remote) {
            throw .git(.remoteNotFound(remote))
        }
        let all = try git { () throws(GitStoreError) in try repository.branches() }
        return all.filter { branch in
            switch branch.kind {
            case .local:
                return Self.matches(selection.glob, branch.name)
            case .remoteTracking:
                guard let (remote, rest) = Self.splitRemote(branch.name, remotes: remotes) else { return false }
                if let wanted = selection.remote, wanted != remote { return false }
                return Self.matches(selection.glob, rest)
            }
        }
    }

    /// The most columns made for lesson ids that only appear in records: one learner's
    /// made-up ids must not widen everyone's table without end.
    public static let maximumExtraColumns = 16

    /// The matrix of `branches` × `lessons`, from histories and tip trees only.
    ///
    /// The exercise file of a lesson is the course's (`Lesson.exercisePath(forLessonID:)`
    /// below `coursePrefix`), whatever a record's `Asynclings-File` trailer says: that is
    /// the file a cell shows, a record is checked against and a regrade grades.
    ///
    /// Well-formed lesson ids that appear in some record but not in `lessons` get a
    /// column of their own at the end (up to ``maximumExtraColumns``), so nothing a
    /// learner recorded is hidden; records naming no lesson are listed in the row's
    /// warnings instead. A branch that does not point at a commit keeps its row, empty,
    /// with a warning: one broken branch never hides the room.
    ///
    /// - Parameters:
    ///   - keepContents: also return the bytes of every regular exercise file, by
    ///     blob id, for a regrade.
    ///   - course: the course's commit and how to name it; a branch sharing no history
    ///     with it is flagged.
    public func read(
        branches: [Branch], lessons: [LessonColumn], keepContents: Bool = false,
        course: (reference: String, commit: ObjectID)? = nil
    ) throws(ClassroomError) -> (matrix: ClassMatrix, contents: [String: Data]) {
        let exercisePath = { (id: String) in Lesson.exercisePath(forLessonID: id, under: coursePrefix) }
        var progressByBranch: [(branch: Branch, progress: BranchProgress?, warnings: [LearnerWarning])] = []
        for branch in branches {
            var warnings: [LearnerWarning] = []
            let kind = try git { () throws(GitStoreError) in try repository.objectKind(branch.tip) }
            guard kind == "commit" else {
                progressByBranch.append((branch, nil, [.notACommit(kind: kind ?? "missing object")]))
                continue
            }
            let progress = try git { () throws(GitStoreError) in try repository.progress(branch: branch, exercisePath: exercisePath) }
            if let course, !(try git { () throws(GitStoreError) in try repository.shareHistory(branch.tip, course.commit) }) {
                warnings.append(.unrelatedHistory(course: course.reference))
            }
            progressByBranch.append((branch, progress, warnings))
        }

        var columns = lessons
        let known = Set(lessons.map(\.id))
        let recorded = Set(progressByBranch.flatMap { $0.progress.map { Array($0.lessons.keys) } ?? [] })
        let extra = recorded.subtracting(known).filter { Lesson.number(ofID: $0) != nil }
            .sorted { (Lesson.number(ofID: $0) ?? 0, $0) < (Lesson.number(ofID: $1) ?? 0, $1) }
            .prefix(Self.maximumExtraColumns)
        columns += extra.map { LessonColumn(id: $0) }
        let shown = Set(columns.map(\.id))

        let remotes = try git { () throws(GitStoreError) in try repository.remoteNames() }
        let names = Self.displayNames(for: branches, remotes: remotes)
        let ownNames = branches.map { Self.nameWithoutRemote($0, remotes: remotes) }
        let lookalikes = LearnerNames.lookalikes(ownNames.map(LearnerBranch.learnerName(of:)))
        var classifier = FileClassifier(repository: repository, maximumBytes: maximumFileBytes, keepContents: keepContents)
        var rows: [LearnerRow] = []
        for (index, (branch, progress, branchWarnings)) in progressByBranch.enumerated() {
            var warnings = LearnerNames.warnings(for: ownNames[index])
            if let other = lookalikes[index] { warnings.append(.looksLike(other)) }
            warnings += branchWarnings
            var cells: [Cell] = []
            if let progress {
                let tree = try git { () throws(GitStoreError) in try repository.commit(branch.tip).tree() }
                for column in columns {
                    let record = progress.lessons[column.id].map { lesson in
                        RecordedPass(
                            status: String(lesson.record.status.prefix(Self.maximumStatusLength)), isCurrent: lesson.isCurrent,
                            recordedFile: lesson.record.blob != nil, attempts: lesson.record.attempts, hints: lesson.record.hints,
                            checksPassed: lesson.record.checksPassed, checksTotal: lesson.record.checksTotal,
                            date: lesson.record.date, commit: lesson.record.commit?.hex)
                    }
                    let file = try exercisePath(column.id).map { path throws(ClassroomError) in try classifier.classify(path, in: tree) }
                    cells.append(Cell(record: record, file: file ?? .missing))
                }
                let unshown = progress.lessons.keys.filter { !shown.contains($0) }.sorted()
                if !unshown.isEmpty {
                    warnings.append(.recordsWithoutLesson(unshown.map { Self.cut($0, to: LearnerWarning.maximumShownIDLength) }))
                }
            } else {
                cells = columns.map { _ in Cell(record: nil, file: .missing) }
            }
            rows.append(
                LearnerRow(
                    name: names[index], branch: branch.name, reference: branch.referenceName,
                    isLocal: branch.kind == .local, tip: branch.tip.hex, cells: cells, warnings: warnings))
        }
        rows.sort { ($0.name.lowercased(), $0.branch) < ($1.name.lowercased(), $1.branch) }
        return (ClassMatrix(lessons: columns, learners: rows), classifier.contents)
    }

    /// How much of a record's status is kept (the engine writes `pass`).
    static let maximumStatusLength = 40

    /// `text` cut to `length` characters, with `…` when something was cut.
    static func cut(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    // MARK: - Names

    /// `fnmatch` without `FNM_PATHNAME`: `*` matches across `/`. Byte-wise, so any
    /// Unicode in branch names is matched exactly as written.
    static func matches(_ glob: String, _ name: String) -> Bool {
        fnmatch(glob, name, 0) == 0
    }

    /// Splits `origin/learner/zoë` into the remote (`origin`) and the branch on it; the
    /// longest configured remote name wins (remote names may hold `/` too).
    static func splitRemote(_ name: String, remotes: [String]) -> (String, String)? {
        let remote = remotes.filter { name.hasPrefix($0 + "/") }.max { $0.count < $1.count }
            ?? name.split(separator: "/", maxSplits: 1).first.map(String.init)
        guard let remote, name.count > remote.count + 1 else { return nil }
        return (remote, String(name.dropFirst(remote.count + 1)))
    }

    /// The branch name without its remote: `learner/zoë` for `origin/learner/zoë`.
    static func nameWithoutRemote(_ branch: Branch, remotes: [String]) -> String {
        if branch.kind == .remoteTracking, let (_, rest) = splitRemote(branch.name, remotes: remotes) { return rest }
        return branch.name
    }

    /// The learner's name for each branch: without the remote and a leading `learner/`.
    /// When two branches would share a name (a local branch and its remote-tracking
    /// copy, or two remotes) each gets its origin in brackets.
    static func displayNames(for branches: [Branch], remotes: [String]) -> [String] {
        let bases: [(name: String, source: String)] = branches.map { branch in
            var source = "local"
            if branch.kind == .remoteTracking, let (remote, _) = splitRemote(branch.name, remotes: remotes) {
                source = remote
            }
            return (LearnerBranch.learnerName(of: nameWithoutRemote(branch, remotes: remotes)), source)
        }
        var counts: [String: Int] = [:]
        for base in bases { counts[base.name, default: 0] += 1 }
        return bases.map { counts[$0.name]! > 1 ? "\($0.name) (\($0.source))" : $0.name }
    }

    func git<T>(_ body: () throws(GitStoreError) -> T) throws(ClassroomError) -> T {
        do throws(GitStoreError) {
            return try body()
        } catch {
            throw .git(error)
        }
    }
}

/// Classifies exercise paths at branch tips, reading each distinct blob at most once:
/// branches that never touched an exercise share the course's blob.
struct FileClassifier {
    let repository: Repository
    let maximumBytes: Int
    let keepContents: Bool
    private var known: [ObjectID: ExerciseFile] = [:]
    private(set) var contents: [String: Data] = [:]

    init(repository: Repository, maximumBytes: Int, keepContents: Bool) {
        self.repository = repository
        self.maximumBytes = maximumBytes
        self.keepContents = keepContents
    }

    mutating func classify(_ path: String, in tree: Tree) throws(ClassroomError) -> ExerciseFile {
        let entry: TreeEntry?
        do throws(GitStoreError) {
            entry = try tree.entry(at: path)
        } catch {
            throw .git(error)
        }
        guard let entry else { return .missing }
        switch entry.kind {
        case .symlink: return .refused(reason: .symlink)
        case .directory: return .refused(reason: .directory)
        case .submodule: return .refused(reason: .submodule)
        case .file, .executable: break
        }
        if let seen = known[entry.id] { return seen }
        let result: ExerciseFile
        do throws(GitStoreError) {
            // `file(at:in:maxSize:)` checks the size from the object header and the loose
            // object's integrity before it reads a byte.
            switch try repository.file(at: path, in: tree, maxSize: maximumBytes) {
            case .regular(let data):
                result = .regular(blob: entry.id.hex, bytes: data.count)
                if keepContents { contents[entry.id.hex] = data }
            case .binary: result = .refused(reason: .binary)
            case .tooLarge(let size): result = .refused(reason: .tooLarge(bytes: size))
            case .symlink: result = .refused(reason: .symlink)
            case .directory: result = .refused(reason: .directory)
            case .submodule: result = .refused(reason: .submodule)
            case .missing: result = .missing
            }
        } catch .corruptObject {
            result = .refused(reason: .corrupt)
        } catch {
            throw .git(error)
        }
        known[entry.id] = result
        return result
    }
}
