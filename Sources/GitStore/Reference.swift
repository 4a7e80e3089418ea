import CGit2

/// A git reference (`refs/heads/main`, `HEAD`, `refs/remotes/origin/HEAD`), owned and
/// freed by this wrapper.
public final class Reference: LibGit2Object {
    init(_ pointer: OpaquePointer, in repository: Repository) {
        super.init(pointer, in: repository, free: { git_reference_free($0) })
    }

    /// The full name, e.g. `refs/heads/learner/zoë`.
    public var name: String {
        string(git_reference_name(pointer)) ?? ""
    }

    /// The object a direct reference points at; nil for a symbolic one.
    public var target: ObjectID? {
        git_reference_target(pointer).map(ObjectID.init)
    }

    /// The reference name a symbolic reference points at; nil for a direct one.
    public var symbolicTarget: String? {
        string(git_reference_symbolic_target(pointer))
    }

    /// Follows symbolic references to an object; nil when the chain ends at a reference
    /// that does not exist (an unborn branch).
    public func resolvedTarget() throws(GitStoreError) -> ObjectID? {
        if let target { return target }
        var resolved: OpaquePointer?
        let rc = git_reference_resolve(&resolved, pointer)
        if rc == GitError.notFound { return nil }
        try check(rc)
        defer { git_reference_free(resolved) }
        return git_reference_target(resolved).map(ObjectID.init)
    }
}

extension Repository {
    /// Looks up a reference by its full name; nil when there is none.
    public func reference(named name: String) throws(GitStoreError) -> Reference? {
        var out: OpaquePointer?
        let rc = git_reference_lookup(&out, pointer, name)
        if rc == GitError.notFound { return nil }
        try check(rc)
        return Reference(out!, in: self)
    }
}
