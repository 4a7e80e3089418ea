import CGit2
import Foundation

/// A blob object (file contents), owned and freed by this wrapper.
public final class Blob {
    let pointer: OpaquePointer
    /// Keeps the repository alive while the blob is.
    public let repository: Repository

    init(_ pointer: OpaquePointer, in repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_blob_free(pointer)
    }

    /// The blob's object name.
    public var id: ObjectID {
        ObjectID(git_blob_id(pointer))
    }

    /// Size in bytes.
    public var size: Int {
        Int(git_blob_rawsize(pointer))
    }

    /// A copy of the contents: the raw buffer belongs to the blob and dies with it.
    public var content: Data {
        guard let raw = git_blob_rawcontent(pointer) else { return Data() }
        return Data(bytes: raw, count: size)
    }

    /// Git's own rule for `diff` and `grep`: binary when a NUL byte occurs in the first
    /// 8000 bytes. libgit2's `git_blob_is_binary` adds a printable-ratio heuristic that
    /// git does not have, so we keep git's rule to agree with what learners see in git.
    public var isBinary: Bool {
        guard let raw = git_blob_rawcontent(pointer) else { return false }
        let bytes = UnsafeRawBufferPointer(start: raw, count: min(size, 8000))
        return bytes.contains(0)
    }
}

extension Repository {
    /// Looks up a blob; throws `GIT_ENOTFOUND` wrapped in `.git` when there is none.
    public func blob(_ id: ObjectID) throws(GitStoreError) -> Blob {
        var out: OpaquePointer?
        var raw = id.raw
        try check(git_blob_lookup(&out, pointer, &raw))
        return Blob(out!, in: self)
    }

    /// Size and type of an object read from the object database header, without
    /// inflating the object itself.
    func objectHeader(_ id: ObjectID) throws(GitStoreError) -> (size: Int, type: git_object_t) {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer))
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_INVALID
        var raw = id.raw
        try check(git_odb_read_header(&size, &type, odb, &raw))
        return (size, type)
    }
}
