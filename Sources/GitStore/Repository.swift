import CGit2
import Foundation

/// A git repository opened through libgit2.
///
/// Not `Sendable`: libgit2 allows one thread at a time on a handle and the objects read
/// through it. Open one `Repository` per thread or task; handles to the same directory
/// coordinate through git's own lock files and compare-and-swap on refs.
public final class Repository {
    let pointer: OpaquePointer
    /// Walk results shared by every progress read on this handle (see `Progress.swift`).
    let progressCache = ProgressCache()

    /// Opens the repository containing `path`, searching upwards like `git` does.
    ///
    /// - Throws: `GitStoreError.notARepository` when neither `path` nor a parent is one.
    public init(discoveringFrom path: String) throws(GitStoreError) {
        _ = libgit2Ready
        var out: OpaquePointer?
        let rc = git_repository_open_ext(&out, path, 0, nil)
        if rc == GitError.notFound {
            throw .notARepository(path: path)
        }
        try check(rc)
        pointer = out!
    }

    /// Creates a new non-bare repository at `path` (and its parent directories) whose
    /// HEAD names `initialBranch`, which stays unborn until the first commit.
    ///
    /// - Throws: `GitStoreError.alreadyARepository` when `path` already holds one,
    ///   `GitStoreError.invalidBranchName` for a name git would refuse.
    public init(at path: String, initialBranch: String) throws(GitStoreError) {
        _ = libgit2Ready
        guard Self.isValidBranchName(initialBranch) else {
            throw .invalidBranchName(initialBranch)
        }
        var options = git_repository_init_options()
        try check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)))
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
        var out: OpaquePointer?
        let rc = initialBranch.withCString { branch in
            options.initial_head = branch
            return git_repository_init_ext(&out, path, &options)
        }
        if rc == GitError.exists {
            throw .alreadyARepository(path: path)
        }
        try check(rc)
        pointer = out!
    }

    deinit {
        git_repository_free(pointer)
    }

    /// The working tree directory without a trailing slash; nil for a bare repository.
    public var workdir: String? {
        string(git_repository_workdir(pointer)).map(Self.trimmingTrailingSlash)
    }

    /// The git directory (`.git` or the bare repository itself), without a trailing slash.
    public var gitDirectory: String {
        Self.trimmingTrailingSlash(string(git_repository_path(pointer)) ?? "")
    }

    /// The directory shared by all worktrees of this repository; holds refs and objects.
    var commonDirectory: String {
        Self.trimmingTrailingSlash(string(git_repository_commondir(pointer)) ?? gitDirectory)
    }

    /// Where `url` sits in the working tree, `/`-separated with a trailing slash
    /// (`course/` for a course in a subfolder), `""` for the working tree itself; nil
    /// when it is outside, or the repository is bare. Symbolic links are resolved on
    /// both sides, so `/tmp` and `/private/tmp` agree.
    public func folderInWorkdir(_ url: URL) -> String? {
        guard let workdir else { return nil }
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        let base = URL(fileURLWithPath: workdir).resolvingSymlinksInPath().path
        if path == base { return "" }
        guard path.hasPrefix(base + "/") else { return nil }
        return String(path.dropFirst(base.count + 1)) + "/"
    }

    /// True for a repository without a working tree.
    public var isBare: Bool {
        git_repository_is_bare(pointer) == 1
    }

    /// What HEAD points at right now.
    public func head() throws(GitStoreError) -> HeadState {
        let head = try headReference()
        if let target = head.symbolicTarget {
            let name = Branch.shortName(of: target)
            if try reference(named: target)?.resolvedTarget() != nil {
                return .branch(name)
            }
            return .unborn(name)
        }
        guard let id = head.target else {
            throw .git(GitError(code: GitError.notFound, errorClass: 0, message: "HEAD has no target"))
        }
        return .detached(id)
    }

    /// The HEAD reference itself, unresolved.
    func headReference() throws(GitStoreError) -> Reference {
        guard let head = try reference(named: "HEAD") else {
            // A repository always has HEAD; a missing one means a broken `.git`.
            throw .git(GitError(code: GitError.notFound, errorClass: 0, message: "HEAD is missing"))
        }
        return head
    }

    /// The signature for new commits: `user.name` and `user.email` from the repository's
    /// configuration (local, global, system), each falling back to
    /// `asynclings <asynclings@localhost>` when unset or empty, stamped with the current time.
    public func defaultSignature() throws(GitStoreError) -> Signature {
        let name = try configString("user.name").flatMap { $0.isEmpty ? nil : $0 }
        let email = try configString("user.email").flatMap { $0.isEmpty ? nil : $0 }
        return try Signature.now(name: name ?? Signature.fallbackName, email: email ?? Signature.fallbackEmail)
    }

    /// A string value from the repository's configuration; nil when unset.
    func configString(_ key: String) throws(GitStoreError) -> String? {
        try configValue { config in
            var value: UnsafePointer<CChar>?
            let rc = git_config_get_string(&value, config, key)
            // Copied now: the string belongs to the snapshot, freed on return.
            return (rc, string(value))
        } ?? nil
    }

    /// A boolean value from the repository's configuration; nil when unset.
    func configBool(_ key: String) throws(GitStoreError) -> Bool? {
        try configValue { config in
            var value: Int32 = 0
            return (git_config_get_bool(&value, config, key), value != 0)
        }
    }

    /// Runs one `git_config_get_*` call on a configuration snapshot (the string getter
    /// refuses live configurations); nil when the key is unset.
    private func configValue<Value>(_ get: (OpaquePointer?) -> (Int32, Value)) throws(GitStoreError) -> Value? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, pointer))
        defer { git_config_free(config) }
        let (rc, value) = get(config)
        if rc == GitError.notFound { return nil }
        try check(rc)
        return value
    }

    /// The path of this worktree's index file (`.git/index` for an ordinary clone).
    func indexPath() throws(GitStoreError) -> String {
        var buffer = git_buf()
        try check(git_repository_item_path(&buffer, pointer, GIT_REPOSITORY_ITEM_INDEX))
        return takeString(&buffer)
    }

    /// True for a name git accepts as a branch (`git check-ref-format --branch`).
    public static func isValidBranchName(_ name: String) -> Bool {
        _ = libgit2Ready
        var valid: Int32 = 0
        return git_branch_name_is_valid(&valid, name) == 0 && valid == 1
    }

    static func trimmingTrailingSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}

/// Where HEAD points.
public enum HeadState: Hashable, Sendable {
    /// A branch with at least one commit, by short name (`learner/zoë`).
    case branch(String)
    /// A commit, not a branch.
    case detached(ObjectID)
    /// A branch that has no commit yet (a fresh `git init`), by short name.
    case unborn(String)
}
