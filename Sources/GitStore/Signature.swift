import CGit2
import Foundation

/// Who made a commit and when.
public struct Signature: Hashable, Sendable {
    /// Used when `user.name` is unset: recording must work on a fresh machine.
    public static let fallbackName = "asynclings"
    /// Used when `user.email` is unset.
    public static let fallbackEmail = "asynclings@localhost"

    /// The person's name (`user.name`).
    public var name: String
    /// The person's email address (`user.email`).
    public var email: String
    /// The moment, to the second (git's resolution).
    public var date: Date
    /// Minutes east of UTC of the author's clock when signing.
    public var timeZoneOffsetMinutes: Int

    /// A signature with every field given.
    public init(name: String, email: String, date: Date, timeZoneOffsetMinutes: Int) {
        self.name = name
        self.email = email
        self.date = date
        self.timeZoneOffsetMinutes = timeZoneOffsetMinutes
    }

    init(_ signature: UnsafePointer<git_signature>) {
        name = string(signature.pointee.name) ?? ""
        email = string(signature.pointee.email) ?? ""
        date = Date(timeIntervalSince1970: TimeInterval(signature.pointee.when.time))
        timeZoneOffsetMinutes = Int(signature.pointee.when.offset)
    }

    /// A signature for `name` and `email` at the current time in the local time zone.
    static func now(name: String, email: String) throws(GitStoreError) -> Signature {
        var out: UnsafeMutablePointer<git_signature>?
        try check(git_signature_now(&out, name, email))
        defer { git_signature_free(out) }
        return Signature(out!)
    }

    /// Lends a libgit2 copy of this signature to `body`.
    func withGitSignature<R>(_ body: (UnsafePointer<git_signature>) -> R) throws(GitStoreError) -> R {
        var out: UnsafeMutablePointer<git_signature>?
        try check(
            git_signature_new(
                &out, name, email, git_time_t(date.timeIntervalSince1970.rounded(.down)),
                Int32(timeZoneOffsetMinutes)))
        defer { git_signature_free(out) }
        return body(out!)
    }
}
