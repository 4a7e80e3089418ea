import CSandbox
import Foundation

import Glibc

/// A client for a long-running "fork server": a process, started once, that
/// forks one child per request from an already-initialised state (for the
/// grader: a Python that has imported asyncio and the harness), so each child
/// skips the interpreter's start-up.
///
/// Protocol, over a `SOCK_SEQPACKET` socket that the server gets as fd 3, one
/// JSON object per packet:
/// - first, from the server, `{"hello": {"isolated", "reason"}}`: whether each
///   child gets namespaces of its own, so that killing it ends everything it
///   started (and why not);
/// - request `{"id", "argv", "env", "cwd", "limits", "scratch_bytes"}` with the
///   child's four descriptors attached (`SCM_RIGHTS`);
/// - reply `{"id", "pid"}` with a pidfd of the child attached, or
///   `{"id", "error"}`, once forked;
/// - reply `{"id", "pid", "status"}` (raw wait status) once reaped.
///
/// The server may run inside a sandbox with a PID namespace of its own (see
/// `Bubblewrap`): its pids mean nothing here, so children are watched and
/// killed through their pidfds. It must put each child in its own session,
/// give it the descriptors as 0-3 and nothing else, and apply the limits,
/// directory and environment. It exits when the socket closes (`close()` or
/// deinit).
public final class ForkServer: Launcher, @unchecked Sendable {
    /// The server's pid (our child).
    public let pid: pid_t
    public let sharesPIDNamespace: Bool
    private let socket: Int32
    private let state = NSCondition()
    private var nextID = 1
    private var pids: [Int: pid_t] = [:]
    private var statuses: [Int: Int32] = [:]
    private var errors: [Int: String] = [:]
    private var pidFDs: [Int: Int32] = [:]
    private var failure: String?
    private var greeting: Greeting?
    private var reader: Thread?

    /// What the server says of itself when it starts.
    public struct Greeting: Sendable, Equatable {
        /// Each child runs in namespaces of its own.
        public var isolated: Bool
        /// Why not, when it does not.
        public var reason: String
    }
    /// Starts the server: `executable` with `arguments`, the socket as fd 3, stdin/stdout/stderr on /dev/null.
    /// `executable` may be a sandbox (bwrap) that runs the server: fd 3 passes through.
    ///
    /// `sharesPIDNamespace`: the server's pids are ours (it is not in a PID namespace of
    /// its own), so a child that is not isolated can be killed by its process group.
    public init(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String? = nil,
        sharesPIDNamespace: Bool = true
    ) throws(SandboxError) {
        self.sharesPIDNamespace = sharesPIDNamespace
        var pair: [Int32] = [-1, -1]
        guard csb_seqpacket_pair(&pair) == 0 else { throw .pipeFailed(errno: errno) }
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard devNull >= 0 else {
            Glibc.close(pair[0])
            Glibc.close(pair[1])
            throw .pipeFailed(errno: errno)
        }
        defer {
            Glibc.close(devNull)
            Glibc.close(pair[1])
        }
        let argv = [executable] + arguments
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var limits = csb_limits(
            cpu_seconds: -1, address_space_bytes: -1, file_size_bytes: -1, open_files: -1, processes: -1,
            core_dump_bytes: 0)
        var stage: Int32 = 0
        var error: Int32 = 0
        let childFDs: [Int32] = [devNull, devNull, devNull, pair[1]]
        let spawned: pid_t = withCStringArray(argv) { argvPointer in
            withCStringArray(envp) { envpPointer in
                withOptionalCString(workingDirectory) { cwd in
                    childFDs.withUnsafeBufferPointer { fds in
                        csb_spawn(executable, argvPointer, envpPointer, cwd, &limits, fds.baseAddress, &stage, &error)
                    }
                }
            }
        }
        guard spawned > 0 else {
            Glibc.close(pair[0])
            throw .launcherFailed(reason: "could not start the server \(executable): \(String(cString: strerror(error)))")
        }
        pid = spawned
        socket = pair[0]
        let thread = Thread { [weak self] in self?.readReplies() }
        thread.name = "asynclings-fork-server"
        reader = thread
        thread.start()
    }

    deinit {
        close()
    }

    /// Whether the server is still answering.
    public var isAlive: Bool {
        state.lock()
        defer { state.unlock() }
        return failure == nil
    }

    /// The server's greeting, waiting for it if it has not come yet; nil if the server
    /// died before saying anything.
    public func waitForGreeting() -> Greeting? {
        state.lock()
        defer { state.unlock() }
        while greeting == nil && failure == nil { state.wait() }
        return greeting
    }

    /// Stops the server (it exits when the socket closes) and reaps it.
    public func close() {
        state.lock()
        let alreadyClosed = failure == "closed"
        if !alreadyClosed { failure = "closed" }
        state.broadcast()
        state.unlock()
        guard !alreadyClosed else { return }
        shutdown(socket, Int32(SHUT_RDWR))
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        Glibc.close(socket)
    }

    public func launch(_ request: SandboxRequest, childFDs: [Int32]) throws(SandboxError) -> any LaunchedChild {
        state.lock()
        if let failure {
            state.unlock()
            throw .launcherFailed(reason: "the fork server is gone (\(failure))")
        }
        let id = nextID
        nextID += 1
        state.unlock()

        let limits = request.limits
        let message: [String: Any] = [
            "id": id,
            "argv": request.arguments,
            "env": request.environment,
            "cwd": request.workingDirectory ?? "/",
            "scratch_bytes": request.scratchBytes,
            "limits": [
                "cpu": limits.cpuSeconds ?? -1, "as": limits.addressSpaceBytes ?? -1,
                "fsize": limits.fileSizeBytes ?? -1, "nofile": limits.openFiles ?? -1,
                "nproc": limits.processes ?? -1, "core": limits.coreDumpBytes ?? 0,
            ],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: message) else {
            throw .invalidRequest(reason: "request not encodable as JSON")
        }
        let sent = data.withUnsafeBytes { bytes in
            childFDs.withUnsafeBufferPointer { fds in
                csb_send_with_fds(socket, bytes.baseAddress, UInt(bytes.count), fds.baseAddress, Int32(fds.count))
            }
        }
        guard sent == data.count else {
            fail("send: \(String(cString: strerror(errno)))")
            throw .launcherFailed(reason: "could not send the request to the fork server")
        }
        state.lock()
        defer { state.unlock() }
        while pids[id] == nil && errors[id] == nil && failure == nil { state.wait() }
        if let pid = pids.removeValue(forKey: id) {
            let pidFD = pidFDs.removeValue(forKey: id) ?? -1
            guard pidFD >= 0 else {
                throw .launcherFailed(reason: "the fork server sent no pidfd for its child \(pid)")
            }
            return ServerChild(pid: pid, processDescriptor: pidFD, id: id, isolated: greeting?.isolated == true,
                killsGroup: sharesPIDNamespace && greeting?.isolated != true, server: self)
        }
        throw .launcherFailed(reason: errors.removeValue(forKey: id) ?? failure ?? "no reply")
    }

    /// Blocks until the server reports that request `id`'s child was reaped.
    fileprivate func waitStatus(_ id: Int) throws(SandboxError) -> Int32 {
        state.lock()
        defer { state.unlock() }
        while statuses[id] == nil && failure == nil { state.wait() }
        if let status = statuses.removeValue(forKey: id) { return status }
        throw .launcherFailed(reason: "the fork server stopped before reporting the child's exit (\(failure ?? ""))")
    }

    private func readReplies() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var fds: [Int32] = [-1, -1, -1, -1, -1, -1, -1, -1]
        while true {
            var received: Int32 = 0
            let count = buffer.withUnsafeMutableBytes { bytes in
                fds.withUnsafeMutableBufferPointer { descriptors in
                    csb_recv_with_fds(socket, bytes.baseAddress, UInt(bytes.count), descriptors.baseAddress, 8, &received)
                }
            }
            guard count > 0 else {
                fail(count == 0 ? "server exited" : "recv: \(String(cString: strerror(errno)))")
                return
            }
            let attached = Array(fds.prefix(Int(received)))
            guard let reply = try? JSONSerialization.jsonObject(with: Data(buffer[0..<count])) as? [String: Any] else {
                attached.forEach { _ = Glibc.close($0) }
                continue
            }
            state.lock()
            if let hello = reply["hello"] as? [String: Any] {
                greeting = Greeting(isolated: hello["isolated"] as? Bool ?? false, reason: hello["reason"] as? String ?? "")
                attached.forEach { _ = Glibc.close($0) }
            } else if let id = (reply["id"] as? NSNumber)?.intValue {
                if let status = (reply["status"] as? NSNumber)?.int32Value {
                    statuses[id] = status
                    attached.forEach { _ = Glibc.close($0) }
                } else if let pid = (reply["pid"] as? NSNumber)?.int32Value {
                    pids[id] = pid
                    if let pidFD = attached.first { pidFDs[id] = pidFD }
                    attached.dropFirst().forEach { _ = Glibc.close($0) }
                } else {
                    errors[id] = reply["error"] as? String ?? "unknown error"
                    attached.forEach { _ = Glibc.close($0) }
                }
            } else {
                attached.forEach { _ = Glibc.close($0) }
            }
            state.broadcast()
            state.unlock()
        }
    }

    private func fail(_ reason: String) {
        state.lock()
        if failure == nil { failure = reason }
        state.broadcast()
        state.unlock()
    }
}

/// A child of the fork server, watched and killed through its pidfd.
private final class ServerChild: LaunchedChild {
    let pid: Int32
    let processDescriptor: Int32
    let id: Int
    /// In namespaces of its own: killing it ends the whole grade (the grade, PID 1 of its namespace, dies with it).
    let isolated: Bool
    /// Not isolated, and its pid is one of ours: its session's process group is killed too.
    /// (A pid from another PID namespace must never be signalled here: it names someone else.)
    let killsGroup: Bool
    let server: ForkServer

    init(pid: Int32, processDescriptor: Int32, id: Int, isolated: Bool, killsGroup: Bool, server: ForkServer) {
        self.pid = pid
        self.processDescriptor = processDescriptor
        self.id = id
        self.isolated = isolated
        self.killsGroup = killsGroup
        self.server = server
    }

    deinit {
        Glibc.close(processDescriptor)
    }

    func kill() {
        _ = csb_pidfd_send_signal(processDescriptor, SIGKILL)
        if killsGroup { _ = Glibc.kill(-pid, SIGKILL) }
    }

    func waitForExit() throws(SandboxError) -> Int32 {
        try server.waitStatus(id)
    }
}
