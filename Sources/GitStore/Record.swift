import CGit2
import Foundation

import Glibc

extension Repository {
    /// How often the branch may move under a recording before it gives up. Each retry
    /// rebuilds on the new tip, so only a branch rewritten continuously exhausts this.
    static let recordAttempts = 32

    /// Records a pass: commits `content` as `record.file` on the current branch with the
    /// message from `record.commitMessage()`, then resets the local attempt and hint
    /// counters of that lesson on this branch.
    ///
    /// - Parameters:
    ///   - record: what to write into the trailers; `record.file` is relative to the
    ///     working tree root.
    ///   - content: the exact bytes that were graded (not re-read from disk).
    ///   - indexLockTimeout: how long to wait for another git process to release the index.
    /// - Returns: `record` with `commit`, `date` and `blob` filled in.
    /// - Throws: see `commitFile(_:content:message:indexLockTimeout:)`; `.invalidTrailerValue`.
    @discardableResult
    public func recordPass(_ record: ProgressRecord, content: Data, indexLockTimeout: Duration = .seconds(2))
        throws(GitStoreError) -> ProgressRecord
    {
        let message = try record.commitMessage()
        let (commit, branch, blob) = try commitOneFile(
            record.file, content: content, message: message, indexLockTimeout: indexLockTimeout)
        // The pass is in history whatever happens next; a counter file we cannot reset
        // only means the next record of this lesson overstates attempts, which is not
        // worth reporting the recorded pass as a failure.
        try? counters.passRecorded(branch: branch, lesson: record.lesson)
        var recorded = record
        recorded.commit = commit.id
        recorded.date = commit.date
        recorded.blob = blob
        recorded.treeID = commit.treeID
        return recorded
    }

    /// Commits one file on the current branch, like `git commit --only FILE`.
    ///
    /// The new commit's parent is the branch tip (none on an unborn branch) and its tree
    /// is the tip's tree with only `path` set to `content`. The index entry for `path` is
    /// updated to the same blob, with stat data from the working file when the working
    /// file holds exactly `content`, so `git status` shows it clean; when the file
    /// changed since grading it keeps showing as modified. Every other index entry and
    /// every other file stay as they were, staged or not.
    ///
    /// The branch moves by compare-and-swap: if another process moved it meanwhile, the
    /// commit is rebuilt on the new tip and tried again.
    ///
    /// - Parameters:
    ///   - path: relative to the working tree root, `/`-separated (`exercises/02-gather.py`).
    ///   - content: the bytes to record.
    ///   - message: the commit message; whitespace is cleaned up as `git commit` does.
    ///   - indexLockTimeout: how long to wait for another git process to release the index.
    /// - Throws: `.bareRepository`, `.detachedHead`, `.invalidPath`, `.indexLocked`,
    ///   `.concurrentUpdates`, `.git`.
    @discardableResult
    public func commitFile(
        _ path: String, content: Data, message: String, indexLockTimeout: Duration = .seconds(2)
    ) throws(GitStoreError) -> Commit {
        try commitOneFile(path, content: content, message: message, indexLockTimeout: indexLockTimeout).commit
    }

    /// `commitFile` returning also the branch short name and the blob; the hook runs just
    /// before each compare-and-swap so tests can move the branch in between.
    func commitOneFile(
        _ path: String, content: Data, message: String, indexLockTimeout: Duration,
        beforeReferenceUpdate: (Int) throws(GitStoreError) -> Void = { _ throws(GitStoreError) in }
    ) throws(GitStoreError) -> (commit: Commit, branch: String, blob: ObjectID) {
        guard let workdir, !isBare else { throw .bareRepository(path: gitDirectory) }
        try Self.validateWorkdirPath(path)
        let cleanMessage = try Self.prettify(message)
        let blob = try createBlob(content)

        let lock = try IndexLock(indexPath: try indexPath(), timeout: indexLockTimeout)
        // Read HEAD only under the lock: `git switch` needs the same lock to move it.
        let referenceName = try currentBranchReferenceName()
        let staged = try StagedIndex(copying: lock)
        let mode = try fileMode(for: path, workdir: workdir, index: staged.index)
        let entry = try indexEntry(for: path, blob: blob, size: content.count, mode: mode, workdir: workdir)
        let conflict = git_index_conflict_remove(staged.index.pointer, path)
        if conflict != GitError.notFound { try check(conflict) }
        try staged.index.add(entry, path: path)
        try staged.smudgeRacilyCleanEntries(in: self, workdir: workdir, skipping: path)
        try staged.write()

        let signature = try defaultSignature()
        let update = TreeUpdate(path: path, blob: blob, mode: mode)
        let commit = try advanceBranch(
            referenceName, message: cleanMessage, signature: signature,
            beforeReferenceUpdate: beforeReferenceUpdate
        ) { parent throws(GitStoreError) in try update.apply(to: parent?.tree(), in: self) }
        // The commit is on the branch; now the index follows, as `git commit` does it.
        // Only a rename is left, so the two can hardly disagree.
        try staged.install(with: lock)
        return (commit, Branch.shortName(of: referenceName), blob)
    }

    /// The full name of the branch HEAD points at, born or unborn.
    ///
    /// - Throws: `.detachedHead` when HEAD names a commit.
    func currentBranchReferenceName() throws(GitStoreError) -> String {
        let head = try headReference()
        if let target = head.symbolicTarget { return target }
        // A direct reference always has a target; the zero id only satisfies the type.
        throw .detachedHead(head.target ?? ObjectID(git_oid()))
    }

    /// Commits a tree built from the branch tip onto the branch, retrying on the new tip
    /// whenever the branch moved (the ref update is a compare-and-swap under the ref lock).
    ///
    /// `git_commit_create` with `update_ref` checks the tip before writing the object and
    /// only compares-and-swaps when the ref exists; an unborn branch would be overwritten
    /// unconditionally. So the commit is created detached and the ref updated explicitly.
    func advanceBranch(
        _ referenceName: String, message: String, signature: Signature,
        beforeReferenceUpdate: (Int) throws(GitStoreError) -> Void = { _ throws(GitStoreError) in },
        tree makeTree: (Commit?) throws(GitStoreError) -> ObjectID
    ) throws(GitStoreError) -> Commit {
        let summary = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        for attempt in 0..<Self.recordAttempts {
            let tip = try reference(named: referenceName)?.target
            let parent = try tip.map { id throws(GitStoreError) in try commit(id) }
            let treeID = try makeTree(parent)
            var newID = try createCommit(tree: treeID, parent: parent, message: message, signature: signature)
            try beforeReferenceUpdate(attempt)
            var out: OpaquePointer?
            let rc: Int32
            if var expected = tip?.raw {
                rc = git_reference_create_matching(
                    &out, pointer, referenceName, &newID.raw, 1, &expected, "commit: \(summary)")
            } else {
                rc = git_reference_create(&out, pointer, referenceName, &newID.raw, 0, "commit (initial): \(summary)")
            }
            git_reference_free(out)
            switch rc {
            case 0:
                return try commit(newID)
            case GitError.modified, GitError.exists, GitError.locked:
                // Someone else moved (or is moving) the branch: back off a little so two
                // recorders don't keep colliding in lockstep, then rebuild on the new tip.
                usleep(useconds_t(UInt32.random(in: 100...2_000)))
            default:
                try check(rc)
            }
        }
        throw .concurrentUpdates(reference: referenceName, attempts: Self.recordAttempts)
    }

    /// Writes a commit object (no ref moves) with `parent` as its only parent, if any.
    func createCommit(tree treeID: ObjectID, parent: Commit?, message: String, signature: Signature)
        throws(GitStoreError) -> ObjectID
    {
        let tree = try tree(treeID)
        var parents: [OpaquePointer?] = parent.map { [$0.pointer] } ?? []
        var id = git_oid()
        let rc = try signature.withGitSignature { sig in
            git_commit_create(&id, pointer, nil, sig, sig, nil, message, tree.pointer, parents.count, &parents)
        }
        try check(rc)
        return ObjectID(id)
    }

    func createBlob(_ content: Data) throws(GitStoreError) -> ObjectID {
        var id = git_oid()
        let rc = content.withUnsafeBytes { bytes in
            git_blob_create_from_buffer(&id, pointer, bytes.baseAddress, bytes.count)
        }
        try check(rc)
        return ObjectID(id)
    }

    /// The mode `git commit --only` would record: the working file's executable bit when
    /// `core.filemode` is trusted, else the mode already in the index, else 100644.
    func fileMode(for path: String, workdir: String, index: Index) throws(GitStoreError) -> git_filemode_t {
        var info = stat()
        if try configBool("core.filemode") ?? true, lstat(workdir + "/" + path, &info) == 0,
            info.st_mode & S_IFMT == S_IFREG
        {
            return info.st_mode & 0o100 != 0 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB
        }
        if index.entry(at: path)?.mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue {
            return GIT_FILEMODE_BLOB_EXECUTABLE
        }
        return GIT_FILEMODE_BLOB
    }

    /// The index entry for a recorded blob. Stat data comes from the working file only
    /// when that file hashes to the same blob (checked between two identical `lstat`s, so
    /// an edit during the check is caught); otherwise the stat fields stay zero and git
    /// re-reads the file, reporting any difference as an unstaged change.
    func indexEntry(for path: String, blob: ObjectID, size: Int, mode: git_filemode_t, workdir: String)
        throws(GitStoreError) -> git_index_entry
    {
        var entry = git_index_entry()
        entry.id = blob.raw
        entry.mode = mode.rawValue
        entry.file_size = UInt32(truncatingIfNeeded: size)
        let full = workdir + "/" + path
        var before = stat()
        var after = stat()
        guard lstat(full, &before) == 0, before.st_mode & S_IFMT == S_IFREG else { return entry }
        var id = git_oid()
        guard git_repository_hashfile(&id, pointer, path, GIT_OBJECT_BLOB, path) == 0, ObjectID(id) == blob,
            lstat(full, &after) == 0, Self.sameStat(before, after)
        else { return entry }
        entry.ctime = git_index_time(
            seconds: Int32(truncatingIfNeeded: after.st_ctim.tv_sec),
            nanoseconds: UInt32(truncatingIfNeeded: after.st_ctim.tv_nsec))
        entry.mtime = git_index_time(
            seconds: Int32(truncatingIfNeeded: after.st_mtim.tv_sec),
            nanoseconds: UInt32(truncatingIfNeeded: after.st_mtim.tv_nsec))
        entry.dev = UInt32(truncatingIfNeeded: after.st_dev)
        entry.ino = UInt32(truncatingIfNeeded: after.st_ino)
        entry.uid = after.st_uid
        entry.gid = after.st_gid
        entry.file_size = UInt32(truncatingIfNeeded: after.st_size)
        return entry
    }

    static func sameStat(_ a: stat, _ b: stat) -> Bool {
        a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size
            && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec
            && a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec
    }

    /// Accepts a `/`-separated path that stays inside the working tree and outside `.git`.
    static func validateWorkdirPath(_ path: String) throws(GitStoreError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.contains("\0"),
            components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && $0.lowercased() != ".git" })
        else { throw .invalidPath(path) }
    }

    /// Cleans a message as `git commit --cleanup=whitespace` does: strips trailing
    /// spaces and surplus blank lines, ends it with exactly one newline. `#` lines stay.
    static func prettify(_ message: String) throws(GitStoreError) -> String {
        var buffer = git_buf()
        try check(git_message_prettify(&buffer, message, 0, 0x23))
        return takeString(&buffer)
    }
}

/// Setting one path in a tree to a blob.
struct TreeUpdate {
    let path: String
    let blob: ObjectID
    let mode: git_filemode_t

    /// The id of `base` (or an empty tree) with `path` upserted; nested directories are
    /// created or rewritten as needed.
    func apply(to base: Tree?, in repository: Repository) throws(GitStoreError) -> ObjectID {
        var out = git_oid()
        let rc = path.withCString { cPath in
            var update = git_tree_update(action: GIT_TREE_UPDATE_UPSERT, id: blob.raw, filemode: mode, path: cPath)
            return git_tree_create_updated(&out, repository.pointer, base?.pointer, 1, &update)
        }
        try check(rc)
        return ObjectID(out)
    }
}
