import CGit2

/// A libgit2 object this process owns (a blob, commit, tree or reference): freed exactly
/// once, when the last Swift reference to it goes, and never after the repository it was
/// read from, which it keeps alive. Each kind names the libgit2 function that frees it.
public class LibGit2Object {
    let pointer: OpaquePointer
    /// Keeps the repository alive while this object is.
    public let repository: Repository
    private let free: (OpaquePointer) -> Void

    init(_ pointer: OpaquePointer, in repository: Repository, free: @escaping (OpaquePointer) -> Void) {
        self.pointer = pointer
        self.repository = repository
        self.free = free
    }

    deinit {
        free(pointer)
    }
}
