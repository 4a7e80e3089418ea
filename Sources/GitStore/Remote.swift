import CGit2

extension Repository {
    /// The commit a revision names: a branch (`main`, `origin/main`), a full reference,
    /// a tag (peeled to its commit) or a commit id, as `git rev-parse REV^{commit}` reads it.
    ///
    /// - Throws: `.revisionNotFound` when it names nothing, or something that is not a commit.
    public func commit(revision: String) throws(GitStoreError) -> Commit {
        var object: OpaquePointer?
        let rc = git_revparse_single(&object, pointer, revision)
        guard rc == 0 else {
            if rc == GitError.notFound || rc == GIT_EINVALIDSPEC.rawValue || rc == GIT_EAMBIGUOUS.rawValue {
                throw .revisionNotFound(revision)
            }
            try check(rc)
            throw .revisionNotFound(revision)
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        guard git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0, let peeled else {
            throw .revisionNotFound(revision)
        }
        return Commit(peeled, in: self)
    }

    /// The names of the configured remotes, sorted.
    public func remoteNames() throws(GitStoreError) -> [String] {
        var names = git_strarray()
        try check(git_remote_list(&names, pointer))
        defer { git_strarray_dispose(&names) }
        return (0..<names.count).compactMap { string(names.strings[$0]) }.sorted()
    }

    /// The branch a remote's `HEAD` names, as `git clone` records it in
    /// `refs/remotes/REMOTE/HEAD` (e.g. `origin/main`); nil when it was never recorded.
    public func defaultBranch(ofRemote remote: String) throws(GitStoreError) -> String? {
        guard let head = try reference(named: Branch.remotePrefix + remote + "/HEAD"),
            let target = head.symbolicTarget, target.hasPrefix(Branch.remotePrefix)
        else { return nil }
        return Branch.shortName(of: target)
    }

    /// Makes `remote`'s branch of the same name the upstream of the local branch `name`,
    /// so a plain `git push` (and `git pull`) on it works before the remote has it.
    ///
    /// Writes `branch.NAME.remote` and `branch.NAME.merge` into the repository's own
    /// configuration, as `git push -u REMOTE NAME` would after its first push;
    /// `git_branch_set_upstream` cannot, because it wants the remote-tracking branch to
    /// exist already.
    ///
    /// - Throws: `.invalidBranchName`, `.remoteNotFound`.
    public func setUpstream(ofBranch name: String, remote: String) throws(GitStoreError) {
        guard Self.isValidBranchName(name) else { throw .invalidBranchName(name) }
        guard try remoteNames().contains(remote) else { throw .remoteNotFound(remote) }
        var config: OpaquePointer?
        try check(git_repository_config(&config, pointer))
        defer { git_config_free(config) }
        // Branch names may hold `/` and any Unicode; git keeps them verbatim as the
        // (case-sensitive) subsection of the key.
        try check(git_config_set_string(config, "branch.\(name).remote", remote))
        try check(git_config_set_string(config, "branch.\(name).merge", Branch.localPrefix + name))
    }

    /// The remote a plain `git push` on the local branch `name` publishes to
    /// (`branch.NAME.remote`), when it is one of this repository's remotes; nil otherwise.
    public func pushRemote(ofBranch name: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return nil }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, config, "branch.\(name).remote") == 0, let value else { return nil }
        let remote = String(cString: value)
        return (try? remoteNames())?.contains(remote) == true ? remote : nil
    }
}
