/// Kernel resource limits (`setrlimit`) applied to the child just before
/// `execve`. Each limit sets soft = hard = value, so the child cannot raise
/// it again; `nil` leaves the limit the host process has.
public struct ResourceLimits: Sendable, Equatable {
    /// CPU seconds (`RLIMIT_CPU`). Exceeding it kills the child with `SIGKILL`:
    /// with soft = hard the kernel skips the catchable `SIGXCPU` warning.
    public var cpuSeconds: Int?
    /// Virtual address space in bytes (`RLIMIT_AS`). Allocations beyond it fail
    /// (Python raises `MemoryError`). Too low and the program cannot even load:
    /// CPython 3.11 needs about 12 MiB; with 8 MiB the dynamic loader fails
    /// and the child exits with 127.
    public var addressSpaceBytes: Int?
    /// Largest file the child may write, in bytes (`RLIMIT_FSIZE`). Writing past
    /// it raises `SIGXFSZ`, or `EFBIG` where that is ignored (as in Python).
    public var fileSizeBytes: Int?
    /// One more than the highest fd number the child may open (`RLIMIT_NOFILE`).
    /// Leave at least 5: the child starts with fds 0-3.
    public var openFiles: Int?
    /// Processes of the child's *real user id*, counted system-wide
    /// (`RLIMIT_NPROC`). Not enforced for root or `CAP_SYS_RESOURCE`, and it
    /// counts the host's own processes too when they share a user.
    public var processes: Int?
    /// Largest core dump in bytes (`RLIMIT_CORE`); 0 (the default) disables them
    /// so a crashing learner program leaves nothing behind.
    public var coreDumpBytes: Int?

    /// Limits with nothing bounded except core dumps, which are disabled.
    public init(
        cpuSeconds: Int? = nil,
        addressSpaceBytes: Int? = nil,
        fileSizeBytes: Int? = nil,
        openFiles: Int? = nil,
        processes: Int? = nil,
        coreDumpBytes: Int? = 0
    ) {
        self.cpuSeconds = cpuSeconds
        self.addressSpaceBytes = addressSpaceBytes
        self.fileSizeBytes = fileSizeBytes
        self.openFiles = openFiles
        self.processes = processes
        self.coreDumpBytes = coreDumpBytes
    }
}

/// One program to run in the sandbox.
public struct SandboxRequest: Sendable {
    /// Absolute path, exec'd directly: no shell, no `PATH` search.
    public var executable: String
    /// `argv[1...]`; `argv[0]` is `executable`.
    public var arguments: [String]
    /// The complete environment: nothing is inherited from the host process.
    /// Keys must be non-empty and contain no `=`.
    public var environment: [String: String]
    /// Directory to `chdir` into before exec; `nil` keeps the host's.
    public var workingDirectory: String?
    /// Resource limits applied to the child (and inherited by its children).
    public var limits: ResourceLimits
    /// Real seconds (> 0; `.infinity` for none). When they run out the whole
    /// process group gets `SIGKILL` and the result says `timedOut`.
    public var timeout: Double
    /// Bytes of stdout, and separately of stderr, that are kept: the head of
    /// the stream. The rest is read, counted and discarded.
    public var outputCap: Int
    /// Bytes kept of the report channel (fd 3), as for `outputCap`.
    public var reportCap: Int
    /// Written to the child's stdin, which is then closed; `nil` connects stdin
    /// to `/dev/null`. Unread input is dropped when the child exits.
    public var standardInput: [UInt8]?
    /// Size of the private scratch folder a launcher makes for the child, when it
    /// makes one (the isolated fork server does; for a direct spawn, the sandbox's
    /// command line says it).
    public var scratchBytes: Int = 64 << 20

    /// A request with an empty environment, a 10 s timeout and 1 MiB caps.
    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        limits: ResourceLimits = ResourceLimits(),
        timeout: Double = 10,
        outputCap: Int = 1 << 20,
        reportCap: Int = 1 << 20,
        standardInput: [UInt8]? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.limits = limits
        self.timeout = timeout
        self.outputCap = outputCap
        self.reportCap = reportCap
        self.standardInput = standardInput
    }
}

/// What the child wrote on one stream: the head up to the cap, and a count of
/// everything.
public struct CapturedOutput: Sendable, Equatable {
    /// The first bytes written, at most the cap.
    public var bytes: [UInt8]
    /// Every byte the child wrote, kept or not.
    public var totalBytes: Int

    public init(bytes: [UInt8] = [], totalBytes: Int? = nil) {
        self.bytes = bytes
        self.totalBytes = totalBytes ?? bytes.count
    }

    /// Whether bytes were dropped because the stream exceeded its cap.
    public var truncated: Bool { totalBytes > bytes.count }

    /// The kept bytes decoded as UTF-8; invalid sequences (including a
    /// character cut in half by the cap) become U+FFFD. Never fails.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// How a sandboxed run ended.
public struct SandboxResult: Sendable {
    /// How the child process (the group leader) ended.
    public enum Termination: Sendable, Equatable {
        /// Exited normally with this status.
        case exited(Int32)
        /// Killed by this signal (`SIGKILL` after a timeout or `RLIMIT_CPU`).
        case signaled(Int32)
    }

    public var termination: Termination
    /// Whether the timeout ran out and the sandbox killed the process group.
    public var timedOut: Bool
    public var stdout: CapturedOutput
    public var stderr: CapturedOutput
    /// What the child wrote on fd 3.
    public var report: CapturedOutput
    /// Real seconds from just before the child was started until it was reaped
    /// (excluding the final drain of leftover output).
    public var wallSeconds: Double

    public init(
        termination: Termination,
        timedOut: Bool = false,
        stdout: CapturedOutput = CapturedOutput(),
        stderr: CapturedOutput = CapturedOutput(),
        report: CapturedOutput = CapturedOutput(),
        wallSeconds: Double = 0
    ) {
        self.termination = termination
        self.timedOut = timedOut
        self.stdout = stdout
        self.stderr = stderr
        self.report = report
        self.wallSeconds = wallSeconds
    }
}

/// Starts a sandboxed program by some means other than fork/exec from this
/// process: for instance a warm interpreter that forks a child per request
/// (see `ForkServer`). `Sandbox.run(_:launcher:)` still owns the pipes, the
/// output caps and the timeout; the child says how it is watched and killed.
public protocol Launcher: Sendable {
    /// Starts `request` with `childFDs` as its descriptors 0-3 (stdin, stdout,
    /// stderr, report).
    func launch(_ request: SandboxRequest, childFDs: [Int32]) throws(SandboxError) -> any LaunchedChild
}

/// A child started by a `Launcher`: not ours to reap, and its pid may belong to
/// another PID namespace, so it is watched through a pidfd and killed by the
/// child object itself.
public protocol LaunchedChild: Sendable {
    /// The pid as the launcher sees it (for messages only).
    var pid: Int32 { get }
    /// A pidfd that polls readable once the child has exited. Owned by the child object.
    var processDescriptor: Int32 { get }
    /// Kills the child and everything it started.
    func kill()
    /// Blocks until the child has exited; its raw wait status.
    func waitForExit() throws(SandboxError) -> Int32
}