import CGit2

/// A local or remote-tracking branch and the commit it pointed at when read.
public struct Branch: Hashable, Sendable {
    /// Which namespace a branch lives in.
    public enum Kind: Hashable, Sendable {
        /// `refs/heads/…`
        case local
        /// `refs/remotes/…`, written by fetch.
        case remoteTracking
    }

    static let localPrefix = "refs/heads/"
    static let remotePrefix = "refs/remotes/"

    /// The name people use: `learner/zoë` for a local branch, `origin/learner/zoë` for a
    /// remote-tracking one.
    public let name: String
    /// The full reference name, `refs/heads/learner/zoë` or `refs/remotes/origin/learner/zoë`.
    public let referenceName: String
    /// Local or remote-tracking.
    public let kind: Kind
    /// The commit at the tip when the branch was read.
    public let tip: ObjectID

    /// Strips `refs/heads/` or `refs/remotes/` from a full name; other names pass through.
    static func shortName(of referenceName: String) -> String {
        for prefix in [localPrefix, remotePrefix] where referenceName.hasPrefix(prefix) {
            return String(referenceName.dropFirst(prefix.count))
        }
        return referenceName
    }
}

extension Repository {
    /// Local and remote-tracking branches, sorted by full reference name.
    ///
    /// Symbolic remote-tracking refs such as `origin/HEAD` are skipped: they name another
    /// branch that is listed anyway.
    public func branches(_ kinds: Set<Branch.Kind> = [.local, .remoteTracking]) throws(GitStoreError) -> [Branch] {
        var iterator: OpaquePointer?
        try check(git_branch_iterator_new(&iterator, pointer, GIT_BRANCH_ALL))
        defer { git_branch_iterator_free(iterator) }
        var result: [Branch] = []
        while true {
            var ref: OpaquePointer?
            var type = GIT_BRANCH_ALL
            let rc = git_branch_next(&ref, &type, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc)
            let reference = Reference(ref!, in: self)
            let kind: Branch.Kind = type == GIT_BRANCH_LOCAL ? .local : .remoteTracking
            guard kinds.contains(kind), let tip = reference.target else { continue }
            let name = reference.name
            result.append(Branch(name: Branch.shortName(of: name), referenceName: name, kind: kind, tip: tip))
        }
        return result.sorted { $0.referenceName.utf8.lexicographicallyPrecedes($1.referenceName.utf8) }
    }

    /// Finds a branch by name: a full reference name (`refs/heads/…`, `refs/remotes/…`),
    /// else a local branch (`learner/zoë`), else a remote-tracking one (`origin/learner/zoë`).
    ///
    /// Unlike `git_reference_dwim` this never resolves to a tag that shares the name.
    ///
    /// - Throws: `GitStoreError.branchNotFound` when none matches or the match is symbolic.
    public func branch(named name: String) throws(GitStoreError) -> Branch {
        let candidates: [(String, Branch.Kind)]
        if name.hasPrefix(Branch.localPrefix) {
            candidates = [(name, .local)]
        } else if name.hasPrefix(Branch.remotePrefix) {
            candidates = [(name, .remoteTracking)]
        } else {
            candidates = [(Branch.localPrefix + name, .local), (Branch.remotePrefix + name, .remoteTracking)]
        }
        for (referenceName, kind) in candidates {
            // An invalid name cannot exist, so it is "not found" rather than an error.
            var valid: Int32 = 0
            guard git_reference_name_is_valid(&valid, referenceName) == 0, valid == 1 else { continue }
            if let reference = try reference(named: referenceName), let tip = reference.target {
                return Branch(
                    name: Branch.shortName(of: referenceName), referenceName: referenceName, kind: kind, tip: tip)
            }
        }
        throw .branchNotFound(name)
    }

    /// Creates the local branch `name` at `commit` without switching to it.
    ///
    /// - Throws: `.invalidBranchName`, `.branchExists`.
    @discardableResult
    public func createBranch(named name: String, at commit: Commit) throws(GitStoreError) -> Branch {
        guard Self.isValidBranchName(name) else { throw .invalidBranchName(name) }
        var out: OpaquePointer?
        let rc = git_branch_create(&out, pointer, name, commit.pointer, 0)
        if rc == GitError.exists { throw .branchExists(name) }
        try check(rc)
        let reference = Reference(out!, in: self)
        return Branch(name: name, referenceName: reference.name, kind: .local, tip: commit.id)
    }

    /// Points HEAD at the local branch `name`, like `git switch NAME`.
    ///
    /// When the branch's tree equals the current HEAD tree only HEAD moves: no file, no
    /// index entry is touched. Otherwise the branch's tree is checked out first with git's
    /// safe strategy, which refuses to overwrite local changes.
    ///
    /// - Throws: `.branchNotFound` when there is no such local branch; a checkout conflict
    ///   as `.git` (code `GIT_ECONFLICT`).
    public func switchBranch(to name: String) throws(GitStoreError) {
        guard !isBare else { throw .bareRepository(path: gitDirectory) }
        let referenceName = Branch.localPrefix + name
        guard Self.isValidBranchName(name), let target = try reference(named: referenceName)?.target else {
            throw .branchNotFound(name)
        }
        let commit = try commit(target)
        if try headCommit()?.treeID != commit.treeID {
            var options = git_checkout_options()
            try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)))
            options.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
            try check(git_checkout_tree(pointer, commit.pointer, &options))
        }
        try check(git_repository_set_head(pointer, referenceName))
    }

    /// Creates the local branch `name` at HEAD and switches to it, like `git switch -c NAME`.
    ///
    /// The new branch starts at the current commit, so only HEAD changes: files and the
    /// index stay exactly as they are. On an unborn HEAD there is no commit to start from;
    /// HEAD is simply renamed to the new (still unborn) branch, as git does.
    @discardableResult
    public func switchToNewBranch(named name: String) throws(GitStoreError) -> HeadState {
        guard !isBare else { throw .bareRepository(path: gitDirectory) }
        guard Self.isValidBranchName(name) else { throw .invalidBranchName(name) }
        let referenceName = Branch.localPrefix + name
        if let current = try headCommit() {
            try createBranch(named: name, at: current)
            try check(git_repository_set_head(pointer, referenceName))
            return .branch(name)
        }
        if try reference(named: referenceName) != nil { throw .branchExists(name) }
        // `git_repository_set_head` accepts a not-yet-existing branch and leaves it unborn.
        try check(git_repository_set_head(pointer, referenceName))
        return .unborn(name)
    }
}
