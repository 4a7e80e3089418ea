import CGit2

/// libgit2 global state, set up once for the whole process.
///
/// A global `let` is initialised lazily and exactly once, even when several threads
/// touch it at the same time, which is what `git_libgit2_init` needs. It is never shut
/// down: handles may outlive any scope we could pick for `git_libgit2_shutdown`.
///
/// Owner validation is switched off. libgit2 1.5.1 refuses to open a repository owned by
/// another uid (the CVE-2022-24765 `safe.directory` check) and reports it as a misleading
/// "config value 'safe.directory' was not found" (`GIT_ENOTFOUND`), not `GIT_EOWNER`.
/// An instructor routinely reads a room's clones that were copied with another owner, and
/// a learner's container often runs as root over a bind-mounted checkout. We only read
/// objects and refs and write our own commits; we never run hooks, filters from config,
/// or anything else that would make a hostile `.git/config` execute code.
let libgit2Ready: Void = {
    git_libgit2_init()
    _ = cgit2_set_owner_validation(0)
}()

/// An error reported by libgit2: its return code, error class and message.
///
/// Built only right after a call returned a negative code, because `git_error_last` is
/// sticky and thread-local: read later, it may describe an older failure.
public struct GitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The `git_error_code` returned by the call, e.g. `-3` (`GIT_ENOTFOUND`).
    public let code: Int32
    /// The `git_error_t` class from `git_error_last`, e.g. `4` (`GIT_ERROR_REFERENCE`); 0 when none.
    public let errorClass: Int32
    /// The message from `git_error_last`, or a generic one when libgit2 set none.
    public let message: String

    /// Creates an error value; normally made by `GitError.check(_:)`.
    public init(code: Int32, errorClass: Int32, message: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
    }

    /// `GIT_ENOTFOUND`: the object, reference or path does not exist.
    public static let notFound = GIT_ENOTFOUND.rawValue
    /// `GIT_EEXISTS`: the object or reference already exists.
    public static let exists = GIT_EEXISTS.rawValue
    /// `GIT_ELOCKED`: a lock file is held by someone else.
    public static let locked = GIT_ELOCKED.rawValue
    /// `GIT_EMODIFIED`: a reference moved since it was read (compare-and-swap lost).
    public static let modified = GIT_EMODIFIED.rawValue
    /// `GIT_ECONFLICT`: a checkout would overwrite local changes.
    public static let conflict = GIT_ECONFLICT.rawValue
    /// `GIT_EUNBORNBRANCH`: HEAD names a branch with no commit yet.
    public static let unbornBranch = GIT_EUNBORNBRANCH.rawValue

    public var description: String {
        "\(message) (libgit2 code \(code), class \(errorClass))"
    }

    /// Returns `rc` when it is not negative; otherwise throws the error libgit2 recorded.
    @discardableResult
    public static func check(_ rc: Int32) throws(GitError) -> Int32 {
        guard rc < 0 else { return rc }
        throw last(code: rc)
    }

    /// Copies the thread's last libgit2 error at once (the pointer is only valid until
    /// the next call), falling back to a generic message: in 1.5.1 it may be NULL.
    static func last(code: Int32) -> GitError {
        guard let error = git_error_last() else {
            return GitError(code: code, errorClass: 0, message: "libgit2 call failed")
        }
        let message = error.pointee.message.map { String(cString: $0) } ?? "libgit2 call failed"
        return GitError(code: code, errorClass: error.pointee.klass, message: message)
    }
}

/// Checks a libgit2 return code inside GitStore, wrapping failures as `GitStoreError.git`.
@discardableResult
func check(_ rc: Int32) throws(GitStoreError) -> Int32 {
    do {
        return try GitError.check(rc)
    } catch {
        throw .git(error)
    }
}

/// Copies a borrowed C string (owned by a libgit2 object) into a Swift string.
func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

/// Copies and frees a `git_buf` that libgit2 filled.
func takeString(_ buffer: inout git_buf) -> String {
    defer { git_buf_dispose(&buffer) }
    guard let pointer = buffer.ptr else { return "" }
    return String(cString: pointer)
}
