import Course
import Foundation
import Sandbox

/// Runs the grade pipeline for one file: check the file → run the harness in a
/// sandboxed child → decode its report (or explain why there is none).
public struct Grader: Sendable {
    public let interpreter: PythonInterpreter
    public let harness: Harness
    /// Bytes of the child's stdout/stderr kept (the head).
    public var outputCap = 64 * 1024
    /// Extra real seconds past the lesson budget before the process group is killed:
    /// the harness stops itself at the budget and reports where each task was.
    public var killGrace = 2.0
    /// Largest exercise file accepted.
    public static let maximumFileBytes = 1_000_000

    /// A warm interpreter that forks each grade (see `warmedUp()`); nil: every grade starts Python.
    public let server: ForkServer?

    public init(interpreter: PythonInterpreter, harness: Harness, server: ForkServer? = nil) {
        self.interpreter = interpreter
        self.harness = harness
        self.server = server
    }

    /// Whether grades fork from a live warm interpreter.
    public var isWarm: Bool { server?.isAlive == true }

    /// Stops the warm interpreter, if any (later grades start Python themselves).
    public func stopServer() {
        server?.close()
    }

    /// A grader whose grades fork from a Python that has already imported asyncio and the
    /// harness: for many grades in one process (verify, watch mode, regrade), each then costs
    /// milliseconds instead of an interpreter start. Falls back to `self` if the server
    /// cannot start; a grade whose server has died starts Python itself.
    public func warmedUp() -> Grader {
        let scratch = FileManager.default.temporaryDirectory.path
        guard server == nil,
            let started = try? ForkServer(
                executable: interpreter.path,
                arguments: pythonFlags() + [harness.script.path, "--serve", "--socket-fd", "3"],
                environment: childEnvironment(scratch: URL(fileURLWithPath: scratch)))
        else { return self }
        return Grader(interpreter: interpreter, harness: harness, server: started)
    }

    /// Grades `file` against `lesson`. `displayPath` is what the report calls the file.
    public func grade(_ lesson: Lesson, file: URL, seed: Int = 0, displayPath: String? = nil) throws(GradingError) -> GradeReport {
        let shownPath = displayPath ?? file.path
        try Self.checkFile(file, shownAs: shownPath, lesson: lesson)
        if interpreter.version < lesson.minimumPython {
            throw .pythonTooOld(path: interpreter.path, version: interpreter.version, needed: lesson.minimumPython)
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("asynclings-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let harnessArguments = [
            "--lesson-dir", lesson.directory.path,
            "--lesson-id", lesson.id,
            "--file", file.standardizedFileURL.path,
            "--report-fd", "3",
            "--seed", String(seed),
            "--budget", String(lesson.budgetSeconds),
        ]
        let request = SandboxRequest(
            executable: interpreter.path,
            arguments: pythonFlags() + [harness.script.path] + harnessArguments,
            environment: childEnvironment(scratch: scratch),
            workingDirectory: scratch.path,
            limits: ResourceLimits(
                cpuSeconds: Int(lesson.budgetSeconds.rounded(.up)) + 2,
                addressSpaceBytes: 2 << 30,
                fileSizeBytes: 64 << 20,
                openFiles: 512,
                processes: nil,
                coreDumpBytes: 0),
            timeout: lesson.budgetSeconds + killGrace,
            outputCap: outputCap,
            reportCap: 8 << 20,
            standardInput: nil)
        var result: SandboxResult?
        if let server, server.isAlive {
            var forked = request
            forked.arguments = harnessArguments  // the server already runs grade.py
            result = try? Sandbox.run(forked, launcher: server)
        }
        if result == nil {
            do {
                result = try Sandbox.run(request)
            } catch {
                throw .spawnFailed("\(error)")
            }
        }
        guard let result else { throw .spawnFailed("no result") }
        var report = Self.decode(result, lesson: lesson, seed: seed)
        report.file = shownPath
        report.wallSeconds = result.wallSeconds
        return report
    }

    /// Grades source bytes (e.g. a blob read from git) by writing them to a private temporary file.
    public func grade(_ lesson: Lesson, source: [UInt8], displayPath: String, seed: Int = 0) throws(GradingError) -> GradeReport {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asynclings-src-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("\(lesson.id).py")
        guard FileManager.default.createFile(atPath: file.path, contents: Data(source)) else {
            throw .spawnFailed("cannot write a temporary copy of \(displayPath)")
        }
        return try grade(lesson, file: file, seed: seed, displayPath: displayPath)
    }

    private func pythonFlags() -> [String] {
        // -s: no user site; -P: the script's folder stays off sys.path (the harness adds itself).
        // The environment is entirely ours, so PYTHONHASHSEED below takes effect (-I would ignore it).
        var flags = ["-s", "-P"]
        if let cache = AsynclingsCache.directory()?.appendingPathComponent("pycache") {
            flags += ["-X", "pycache_prefix=\(cache.path)"]
        }
        return flags
    }

    private func childEnvironment(scratch: URL) -> [String: String] {
        [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": scratch.path,
            "TMPDIR": scratch.path,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONNOUSERSITE": "1",
            "NO_COLOR": "1",
        ]
    }

    /// Refuses anything but a regular, reasonably small file, before spending a process on it.
    static func checkFile(_ file: URL, shownAs path: String, lesson: Lesson) throws(GradingError) {
        var info = stat()
        guard stat(file.path, &info) == 0 else {
            throw .fileMissing(path: path, lesson: lesson.id)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .notARegularFile(path: path, kind: "a directory")
        case S_IFIFO: throw .notARegularFile(path: path, kind: "a named pipe")
        case S_IFCHR, S_IFBLK: throw .notARegularFile(path: path, kind: "a device")
        case S_IFSOCK: throw .notARegularFile(path: path, kind: "a socket")
        default: throw .notARegularFile(path: path, kind: "not a regular file")
        }
        if Int(info.st_size) > maximumFileBytes {
            throw .fileTooLarge(path: path, bytes: Int(info.st_size))
        }
        guard access(file.path, R_OK) == 0 else {
            throw .notARegularFile(path: path, kind: "not readable")
        }
    }

    /// The harness's report, or — when the process died before writing one — a report that says why.
    static func decode(_ result: SandboxResult, lesson: Lesson, seed: Int) -> GradeReport {
        let stderrText = result.stderr.text
        if !result.timedOut, !result.report.bytes.isEmpty, !result.report.truncated,
            let report = try? JSONDecoder().decode(GradeReport.self, from: Data(result.report.bytes))
        {
            var decoded = report
            if decoded.status != .pass, !stderrText.isEmpty { decoded.stderr = tail(stderrText) }
            return decoded
        }
        let (check, message): (CheckID, String)
        switch result.termination {
        case _ where result.timedOut:
            (check, message) = (.timeLimit, "the grade was killed after \(formatSeconds(lesson.budgetSeconds)) s of real time without an answer (the code was stuck somewhere the grader could not interrupt, e.g. inside a C call). Fix: every loop needs a way out.")
        case .signaled(let signal) where signal == SIGXCPU || signal == SIGKILL:
            (check, message) = (.timeLimit, "the process used up its CPU time and was killed (signal \(signal)). Fix: long computations must end; CPU-heavy work belongs in a thread or process.")
        case .signaled(let signal):
            (check, message) = (.run, "the Python process died from signal \(signal) (\(signalName(signal))) before the grader could report.")
        case .exited(let status):
            if !result.report.bytes.isEmpty {
                (check, message) = (.run, "the grader's report was unreadable (\(result.report.totalBytes) bytes); something wrote to the grader's channel.")
            } else if stderrText.contains("MemoryError") {
                (check, message) = (.run, "the program ran out of memory (the limit is 2 GiB) and the process ended.")
            } else {
                (check, message) = (.run, "the process exited with status \(status) before the grader finished: code that calls os._exit(), or kills its own process, ends the grade. An exercise must return normally.")
            }
        }
        var checks: [GradeReport.Check] = [GradeReport.Check(id: CheckID.compile.rawValue, status: .skip, message: "unknown: the process ended early")]
        checks.append(GradeReport.Check(id: check.rawValue, status: .fail, message: message))
        var report = GradeReport(lesson: lesson.id, file: "", status: .fail, checks: checks, seed: seed)
        if !stderrText.isEmpty { report.stderr = tail(stderrText) }
        let out = result.stdout.text
        if !out.isEmpty { report.output = String(out.prefix(4000)) }
        return report
    }

    static func tail(_ text: String, limit: Int = 4000) -> String {
        text.count <= limit ? text : "…" + String(text.suffix(limit))
    }
}

func formatSeconds(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
}

func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGSEGV: "segmentation fault"
    case SIGABRT: "abort"
    case SIGBUS: "bus error"
    case SIGFPE: "floating point exception"
    case SIGILL: "illegal instruction"
    case SIGTERM: "terminated"
    case SIGKILL: "killed"
    default: "signal \(signal)"
    }
}
