/// Why a folder cannot be watched at all (neither by inotify nor by polling).
public enum WatchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder does not exist or is not a folder.
    case notADirectory(String)
    /// A pipe or thread the monitor needs could not be created (`errno` given).
    case resourceUnavailable(String, errno: Int32)

    public var description: String {
        switch self {
        case .notADirectory(let path):
            "cannot watch \(path): it is not a folder"
        case .resourceUnavailable(let what, let errno):
            "cannot watch files: \(what) failed (errno \(errno))"
        }
    }
}
