import CGit2
import Foundation

/// A file read straight from a commit's tree, never from a working tree.
///
/// Only `.regular` carries bytes; every other case is a refusal the caller reports
/// instead of grading (a symlink could point anywhere on the grader's disk, a binary or
/// huge file is not an exercise).
public enum FileAtRevision: Hashable, Sendable {
    /// A regular or executable text file and its exact bytes.
    case regular(Data)
    /// Nothing at that path (or a parent component is not a directory).
    case missing
    /// A symbolic link; its target is not followed.
    case symlink
    /// A directory.
    case directory
    /// A submodule commit.
    case submodule
    /// A file with a NUL byte in its first 8000 bytes (git's binary rule).
    case binary
    /// A file larger than the caller's cap; its size in bytes. Its contents were not read.
    case tooLarge(size: Int)
}

extension Repository {
    /// The file at `path` at the tip of `branch`, without checking anything out.
    ///
    /// - Parameters:
    ///   - path: `/`-separated, relative to the repository root.
    ///   - maxSize: the largest blob, in bytes, that is read at all.
    public func file(at path: String, in branch: Branch, maxSize: Int) throws(GitStoreError) -> FileAtRevision {
        try file(at: path, in: commit(branch.tip), maxSize: maxSize)
    }

    /// The file at `path` in `commit`; see `file(at:in:maxSize:)` for a branch.
    public func file(at path: String, in commit: Commit, maxSize: Int) throws(GitStoreError) -> FileAtRevision {
        try file(at: path, in: commit.tree(), maxSize: maxSize)
    }

    /// The file at `path` below `tree`.
    ///
    /// The size comes from the object database header before the blob is loaded, so an
    /// oversized blob is refused without being inflated into memory; a truncated loose
    /// object is refused (`.corruptObject`) instead of hanging libgit2.
    public func file(at path: String, in tree: Tree, maxSize: Int) throws(GitStoreError) -> FileAtRevision {
        guard !path.isEmpty, let entry = try tree.entry(at: path) else { return .missing }
        switch entry.kind {
        case .symlink: return .symlink
        case .directory: return .directory
        case .submodule: return .submodule
        case .file, .executable: break
        }
        let size = try objectHeader(entry.id).size
        guard size <= maxSize else { return .tooLarge(size: size) }
        try requireWholeLooseObject(entry.id, type: "blob", size: size)
        let blob = try blob(entry.id)
        return blob.isBinary ? .binary : .regular(blob.content)
    }
}
