import Foundation
import GitStore
import Grading

#if canImport(Glibc)
import Glibc
#endif

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
        public static let learners = Selection(glob: "learner/*", remote: nil)

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

    /// The matrix of `branches` × `lessons`, from histories and tip trees only.
    ///
    /// Lesson ids that appear in some record but not in `lessons` get a column of their own
    /// at the end, so nothing a learner recorded is hidden.
    ///
    /// - Parameter keepContents: also return the bytes of every regular exercise file, by
    ///   blob id, for a regrade.
    public func read(branches: [Branch], lessons: [LessonColumn], keepContents: Bool = false)
        throws(ClassroomError) -> (matrix: ClassMatrix, contents: [String: Data])
    {
        var progressByBranch: [(Branch, BranchProgress)] = []
        for branch in branches {
            let progress = try git { () throws(GitStoreError) in try repository.progress(branch: branch) }
            progressByBranch.append((branch, progress))
        }
        var columns = lessons
        let known = Set(lessons.map(\.id))
        let extra = Set(progressByBranch.flatMap { $0.1.lessons.keys }).subtracting(known)
        columns += extra.sorted().map { LessonColumn(id: $0) }

        let remotes = try git { () throws(GitStoreError) in try repository.remoteNames() }
        let names = Self.displayNames(for: branches, remotes: remotes)
        var classifier = FileClassifier(repository: repository, maximumBytes: maximumFileBytes, keepContents: keepContents)
        var rows: [LearnerRow] = []
        for (index, (branch, progress)) in progressByBranch.enumerated() {
            let tree = try git { () throws(GitStoreError) in try repository.commit(branch.tip).tree() }
            var cells: [Cell] = []
            for column in columns {
                let record = progress.lessons[column.id].map { lesson in
                    RecordedPass(
                        status: lesson.record.status, isCurrent: lesson.isCurrent, attempts: lesson.record.attempts,
                        hints: lesson.record.hints, checksPassed: lesson.record.checksPassed,
                        checksTotal: lesson.record.checksTotal, date: lesson.record.date,
                        commit: lesson.record.commit?.hex)
                }
                let path = coursePrefix + "exercises/\(column.id).py"
                let file = try classifier.classify(path, in: tree)
                cells.append(Cell(record: record, file: file))
            }
            rows.append(
                LearnerRow(
                    name: names[index], branch: branch.name, reference: branch.referenceName,
                    isLocal: branch.kind == .local, tip: branch.tip.hex, cells: cells))
        }
        rows.sort { ($0.name.lowercased(), $0.branch) < ($1.name.lowercased(), $1.branch) }
        return (ClassMatrix(lessons: columns, learners: rows), classifier.contents)
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

    /// The learner's name for each branch: without the remote and a leading `learner/`.
    /// When two branches would share a name (a local branch and its remote-tracking
    /// copy, or two remotes) each gets its origin in brackets.
    static func displayNames(for branches: [Branch], remotes: [String]) -> [String] {
        let bases: [(name: String, source: String)] = branches.map { branch in
            var name = branch.name
            var source = "local"
            if branch.kind == .remoteTracking, let (remote, rest) = splitRemote(branch.name, remotes: remotes) {
                name = rest
                source = remote
            }
            if name.hasPrefix("learner/"), name.count > "learner/".count {
                name = String(name.dropFirst("learner/".count))
            }
            return (name, source)
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
