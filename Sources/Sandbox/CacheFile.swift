import Foundation

import Glibc

/// A cache file written whole: write-then-rename, so a concurrent reader never sees half a
/// file. Best effort: a cache that cannot be written is probed again next time.
public enum CacheFile {
    public static func write(_ data: Data, to file: URL) {
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.appendingPathExtension("\(getpid()).tmp")
        if (try? data.write(to: temporary)) != nil {
            _ = rename(temporary.path, file.path)
        }
    }
}
