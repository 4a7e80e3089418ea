import CGit2

/// A git object name (SHA-1 in libgit2 1.5.1).
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    var raw: git_oid

    init(_ raw: git_oid) {
        self.raw = raw
    }

    init(_ pointer: UnsafePointer<git_oid>) {
        self.raw = pointer.pointee
    }

    /// Parses a full 40-digit hex object name; nil when it is not one.
    public init?(hex: String) {
        guard hex.utf8.count == Int(GIT_OID_HEXSZ) else { return nil }
        _ = libgit2Ready
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.raw = oid
    }

    /// The full 40-digit lowercase hex name.
    public var hex: String {
        withUnsafePointer(to: raw) { oid in
            // GIT_OID_HEXSZ characters plus the terminating NUL.
            var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
            git_oid_tostr(&buffer, buffer.count, oid)
            return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
    }

    /// The first 7 hex digits, as `git log --oneline` shows them.
    public var shortHex: String { String(hex.prefix(7)) }

    public var description: String { hex }

    public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        var l = lhs.raw
        var r = rhs.raw
        return git_oid_equal(&l, &r) != 0
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: raw) { hasher.combine(bytes: $0) }
    }
}
