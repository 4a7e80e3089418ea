import CSandbox
import Glibc

/// Runs a program in a session of its own under resource limits and a
/// timeout, capturing stdout, stderr and a report channel on fd 3.
///
/// Linux only (pipe2, pidfd_open, close_range). The child is a direct
/// vfork/exec from a small C shim: `Foundation.Process` cannot set rlimits or
/// hand over fd 3, and its `waitUntilExit` polls every 50 ms.
///
/// On its own this isolates by process group only: a descendant that calls
/// `setsid` or `setpgid` escapes the final `SIGKILL`, though the runner still
/// stops reading its output 200 ms after the child exits. Confinement proper
/// (filesystem, network, PID namespace) comes from running the program under
/// bubblewrap: see `Bubblewrap`.
public enum Sandbox {
    /// Runs `request` and blocks until the child has exited (or been killed at
    /// the timeout) and its output is drained. Call it from a thread of your
    /// own, not the Swift concurrency pool; concurrent calls from different
    /// threads are safe (no shared state, every fd is close-on-exec).
    ///
    /// When the child exits, its whole process group is killed so that
    /// background grandchildren cannot outlive it or hold the pipes open; any
    /// output still buffered is read for at most 200 ms more.
    ///
    /// The host must not reap children it did not start (`waitpid(-1)`) or set
    /// `SIGCHLD` to `SIG_IGN`, or the child's status is lost
    /// (`monitorFailed`).
    public static func run(_ request: SandboxRequest, launcher: (any Launcher)? = nil) throws(SandboxError) -> SandboxResult {
        try validate(request)
        if let launcher {
            return try run(request, launchedBy: launcher)
        }
        let argv = [request.executable] + request.arguments
        // Sorted so the child sees the same environ order on every run.
        let envp = request.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }

        var streams = try ChildStreams(input: request.standardInput)
        defer { streams.closeAll() }

        var stage: Int32 = 0
        var error: Int32 = 0
        var limits = cLimits(request.limits)
        let start = monotonicSeconds()
        let pid: pid_t = withCStringArray(argv) { argvPointer in
            withCStringArray(envp) { envpPointer in
                withOptionalCString(request.workingDirectory) { cwd in
                    let childFDs = streams.childEnds
                    return childFDs.withUnsafeBufferPointer { fds in
                        csb_spawn(
                            request.executable, argvPointer, envpPointer, cwd, &limits,
                            fds.baseAddress, &stage, &error)
                    }
                }
            }
        }
        // Our copies of the child's ends must go whatever happened: an open
        // write end here would mean EOF never arrives.
        streams.closeChildEnds()
        guard pid > 0 else {
            throw spawnError(stage: stage, errno: error, request: request)
        }
        if request.standardInput?.isEmpty == true { streams.closeInput() }

        return try monitor(pid: pid, remote: nil, streams: &streams, request: request, start: start)
    }

    /// Like `run`, but the child is started by `launcher` (which forks it from
    /// somewhere else, e.g. a warm interpreter) instead of fork/exec here. The
    /// same pipes, caps, timeout and process-group kill apply.
    private static func run(_ request: SandboxRequest, launchedBy launcher: any Launcher) throws(SandboxError) -> SandboxResult {
        var streams = try ChildStreams(input: request.standardInput)
        defer { streams.closeAll() }
        let start = monotonicSeconds()
        let child: any LaunchedChild
        do {
            child = try launcher.launch(request, childFDs: streams.childEnds)
        } catch {
            streams.closeChildEnds()
            throw error
        }
        streams.closeChildEnds()
        if request.standardInput?.isEmpty == true { streams.closeInput() }
        return try monitor(pid: -1, remote: child, streams: &streams, request: request, start: start)
    }

    private static func monitor(
        pid: pid_t, remote: (any LaunchedChild)?, streams: inout ChildStreams, request: SandboxRequest, start: Double
    ) throws(SandboxError) -> SandboxResult {
        var monitor = Monitor(
            pid: pid, remote: remote, streams: streams, input: request.standardInput ?? [],
            outputCap: request.outputCap, reportCap: request.reportCap,
            deadline: start + request.timeout)
        // The monitor owns the parent's ends from here and closes them.
        streams.forget()
        let outcome = try monitor.run()
        return SandboxResult(
            termination: outcome.termination,
            timedOut: outcome.timedOut,
            stdout: monitor.channels[0].captured,
            stderr: monitor.channels[1].captured,
            report: monitor.channels[2].captured,
            wallSeconds: outcome.exitTime - start)
    }

    private static func validate(_ request: SandboxRequest) throws(SandboxError) {
        func fail(_ reason: String) -> SandboxError { .invalidRequest(reason: reason) }
        func hasNUL(_ string: String) -> Bool { string.utf8.contains(0) }

        guard request.executable.hasPrefix("/") else {
            throw fail("executable must be an absolute path: \(request.executable)")
        }
        if hasNUL(request.executable) || request.arguments.contains(where: hasNUL) {
            throw fail("executable and arguments must not contain NUL")
        }
        for (key, value) in request.environment {
            if key.isEmpty || key.contains("=") || hasNUL(key) || hasNUL(value) {
                throw fail("invalid environment variable name or value: \(key)")
            }
        }
        if let directory = request.workingDirectory, directory.isEmpty || hasNUL(directory) {
            throw fail("working directory must be a non-empty path without NUL")
        }
        guard request.timeout > 0 else {  // also rejects NaN
            throw fail("timeout must be > 0 seconds, got \(request.timeout)")
        }
        guard request.outputCap >= 0, request.reportCap >= 0 else {
            throw fail("caps must be >= 0")
        }
        let limits = request.limits
        let values = [
            limits.cpuSeconds, limits.addressSpaceBytes, limits.fileSizeBytes,
            limits.openFiles, limits.processes, limits.coreDumpBytes,
        ]
        if values.contains(where: { ($0 ?? 0) < 0 }) {
            throw fail("resource limits must be >= 0")
        }
    }

    private static func cLimits(_ limits: ResourceLimits) -> csb_limits {
        func value(_ limit: Int?) -> Int64 { limit.map(Int64.init) ?? -1 }
        return csb_limits(
            cpu_seconds: value(limits.cpuSeconds),
            address_space_bytes: value(limits.addressSpaceBytes),
            file_size_bytes: value(limits.fileSizeBytes),
            open_files: value(limits.openFiles),
            processes: value(limits.processes),
            core_dump_bytes: value(limits.coreDumpBytes))
    }

    private static func spawnError(
        stage: Int32, errno code: Int32, request: SandboxRequest
    ) -> SandboxError {
        let path = request.executable
        switch csb_stage(rawValue: UInt32(bitPattern: stage)) {
        case CSB_STAGE_FORK: return .forkFailed(errno: code)
        case CSB_STAGE_ERROR_PIPE: return .pipeFailed(errno: code)
        case CSB_STAGE_PROCESS_GROUP: return .childSetupFailed(step: .processGroup, errno: code)
        case CSB_STAGE_SIGNALS: return .childSetupFailed(step: .signals, errno: code)
        case CSB_STAGE_FILE_DESCRIPTORS:
            return .childSetupFailed(step: .fileDescriptors, errno: code)
        case CSB_STAGE_LIMIT_CPU: return .childSetupFailed(step: .cpuLimit, errno: code)
        case CSB_STAGE_LIMIT_ADDRESS_SPACE:
            return .childSetupFailed(step: .addressSpaceLimit, errno: code)
        case CSB_STAGE_LIMIT_FILE_SIZE: return .childSetupFailed(step: .fileSizeLimit, errno: code)
        case CSB_STAGE_LIMIT_OPEN_FILES:
            return .childSetupFailed(step: .openFilesLimit, errno: code)
        case CSB_STAGE_LIMIT_PROCESSES:
            return .childSetupFailed(step: .processesLimit, errno: code)
        case CSB_STAGE_LIMIT_CORE_DUMP: return .childSetupFailed(step: .coreDumpLimit, errno: code)
        case CSB_STAGE_WORKING_DIRECTORY:
            return .workingDirectoryFailed(path: request.workingDirectory ?? "", errno: code)
        default:
            return code == ENOENT || code == ENOTDIR
                ? .executableNotFound(path: path, errno: code)
                : .cannotExecute(path: path, errno: code)
        }
    }
}

// MARK: - File descriptors

/// The pipes between host and child. Index 0-3 follow the child's fds:
/// stdin, stdout, stderr, report.
private struct ChildStreams {
    /// The ends the child gets as fds 0-3; -1 once closed.
    var childEnds: [Int32] = [-1, -1, -1, -1]
    /// The host's ends: stdin's write end (-1 for /dev/null) and the three
    /// read ends, all non-blocking; -1 once closed or handed over.
    var parentEnds: [Int32] = [-1, -1, -1, -1]

    init(input: [UInt8]?) throws(SandboxError) {
        if input == nil {
            let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard devNull >= 0 else { throw .pipeFailed(errno: errno) }
            childEnds[0] = devNull
        }
        for index in (input == nil ? 1 : 0)..<4 {
            // The host writes stdin and reads the rest; only its end is
            // non-blocking, the child's ends stay ordinary blocking pipes.
            let hostEnd: Int32 = index == 0 ? 1 : 0
            var fds: [Int32] = [-1, -1]
            if csb_pipe(&fds, hostEnd) != 0 {
                let code = errno
                closeAll()
                throw .pipeFailed(errno: code)
            }
            childEnds[index] = fds[Int(1 - hostEnd)]
            parentEnds[index] = fds[Int(hostEnd)]
        }
    }

    mutating func closeChildEnds() {
        for index in childEnds.indices where childEnds[index] >= 0 {
            close(childEnds[index])
            childEnds[index] = -1
        }
    }

    mutating func closeInput() {
        if parentEnds[0] >= 0 { close(parentEnds[0]) }
        parentEnds[0] = -1
    }

    mutating func closeAll() {
        closeChildEnds()
        for index in parentEnds.indices where parentEnds[index] >= 0 {
            close(parentEnds[index])
            parentEnds[index] = -1
        }
    }

    /// Hands the parent's ends over without closing them.
    mutating func forget() { parentEnds = [-1, -1, -1, -1] }
}

// MARK: - Watching the child

/// One output stream of the child: keeps the head, counts the rest.
private struct Channel {
    var fd: Int32
    let cap: Int
    var head: [UInt8] = []
    var total = 0

    var captured: CapturedOutput { CapturedOutput(bytes: head, totalBytes: total) }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        total += chunk.count
        let room = cap - head.count
        if room > 0 { head.append(contentsOf: chunk.prefix(room)) }
    }

    mutating func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }
}

/// The poll loop: feeds stdin, reads the three channels, and notices the
/// child's exit through a pidfd and the timeout through poll's own timeout,
/// so nothing waits in fixed sleeps.
private struct Monitor {
    struct Outcome {
        var termination: SandboxResult.Termination
        var timedOut: Bool
        var exitTime: Double
    }

    /// How long leftover output is read after the child exits. Everything in
    /// the group is dead by then; this bounds the wait for descendants that
    /// left the group and still hold a pipe.
    static let drainSeconds = 0.2
    /// Wake-up interval only when pidfd_open is unavailable (Linux < 5.3, or a
    /// seccomp filter): then exit is detected by polling waitid(WNOHANG).
    static let fallbackPollSeconds = 0.005

    let pid: pid_t
    /// Set when someone else forked the child (and reaps it): exit comes from here.
    let remote: (any LaunchedChild)?
    var channels: [Channel]
    var inputFD: Int32
    let input: [UInt8]
    var inputOffset = 0
    let deadline: Double
    var pidFD: Int32 = -1

    init(
        pid: pid_t, remote: (any LaunchedChild)?, streams: ChildStreams, input: [UInt8], outputCap: Int,
        reportCap: Int, deadline: Double
    ) {
        self.pid = pid
        self.remote = remote
        self.inputFD = streams.parentEnds[0]
        self.input = input
        self.channels = [
            Channel(fd: streams.parentEnds[1], cap: outputCap),
            Channel(fd: streams.parentEnds[2], cap: outputCap),
            Channel(fd: streams.parentEnds[3], cap: reportCap),
        ]
        self.deadline = deadline
    }

    mutating func run() throws(SandboxError) -> Outcome {
        // A launched child comes with its own pidfd (its pid may be in another namespace).
        pidFD = remote?.processDescriptor ?? csb_pidfd_open(pid)
        defer {
            closeInput()
            for index in channels.indices { channels[index].close() }
            if pidFD >= 0 && remote == nil { close(pidFD) }
        }

        var status: Int32? = nil
        var exitTime = 0.0
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        while true {
            let now = monotonicSeconds()
            if status != nil
                && (channels.allSatisfy { $0.fd < 0 } || now >= exitTime + Self.drainSeconds)
            {
                break
            }

            // Fixed slots so revents can be matched back: 0-2 channels,
            // 3 stdin, 4 pidfd. A negative fd makes poll skip the slot.
            var fds = channels.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0))
            fds.append(pollfd(fd: status == nil ? pidFD : -1, events: Int16(POLLIN), revents: 0))

            var wakeAt: Double
            if status != nil {
                wakeAt = exitTime + Self.drainSeconds
            } else {
                wakeAt = timedOut ? .infinity : deadline
                if pidFD < 0 { wakeAt = min(wakeAt, now + Self.fallbackPollSeconds) }
            }
            let ready = poll(&fds, nfds_t(fds.count), pollTimeout(until: wakeAt, now: now))
            if ready < 0 {
                let code = errno
                if code == EINTR { continue }
                if status == nil { killAndReap() }
                throw .monitorFailed(call: "poll", errno: code)
            }

            for index in channels.indices where fds[index].revents != 0 {
                read(channel: index, into: &buffer)
            }
            if fds[3].revents != 0 { writeInput(events: fds[3].revents) }

            guard status == nil else { continue }
            if pidFD >= 0 ? fds[4].revents != 0 : hasExited() {
                // Kill the group before reaping: while the leader is a zombie
                // its pid (= the group id) cannot be reused by anyone else.
                killEverything()
                status = try reap()
                exitTime = monotonicSeconds()
                closeInput()
            } else if !timedOut && monotonicSeconds() >= deadline {
                killEverything()
                timedOut = true
            }
        }

        let raw = status ?? 0
        // The W* macros don't import into Swift: low 7 bits are the signal,
        // 0 for a normal exit whose status is in the next byte.
        let signal = raw & 0x7f
        let termination: SandboxResult.Termination =
            signal == 0 ? .exited((raw >> 8) & 0xff) : .signaled(signal)
        return Outcome(termination: termination, timedOut: timedOut, exitTime: exitTime)
    }

    private mutating func read(channel index: Int, into buffer: inout [UInt8]) {
        let fd = channels[index].fd
        // One read per wake-up: a 64 KiB read empties a default pipe, and
        // returning to poll keeps the other streams and the timeout serviced
        // while one stream floods.
        let (count, code) = buffer.withUnsafeMutableBytes {
            (Glibc.read(fd, $0.baseAddress, $0.count), errno)
        }
        if count > 0 {
            channels[index].append(buffer[..<count])
        } else if count == 0 || (code != EAGAIN && code != EINTR) {
            channels[index].close()
        }
    }

    private mutating func writeInput(events: Int16) {
        guard events & Int16(POLLOUT) != 0 else {
            closeInput()  // POLLERR/POLLHUP: the child closed its stdin
            return
        }
        let chunk = min(input.count - inputOffset, 64 * 1024)
        let (written, code) = input.withUnsafeBytes {
            (csb_write_nosigpipe(inputFD, $0.baseAddress! + inputOffset, UInt(chunk)), errno)
        }
        if written > 0 {
            inputOffset += written
            if inputOffset == input.count { closeInput() }
        } else if written < 0 && code != EAGAIN && code != EINTR {
            closeInput()  // EPIPE: the child no longer reads
        }
    }

    private mutating func closeInput() {
        if inputFD >= 0 { close(inputFD) }
        inputFD = -1
    }

    /// The child's process group, or whatever a launched child calls everything it started.
    private func killEverything() {
        if let remote {
            remote.kill()
        } else {
            kill(-pid, SIGKILL)
        }
    }

    /// Without a pidfd (only our own children: a launched one always has one): whether
    /// the leader has exited, without reaping it (WNOWAIT), so that its group can still
    /// be killed safely.
    private func hasExited() -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            // ECHILD: someone else reaped it. Report an exit so that reap()
            // surfaces the error instead of this loop spinning forever.
            return errno != EINTR
        }
        // si_pid (in a union Swift imports awkwardly) stays 0 while the child
        // runs; an exited child also sets si_signo to SIGCHLD.
        return info.si_signo == SIGCHLD
    }

    private func reap() throws(SandboxError) -> Int32 {
        if let remote { return try remote.waitForExit() }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            let code = errno
            if code != EINTR { throw .monitorFailed(call: "waitpid", errno: code) }
        }
        return status
    }

    private func killAndReap() {
        killEverything()
        if let remote {
            _ = try? remote.waitForExit()
            return
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}

// MARK: - Helpers

private func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// poll's timeout in whole milliseconds, rounded up so we never wake early
/// and spin; -1 (forever) for an infinite deadline.
private func pollTimeout(until wakeAt: Double, now: Double) -> Int32 {
    guard wakeAt.isFinite else { return -1 }
    let milliseconds = ((wakeAt - now) * 1000).rounded(.up)
    return Int32(max(0, min(milliseconds, Double(Int32.max))))
}

/// A NULL-terminated `char *[]` built before vfork: the child may not allocate.
func withCStringArray<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString(body)
}
