import Glibc

/// What `stat` says about a file, enough to tell that it changed: a save that keeps the
/// size still moves the modification time, a save by rename changes the inode, and a
/// tool that restores the modification time (`cp -p`, `rsync -t`) still moves `ctime`.
public struct FileSignature: Hashable, Sendable {
    public var inode: UInt64
    public var size: Int64
    public var modifiedSeconds: Int
    public var modifiedNanoseconds: Int
    public var changedSeconds: Int
    public var changedNanoseconds: Int

    /// The signature of the file at `path` (following symbolic links), or nil when it
    /// does not exist or cannot be read.
    public static func of(path: String) -> FileSignature? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileSignature(
            inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec),
            changedSeconds: Int(info.st_ctim.tv_sec), changedNanoseconds: Int(info.st_ctim.tv_nsec))
    }
}
