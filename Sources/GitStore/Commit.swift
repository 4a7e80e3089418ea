import CGit2
import Foundation

/// A commit object, owned and freed by this wrapper.
public final class Commit: LibGit2Object {
    init(_ pointer: OpaquePointer, in repository: Repository) {
        super.init(pointer, in: repository, free: { git_commit_free($0) })
    }

    /// The commit's object name.
    public var id: ObjectID {
        ObjectID(git_commit_id(pointer))
    }

    /// The full message, leading blank lines removed.
    public var message: String {
        string(git_commit_message(pointer)) ?? ""
    }

    /// The first paragraph of the message on one line.
    public var summary: String {
        string(git_commit_summary(pointer)) ?? ""
    }

    /// The committer's time.
    public var date: Date {
        Date(timeIntervalSince1970: TimeInterval(git_commit_time(pointer)))
    }

    /// Who wrote the change, and when.
    public var author: Signature {
        Signature(git_commit_author(pointer))
    }

    /// Who made the commit, and when; `date` is this time.
    public var committer: Signature {
        Signature(git_commit_committer(pointer))
    }

    /// The parents in order; the first one is the branch's previous tip.
    public var parentIDs: [ObjectID] {
        (0..<git_commit_parentcount(pointer)).compactMap { index in
            git_commit_parent_id(pointer, index).map(ObjectID.init)
        }
    }

    /// The first parent's id without loading it; nil for a root commit.
    var firstParentID: ObjectID? {
        git_commit_parent_id(pointer, 0).map(ObjectID.init)
    }

    /// The root tree's object name, without loading the tree.
    public var treeID: ObjectID {
        ObjectID(git_commit_tree_id(pointer))
    }

    /// The root tree of this commit.
    public func tree() throws(GitStoreError) -> Tree {
        var out: OpaquePointer?
        try check(git_commit_tree(&out, pointer))
        return Tree(out!, in: repository)
    }

    /// The `Key: value` lines of the message's trailer block, in order.
    public var trailers: [Trailer] {
        Trailer.parse(message)
    }
}

extension Repository {
    /// Looks up a commit; throws `GIT_ENOTFOUND` wrapped in `.git` when there is none.
    public func commit(_ id: ObjectID) throws(GitStoreError) -> Commit {
        var out: OpaquePointer?
        var raw = id.raw
        try check(git_commit_lookup(&out, pointer, &raw))
        return Commit(out!, in: self)
    }

    /// The commit HEAD points at; nil while its branch is unborn.
    public func headCommit() throws(GitStoreError) -> Commit? {
        guard let id = try headReference().resolvedTarget() else { return nil }
        return try commit(id)
    }
}

extension Repository {
    /// What kind of object `id` names: `commit`, `tree`, `blob` or `tag`; nil when the
    /// repository does not have it. A branch should name a commit, but a reference file
    /// can be written to name anything.
    public func objectKind(_ id: ObjectID) throws(GitStoreError) -> String? {
        var object: OpaquePointer?
        var raw = id.raw
        let rc = git_object_lookup(&object, pointer, &raw, GIT_OBJECT_ANY)
        if rc == GitError.notFound { return nil }
        try check(rc)
        defer { git_object_free(object) }
        return string(git_object_type2string(git_object_type(object)))
    }

    /// True when the two commits have a common ancestor (one may be the other's): a
    /// branch made from the course shares its history, even after the course moved on.
    public func shareHistory(_ a: ObjectID, _ b: ObjectID) throws(GitStoreError) -> Bool {
        var base = git_oid()
        var one = a.raw
        var two = b.raw
        let rc = git_merge_base(&base, pointer, &one, &two)
        if rc == GitError.notFound { return false }
        try check(rc)
        return true
    }
}
