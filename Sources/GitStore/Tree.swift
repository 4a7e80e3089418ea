import CGit2

/// A tree object (a directory listing), owned and freed by this wrapper.
public final class Tree: LibGit2Object {
    init(_ pointer: OpaquePointer, in repository: Repository) {
        super.init(pointer, in: repository, free: { git_tree_free($0) })
    }

    /// The tree's object name.
    public var id: ObjectID {
        ObjectID(git_tree_id(pointer))
    }

    /// The entry at a slash-separated `path` below this tree (`exercises/02-gather.py`);
    /// nil when a component is missing or is not a directory.
    public func entry(at path: String) throws(GitStoreError) -> TreeEntry? {
        var out: OpaquePointer?
        let rc = git_tree_entry_bypath(&out, pointer, path)
        if rc == GitError.notFound { return nil }
        try check(rc)
        // `git_tree_entry_bypath` hands out an owned copy.
        defer { git_tree_entry_free(out) }
        return TreeEntry(out!)
    }

    /// The direct children of this tree, in git's order.
    public var entries: [TreeEntry] {
        (0..<git_tree_entrycount(pointer)).compactMap { index in
            git_tree_entry_byindex(pointer, index).map(TreeEntry.init)
        }
    }
}

/// One name in a tree: what it is and which object holds it.
public struct TreeEntry: Hashable, Sendable {
    /// What a tree entry refers to, from its file mode.
    public enum Kind: Hashable, Sendable {
        /// A regular file (mode 100644).
        case file
        /// A regular file with the executable bit (mode 100755).
        case executable
        /// A symbolic link (mode 120000); the blob holds the link target.
        case symlink
        /// A subdirectory (mode 040000).
        case directory
        /// A submodule: a commit in another repository (mode 160000).
        case submodule
    }

    /// The last path component.
    public let name: String
    /// The object the entry names: a blob, a tree, or (for a submodule) a commit.
    public let id: ObjectID
    /// What the entry is, from its mode.
    public let kind: Kind

    init(_ entry: OpaquePointer) {
        name = string(git_tree_entry_name(entry)) ?? ""
        id = ObjectID(git_tree_entry_id(entry))
        switch git_tree_entry_filemode(entry) {
        case GIT_FILEMODE_BLOB_EXECUTABLE: kind = .executable
        case GIT_FILEMODE_LINK: kind = .symlink
        case GIT_FILEMODE_TREE: kind = .directory
        case GIT_FILEMODE_COMMIT: kind = .submodule
        default: kind = .file
        }
    }
}

extension Repository {
    /// Looks up a tree; throws `GIT_ENOTFOUND` wrapped in `.git` when there is none.
    public func tree(_ id: ObjectID) throws(GitStoreError) -> Tree {
        var out: OpaquePointer?
        var raw = id.raw
        try check(git_tree_lookup(&out, pointer, &raw))
        return Tree(out!, in: self)
    }
}
