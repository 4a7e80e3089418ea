import Glibc

/// Why `Sandbox.run` could not run a program, or lost track of it. A program
/// that runs and fails (non-zero exit, signal, timeout) is not an error: see
/// `SandboxResult`. Every case but `invalidRequest` carries the `errno`.
public enum SandboxError: Error, Equatable, CustomStringConvertible {
    /// A step of the child's setup before `execve`, other than `chdir`.
    public enum SetupStep: String, Sendable, Equatable {
        case processGroup = "setsid"
        case signals = "reset signals"
        case fileDescriptors = "set up fds 0-3"
        case cpuLimit = "RLIMIT_CPU"
        case addressSpaceLimit = "RLIMIT_AS"
        case fileSizeLimit = "RLIMIT_FSIZE"
        case openFilesLimit = "RLIMIT_NOFILE"
        case processesLimit = "RLIMIT_NPROC"
        case coreDumpLimit = "RLIMIT_CORE"
    }

    /// A `Launcher` (e.g. a warm grade server) could not start the program or
    /// lost it; `reason` says why. Callers usually fall back to a direct spawn.
    case launcherFailed(reason: String)
    /// The request is unusable as given (a relative executable path, a NUL in
    /// a string, an environment key with `=`, a negative cap or limit, a
    /// timeout that is not > 0). Nothing was started.
    case invalidRequest(reason: String)
    /// Creating a pipe, or opening `/dev/null` for stdin, failed in the host
    /// process: usually `EMFILE`/`ENFILE`, too many open files.
    case pipeFailed(errno: Int32)
    /// `vfork` failed: `EAGAIN` (process limit reached) or `ENOMEM`.
    case forkFailed(errno: Int32)
    /// `execve` found no file: `ENOENT`, or `ENOTDIR` when a directory in the
    /// path is a file.
    case executableNotFound(path: String, errno: Int32)
    /// `execve` failed otherwise: `EACCES` (not executable, not a regular file,
    /// or a directory not searchable), `ENOEXEC` (unknown format), `E2BIG`
    /// (arguments and environment too long), `ETXTBSY`, `ENOMEM`...
    case cannotExecute(path: String, errno: Int32)
    /// `chdir` to the working directory failed in the child: `ENOENT`,
    /// `ENOTDIR`, `EACCES`.
    case workingDirectoryFailed(path: String, errno: Int32)
    /// Another setup step in the child failed, e.g. `EPERM` for a resource
    /// limit above the host's hard limit without `CAP_SYS_RESOURCE`.
    case childSetupFailed(step: SetupStep, errno: Int32)
    /// Watching the running child failed (`poll`, `waitpid`). The sandbox
    /// killed the process group and reaped the child before throwing.
    case monitorFailed(call: String, errno: Int32)

    /// The `errno` behind the failure, `nil` for `invalidRequest`.
    public var errorNumber: Int32? {
        switch self {
        case .invalidRequest, .launcherFailed: nil
        case .pipeFailed(let code), .forkFailed(let code): code
        case .executableNotFound(_, let code), .cannotExecute(_, let code): code
        case .workingDirectoryFailed(_, let code), .childSetupFailed(_, let code): code
        case .monitorFailed(_, let code): code
        }
    }

    /// The system's message for `errorNumber` (`strerror`), e.g. "No such file
    /// or directory"; the reason for `invalidRequest`.
    public var message: String {
        guard let code = errorNumber else {
            if case .invalidRequest(let reason) = self { return reason }
            if case .launcherFailed(let reason) = self { return reason }
            return ""
        }
        // glibc's strerror is thread-safe for known codes (static strings) and
        // uses a thread-local buffer for unknown ones.
        return String(cString: strerror(code))
    }

    public var description: String {
        let detail = errorNumber.map { "\(message) (errno \($0))" } ?? message
        switch self {
        case .invalidRequest: return "invalid sandbox request: \(detail)"
        case .launcherFailed: return "the launcher could not start the program: \(detail)"
        case .pipeFailed: return "cannot create pipes for the child: \(detail)"
        case .forkFailed: return "cannot fork: \(detail)"
        case .executableNotFound(let path, _): return "no executable at \(path): \(detail)"
        case .cannotExecute(let path, _): return "cannot execute \(path): \(detail)"
        case .workingDirectoryFailed(let path, _):
            return "cannot change to working directory \(path): \(detail)"
        case .childSetupFailed(let step, _):
            return "child setup failed at \(step.rawValue): \(detail)"
        case .monitorFailed(let call, _): return "lost track of the child (\(call)): \(detail)"
        }
    }
}
