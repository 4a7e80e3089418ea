import Foundation
import Glibc
import Sandbox
import Testing

// Every test runs real processes through /bin/sh, coreutils or
// /usr/bin/python3. Assertions are about behaviour, never about speed; the
// only time bounds are generous "it did not wait for the 30 s sleep" checks.

let python = "/usr/bin/python3"
let hasPython = FileManager.default.isExecutableFile(atPath: python)

/// A shell script request with a minimal PATH (the environment is otherwise
/// empty, as the sandbox inherits nothing).
func shell(
    _ script: String, timeout: Double = 30, environment: [String: String] = [:],
    configure: (inout SandboxRequest) -> Void = { _ in }
) -> SandboxRequest {
    var request = SandboxRequest(
        executable: "/bin/sh", arguments: ["-c", script],
        environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }, timeout: timeout)
    configure(&request)
    return request
}

func pythonRequest(_ code: String, limits: ResourceLimits = ResourceLimits()) -> SandboxRequest {
    SandboxRequest(
        executable: python, arguments: ["-I", "-S", "-c", code], limits: limits, timeout: 60)
}

func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

/// A fresh directory, removed by the caller's defer.
func makeTemporaryDirectory() throws -> String {
    var template = Array((NSTemporaryDirectory() + "/sandbox-test-XXXXXX").utf8CString)
    let path = try #require(mkdtemp(&template))
    return String(cString: path)
}

/// Waits up to `seconds` for `pid` to disappear. A killed process whose parent
/// is gone may linger as a zombie until init reaps it (not every container
/// init does), so a zombie counts as gone: it runs nothing and holds no fds.
/// Not a speed assertion: a SIGKILLed process is gone as soon as it is scheduled; the
/// bound only keeps a kill that never happened from hanging the suite.
func processIsGone(_ pid: Int32, within seconds: Double = 5) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    repeat {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        else { return true }
        // Field 3, after "pid (comm)", is the state.
        if let close = stat.lastIndex(of: ")"),
            stat[stat.index(after: close)...].split(separator: " ").first == "Z"
        {
            return true
        }
        usleep(20_000)
    } while Date() < end
    return false
}

/// Resets the process's peak resident set size (VmHWM) to the current size,
/// so a later VmHWM shows only what happened in between.
/// (getrusage's ru_maxrss cannot be reset, and the test runner's own start-up
/// peak would hide growth below it.)
func resetPeakResidentBytes() -> Bool {
    (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
}

/// A size line of /proc/self/status ("VmHWM:   1234 kB") in bytes.
func statusBytes(_ field: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") })
    else { return nil }
    let words = line.split(whereSeparator: \.isWhitespace)
    return words.count >= 2 ? Int(words[1]).map { $0 * 1024 } : nil
}

@Suite(.timeLimit(.minutes(2)))
struct SandboxTests {
    // MARK: Termination

    @Test(arguments: [0, 1, 7, 255] as [Int32])
    func exitStatusIsReported(status: Int32) throws {
        let result = try Sandbox.run(shell("exit \(status)"))
        #expect(result.termination == .exited(status))
        #expect(!result.timedOut)
    }

    @Test(arguments: [SIGTERM, SIGKILL, SIGSEGV])
    func deathBySignalIsReported(signal: Int32) throws {
        let result = try Sandbox.run(shell("kill -\(signal) $$; sleep 5"))
        #expect(result.termination == .signaled(signal))
        #expect(!result.timedOut)
    }

    // MARK: Streams

    @Test func stdoutStderrAndReportAreSeparate() throws {
        let result = try Sandbox.run(
            shell("printf out-text; printf err-text >&2; printf '{\"passed\": 3}' >&3"))
        #expect(result.termination == .exited(0))
        #expect(result.stdout.text == "out-text")
        #expect(result.stderr.text == "err-text")
        #expect(result.report.text == #"{"passed": 3}"#)
        #expect(result.stdout.totalBytes == 8)
        #expect(!result.stdout.truncated && !result.stderr.truncated && !result.report.truncated)
    }

    @Test func environmentIsExactlyTheGivenOne() throws {
        // The host certainly has variables of its own (PATH at least), so an
        // inheriting sandbox would show them.
        #expect(!ProcessInfo.processInfo.environment.isEmpty)
        let given = ["ALPHA": "1", "BETA": "two words", "EMPTY": "", "UNICODE": "é✓"]
        let result = try Sandbox.run(
            SandboxRequest(executable: "/usr/bin/env", environment: given))
        let lines = result.stdout.text.split(separator: "\n").map(String.init).sorted()
        #expect(lines == ["ALPHA=1", "BETA=two words", "EMPTY=", "UNICODE=é✓"])

        let empty = try Sandbox.run(SandboxRequest(executable: "/usr/bin/env"))
        #expect(empty.termination == .exited(0))
        #expect(empty.stdout.bytes.isEmpty)
    }

    @Test func argumentsArePassedVerbatim() throws {
        // No shell in between: spaces, quotes and globs arrive untouched.
        let arguments = ["a b", "'q'", "*", "", "$HOME"]
        let result = try Sandbox.run(
            SandboxRequest(
                executable: "/bin/sh",
                arguments: ["-c", #"for a in "$@"; do printf '[%s]' "$a"; done"#, "argv0"]
                    + arguments))
        #expect(result.stdout.text == "[a b]['q'][*][][$HOME]")
    }

    @Test func workingDirectoryIsApplied() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Sandbox.run(shell("pwd -P") { $0.workingDirectory = directory })
        let expected = try #require(realpath(directory, nil))
        defer { free(expected) }
        #expect(result.stdout.text == String(cString: expected) + "\n")
    }

    @Test func missingWorkingDirectoryThrows() {
        let path = "/nonexistent-sandbox-directory"
        #expect(throws: SandboxError.workingDirectoryFailed(path: path, errno: ENOENT)) {
            try Sandbox.run(shell("true") { $0.workingDirectory = path })
        }
    }

    @Test func standardInputIsDelivered() throws {
        // 1 MiB, far beyond a pipe's 64 KiB: cat blocks writing stdout until we
        // read, so this only finishes if writing and reading are interleaved.
        let input = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let result = try Sandbox.run(
            SandboxRequest(executable: "/bin/cat", standardInput: input))
        #expect(result.termination == .exited(0))
        // Outside #expect, which would render a mismatching 1 MiB array.
        let (total, echoed) = (result.stdout.totalBytes, result.stdout.bytes == input)
        #expect(total == input.count)
        #expect(echoed)
    }

    @Test func missingInputIsDevNull() throws {
        let result = try Sandbox.run(shell("readlink /proc/$$/fd/0"))
        #expect(result.stdout.text == "/dev/null\n")
        let empty = try Sandbox.run(shell("wc -c") { $0.standardInput = [] })
        #expect(empty.stdout.text.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func unreadInputNeitherBlocksNorRaisesSIGPIPE() throws {
        // The child exits without reading 1 MiB: a blocking write would hang,
        // and an unguarded one would get SIGPIPE and kill the test process.
        let result = try Sandbox.run(
            shell("exit 3") { $0.standardInput = [UInt8](repeating: 65, count: 1 << 20) })
        #expect(result.termination == .exited(3))
        #expect(!result.timedOut)
    }

    // MARK: Timeouts and process groups

    @Test func timeoutKillsTheChildAndItsBackgroundGrandchild() throws {
        // Killed by the timeout, not ended by the sleeps: the child dies of SIGKILL.
        let result = try Sandbox.run(shell("sleep 30 & echo $!; sleep 30", timeout: 1))
        #expect(result.timedOut)
        #expect(result.termination == .signaled(SIGKILL))
        let grandchild = try #require(
            Int32(result.stdout.text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(grandchild > 0)
        #expect(processIsGone(grandchild))
    }

    @Test func timeoutFiresEvenWhenTheChildClosedItsPipes() throws {
        // All three read ends see EOF at once; only the timeout can end this.
        let result = try Sandbox.run(shell("exec 1>&- 2>&- 3>&-; sleep 30", timeout: 1))
        #expect(result.timedOut)
        #expect(result.termination == .signaled(SIGKILL))  // not the sleep's own end
    }

    @Test func exitOfTheChildKillsGrandchildrenHoldingThePipes() throws {
        // The background sleep keeps stdout open; waiting for EOF would last
        // until the 20 s timeout.
        let result = try Sandbox.run(shell("sleep 30 & echo $!", timeout: 20))
        #expect(result.termination == .exited(0))
        #expect(!result.timedOut)
        let grandchild = try #require(
            Int32(result.stdout.text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(processIsGone(grandchild))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid")))
    func drainEndsWhenADescendantThatLeftTheGroupHoldsThePipes() throws {
        // setsid puts the sleep beyond the group kill, still holding stdout,
        // so EOF never comes: only the 200 ms drain limit ends the run (the
        // timeout no longer applies once the child has exited).
        let result = try Sandbox.run(shell("setsid sleep 30 & echo $!", timeout: 20))
        let escaped = try #require(Int32(result.stdout.text.trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(escaped, SIGKILL) }
        #expect(result.termination == .exited(0))
        #expect(!result.timedOut)
        // The run ended while the sleep still held stdout open: it did not wait for EOF.
        #expect(escaped > 0 && kill(escaped, 0) == 0)
    }

    @Test func childRunsInItsOwnGroupWithDefaultSignals() throws {
        // Make the host's state non-default so that inheriting it would show:
        // SIGUSR1 blocked on this thread (the one that spawns), SIGUSR2 ignored
        // process-wide (harmless for a test process; restored after).
        var usr1 = sigset_t()
        var savedMask = sigset_t()
        sigemptyset(&usr1)
        sigaddset(&usr1, SIGUSR1)
        pthread_sigmask(SIG_BLOCK, &usr1, &savedMask)
        let savedUSR2 = signal(SIGUSR2, SIG_IGN)
        defer {
            signal(SIGUSR2, savedUSR2)
            pthread_sigmask(SIG_SETMASK, &savedMask, nil)
        }

        let status = try Sandbox.run(
            SandboxRequest(
                executable: "/bin/grep", arguments: ["-E", "^Sig(Blk|Ign):", "/proc/self/status"]))
        #expect(status.stdout.text == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n")

        // /proc/self/stat: pid (comm) state ppid pgrp session ...
        let stat = try Sandbox.run(
            SandboxRequest(executable: "/bin/cat", arguments: ["/proc/self/stat"]))
        let fields = stat.stdout.text.split(separator: " ")
        let pid = try #require(Int32(fields[0]))
        let group = try #require(Int32(fields[4]))
        #expect(group == pid)
        #expect(group != getpgrp())
    }

    // MARK: Capture limits

    @Test func outputCapKeepsTheHeadOfAFloodInBoundedMemory() throws {
        let flood = 100 << 20
        let cap = 64 << 10
        let canMeasure = resetPeakResidentBytes()
        let before = statusBytes("VmRSS")
        let result = try Sandbox.run(
            shell("printf BEGIN; head -c \(flood) /dev/zero | tr '\\0' x; printf END") {
                $0.outputCap = cap
            })
        let peak = statusBytes("VmHWM")
        // Plain values only: #expect captures and renders its operands on
        // failure, which for a 100 MiB array takes minutes and gigabytes.
        let output = result.stdout
        let (kept, total, truncated) = (output.bytes.count, output.totalBytes, output.truncated)
        let head = bytes("BEGIN") + [UInt8](repeating: UInt8(ascii: "x"), count: cap - 5)
        let keptTheHead = output.bytes.starts(with: head)
        #expect(result.termination == .exited(0))
        #expect(truncated)
        #expect(total == 5 + flood + 3)
        #expect(kept == cap)
        #expect(keptTheHead)
        // Buffering the flood would raise the peak by 100 MiB.
        if canMeasure, let before, let peak {
            let growth = peak - before
            #expect(growth < 48 << 20, "peak RSS grew by \(growth) bytes")
        }
    }

    @Test func eachChannelHasItsOwnCap() throws {
        let result = try Sandbox.run(
            shell("printf small; head -c 200000 /dev/zero >&2; head -c 10000 /dev/zero >&3") {
                $0.outputCap = 1000
                $0.reportCap = 100
            })
        #expect(result.stdout.bytes == bytes("small") && !result.stdout.truncated)
        #expect(result.stderr.bytes.count == 1000 && result.stderr.totalBytes == 200_000)
        #expect(result.report.bytes.count == 100 && result.report.totalBytes == 10_000)
        #expect(result.stderr.truncated && result.report.truncated)

        let none = try Sandbox.run(shell("printf abc") { $0.outputCap = 0 })
        #expect(none.stdout.bytes.isEmpty && none.stdout.totalBytes == 3 && none.stdout.truncated)
    }

    @Test func invalidUTF8DecodesLossily() throws {
        let result = try Sandbox.run(shell(#"printf '\377\376ok\303'"#))
        #expect(result.stdout.bytes == [0xFF, 0xFE, 0x6F, 0x6B, 0xC3])
        #expect(result.stdout.text == "\u{FFFD}\u{FFFD}ok\u{FFFD}")
    }

    // MARK: Resource limits

    @Test func limitsAreAppliedSoftEqualsHard() throws {
        let limits = ResourceLimits(
            cpuSeconds: 7, addressSpaceBytes: 3 << 30, fileSizeBytes: 5 << 20, openFiles: 33,
            processes: 4000, coreDumpBytes: 1 << 20)
        let result = try Sandbox.run(
            SandboxRequest(executable: "/bin/cat", arguments: ["/proc/self/limits"], limits: limits)
        )
        // "Max cpu time   7   7   seconds": soft, then hard.
        let lines = result.stdout.text.split(separator: "\n")
        func values(_ name: String) -> [String] {
            guard let line = lines.first(where: { $0.hasPrefix(name) }) else { return [] }
            return line.dropFirst(name.count).split(separator: " ").prefix(2).map(String.init)
        }
        #expect(values("Max cpu time") == ["7", "7"])
        #expect(values("Max address space") == ["\(3 << 30)", "\(3 << 30)"])
        #expect(values("Max file size") == ["\(5 << 20)", "\(5 << 20)"])
        #expect(values("Max open files") == ["33", "33"])
        #expect(values("Max processes") == ["4000", "4000"])
        #expect(values("Max core file size") == ["\(1 << 20)", "\(1 << 20)"])

        let defaults = try Sandbox.run(shell("grep 'Max core file size' /proc/self/limits"))
        #expect(defaults.stdout.text.split(separator: " ").dropFirst(4).prefix(2) == ["0", "0"])
    }

    @Test(.enabled(if: hasPython)) func cpuLimitKillsABusyLoop() throws {
        let result = try Sandbox.run(
            pythonRequest("while True: pass", limits: ResourceLimits(cpuSeconds: 1)))
        #expect(!result.timedOut)  // the 60 s timeout was not what stopped it
        #expect([.signaled(SIGKILL), .signaled(SIGXCPU)].contains(result.termination))
    }

    @Test(.enabled(if: hasPython)) func addressSpaceLimitRaisesMemoryError() throws {
        let limits = ResourceLimits(addressSpaceBytes: 512 << 20)
        let code = """
            import sys
            try:
                block = bytearray(int(sys.argv[1]))
                print("allocated")
            except MemoryError:
                print("MemoryError")
            """
        var big = pythonRequest(code, limits: limits)
        big.arguments.append(String(2 << 30))
        let result = try Sandbox.run(big)
        #expect(result.stdout.text == "MemoryError\n")
        // Control: the same program under the same limit can allocate 64 MiB,
        // so the failure above is the limit, not a broken interpreter.
        var small = pythonRequest(code, limits: limits)
        small.arguments.append(String(64 << 20))
        #expect(try Sandbox.run(small).stdout.text == "allocated\n")
    }

    @Test(.enabled(if: hasPython)) func fileSizeLimitStopsWrites() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Python ignores SIGXFSZ, so the write fails with EFBIG (27) instead.
        var request = pythonRequest(
            """
            try:
                with open("out.bin", "wb") as f:
                    f.write(b"x" * (2 << 20))
                print("wrote")
            except OSError as e:
                print("errno", e.errno)
            """,
            limits: ResourceLimits(fileSizeBytes: 1 << 20))
        request.workingDirectory = directory
        let result = try Sandbox.run(request)
        #expect(result.stdout.text == "errno \(EFBIG)\n")
        let size =
            try FileManager.default.attributesOfItem(atPath: directory + "/out.bin")[.size] as? Int
        #expect(size == 1 << 20)
    }

    @Test(.enabled(if: hasPython)) func openFilesLimitIsEnforced() throws {
        let result = try Sandbox.run(
            pythonRequest(
                """
                files = []
                try:
                    for _ in range(100):
                        files.append(open("/dev/null"))
                except OSError as e:
                    print("errno", e.errno, "after", len(files))
                """,
                limits: ResourceLimits(openFiles: 16)))
        // fds 0-3 are taken, so 4...15 can be opened: 12 files.
        #expect(result.stdout.text == "errno \(EMFILE) after 12\n")
    }

    @Test(.enabled(if: hasPython)) func onlyFileDescriptorsZeroToThreeAreOpen() throws {
        // An fd the host leaves inheritable (no O_CLOEXEC) must still not leak.
        let leaky = open("/dev/null", O_RDONLY)
        try #require(leaky > 3)
        defer { close(leaky) }
        // fstat each number instead of listing /proc/self/fd, which would show
        // the directory fd opened to list it.
        let result = try Sandbox.run(
            pythonRequest(
                """
                import os
                def is_open(fd):
                    try:
                        os.fstat(fd)
                        return True
                    except OSError:
                        return False
                print(",".join(str(fd) for fd in range(4096) if is_open(fd)))
                """))
        #expect(result.stdout.text == "0,1,2,3\n")
    }

    // MARK: Errors

    @Test func missingExecutableThrowsNotFound() {
        let path = "/nonexistent/program"
        #expect(throws: SandboxError.executableNotFound(path: path, errno: ENOENT)) {
            try Sandbox.run(SandboxRequest(executable: path))
        }
        let error = SandboxError.executableNotFound(path: path, errno: ENOENT)
        #expect(error.description.contains("No such file or directory"))
        #expect(error.errorNumber == ENOENT)
    }

    @Test func nonExecutableFileThrowsCannotExecute() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/script.sh"
        try "#!/bin/sh\necho hi\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: SandboxError.cannotExecute(path: path, errno: EACCES)) {
            try Sandbox.run(SandboxRequest(executable: path))
        }
        // A directory is not executable either.
        #expect(throws: SandboxError.cannotExecute(path: directory, errno: EACCES)) {
            try Sandbox.run(SandboxRequest(executable: directory))
        }
    }

    @Test func impossibleLimitThrowsSetupFailure() {
        // RLIMIT_NOFILE cannot exceed fs.nr_open (2^20 by default), not even
        // for root, so setrlimit fails in the child with EPERM.
        #expect(throws: SandboxError.childSetupFailed(step: .openFilesLimit, errno: EPERM)) {
            try Sandbox.run(shell("true") { $0.limits.openFiles = 1 << 40 })
        }
    }

    @Test(arguments: [
        SandboxRequest(executable: "bin/sh"),
        SandboxRequest(executable: "/bin/sh", arguments: ["a\u{0}b"]),
        SandboxRequest(executable: "/bin/sh", environment: ["A=B": "c"]),
        SandboxRequest(executable: "/bin/sh", environment: ["": "c"]),
        SandboxRequest(executable: "/bin/sh", workingDirectory: ""),
        SandboxRequest(executable: "/bin/sh", timeout: 0),
        SandboxRequest(executable: "/bin/sh", timeout: .nan),
        SandboxRequest(executable: "/bin/sh", outputCap: -1),
        SandboxRequest(executable: "/bin/sh", limits: ResourceLimits(cpuSeconds: -1)),
    ])
    func invalidRequestsAreRejectedBeforeSpawning(request: SandboxRequest) {
        let error = #expect(throws: SandboxError.self) { try Sandbox.run(request) }
        guard case .invalidRequest = error else {
            Issue.record("expected invalidRequest, got \(String(describing: error))")
            return
        }
    }

    // MARK: Concurrency

    @Test func concurrentRunsOnSeparateThreadsKeepTheirOutputsApart() throws {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var outcomes: [Int: [String]] = [:]
            var failures: [String] = []
        }
        let results = Results()
        let threads = 8
        let runsPerThread = 5
        let group = DispatchGroup()
        for id in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for run in 0..<runsPerThread {
                    let tag = "\(id)-\(run)"
                    let request = shell(
                        #"read line; printf "out-$TAG-$line"; printf "err-$TAG" >&2; printf "rep-$TAG" >&3; exit $CODE"#,
                        environment: ["TAG": tag, "CODE": String(id + 10)]
                    ) { $0.standardInput = bytes("in-\(tag)\n") }
                    do {
                        let result = try Sandbox.run(request)
                        let seen = [
                            result.stdout.text, result.stderr.text, result.report.text,
                            "\(result.termination)",
                        ]
                        results.lock.withLock { results.outcomes[id, default: []] += seen }
                    } catch {
                        results.lock.withLock { results.failures.append("\(tag): \(error)") }
                    }
                }
            }
        }
        group.wait()
        #expect(results.failures.isEmpty, "\(results.failures)")
        for id in 0..<threads {
            let expected = (0..<runsPerThread).flatMap { run -> [String] in
                let tag = "\(id)-\(run)"
                return ["out-\(tag)-in-\(tag)", "err-\(tag)", "rep-\(tag)", "exited(\(id + 10))"]
            }
            #expect(results.outcomes[id] == expected)
        }
    }
}
