import CGit2

extension Repository {
    /// Stages the whole working tree and commits it on the current branch, like
    /// `git add -A && git commit -m MESSAGE`: new and changed files are added, deleted
    /// ones removed, and whatever `.gitignore` excludes stays out.
    ///
    /// Meant for setting up: the initial commit of the course in a repository that
    /// `init(at:initialBranch:)` just created. It uses the repository's own index, which
    /// libgit2 locks only while writing; run it when no other git process is busy here.
    ///
    /// - Throws: `.bareRepository`, `.detachedHead`; `.concurrentUpdates` when the branch
    ///   moved while committing (a snapshot is never replayed onto another tip).
    @discardableResult
    public func commitAll(message: String) throws(GitStoreError) -> Commit {
        guard !isBare else { throw .bareRepository(path: gitDirectory) }
        let referenceName = try currentBranchReferenceName()
        let cleanMessage = try Self.prettify(message)

        var index: OpaquePointer?
        try check(git_repository_index(&index, pointer))
        defer { git_index_free(index) }
        // Re-read from disk: the handle may hold a copy older than the learner's last `git add`.
        try check(git_index_read(index, 1))
        var everything = git_strarray(strings: nil, count: 0)
        try check(git_index_add_all(index, &everything, GIT_INDEX_ADD_DEFAULT.rawValue, nil, nil))
        try check(git_index_update_all(index, &everything, nil, nil))
        try check(git_index_write(index))
        var treeID = git_oid()
        try check(git_index_write_tree(&treeID, index))

        let expectedTip = try reference(named: referenceName)?.target
        let tree = ObjectID(treeID)
        return try advanceBranch(referenceName, message: cleanMessage, signature: try defaultSignature()) {
            parent throws(GitStoreError) in
            guard parent?.id == expectedTip else {
                throw .concurrentUpdates(reference: referenceName, attempts: 1)
            }
            return tree
        }
    }
}
