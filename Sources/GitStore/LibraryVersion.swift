import CGit2

/// The libgit2 this program is linked with, for `asynclings doctor`.
public enum GitLibrary {
    /// `major.minor.revision` as libgit2 reports it at run time.
    public static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        _ = git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
