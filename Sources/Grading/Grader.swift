import Course
import Foundation
import Sandbox

/// Runs the grade pipeline for one file: check the file → run the harness in a
/// confined child → open its sealed report (or explain why there is none).
///
/// Every grade runs under bubblewrap when it works here (`GradeIsolation`): the child
/// sees the interpreter, the harness, the lesson's checks and a copy of the learner's
/// source, nothing else, with a private network, PID namespace and scratch folder. The
/// source and a fresh secret key travel on the child's standard input; the report comes
/// back framed with the key, and is accepted only if it is consistent (`GradeReport.unseal`).
public struct Grader: Sendable {
    public let interpreter: PythonInterpreter
    public let harness: Harness
    /// How grades are confined on this machine.
    public let isolation: GradeIsolation
    /// Bytes of the child's stdout/stderr kept (the head).
    public var outputCap = 64 * 1024
    /// Extra real seconds past the lesson budget before the process group is killed:
    /// the harness stops itself at the budget and reports where each task was.
    public var killGrace = 2.0
    /// Largest exercise file accepted.
    public static let maximumFileBytes = 1_000_000
    /// The size of a grade's scratch folder (its only writable place, when confined).
    public static let scratchBytes = 64 << 20
    /// Most processes (and threads) a confined grade may have at once.
    public static let maximumProcesses = 256

    /// A warm interpreter that forks each grade (see `warmedUp(for:)`); nil: every grade starts Python.
    public let server: WarmServer?
    /// The Python versions grades are known to be right on (the harness's `tested-pythons.json`;
    /// tests narrow it). Any other interpreter must pass the conformance tests first (`conformance()`).
    public var testedPythons: ClosedRange<PythonVersion>?
    /// Where conformance outcomes are kept between runs (nil: in this process only).
    public var conformanceCacheFile: URL? = ConformanceCache.defaultFile()

    public init(interpreter: PythonInterpreter, harness: Harness, isolation: GradeIsolation? = nil, server: WarmServer? = nil) {
        self.interpreter = interpreter
        self.harness = harness
        self.isolation = isolation ?? .detect(for: interpreter)
        self.server = server
        self.testedPythons = harness.testedPythons
    }

    /// Whether grades fork from a live warm interpreter (confined, one that gives each grade
    /// namespaces of its own).
    public var isWarm: Bool {
        guard let server else { return false }
        return server.process.isAlive && server.isUsable(for: isolation)
    }

    /// Stops the warm interpreter, if any (later grades start Python themselves).
    public func stopServer() {
        server?.process.close()
    }

    /// A grader whose grades of `lessons` fork from a Python that has already imported
    /// asyncio and the harness: for many grades in one process (verify, watch mode,
    /// regrade), each then costs milliseconds instead of an interpreter start. Confined,
    /// the warm Python runs in one sandbox that shows every one of these lessons' checks,
    /// and each grade it forks gets namespaces and a scratch folder of its own (so no
    /// state passes from one grade to the next). Falls back to `self` if the server cannot
    /// start; a grade whose server has died, or cannot give each grade its own
    /// namespaces, starts its own sandbox instead.
    public func warmedUp(for lessons: [Lesson]) -> Grader {
        guard server == nil else { return self }
        BytecodeCache.compile(harness: harness, lessons: lessons, interpreter: interpreter)
        let command = [layout.interpreterPath(interpreter)] + pythonFlags() + [layout.harnessDirectory + "/grade.py", "--serve", "--socket-fd", "3"]
        let started: ForkServer?
        switch isolation {
        case .sandboxed(let bubblewrap):
            var serverConfinement = confinement(for: lessons)
            serverConfinement.showsProcesses = true  // to set up each grade's user namespace; hidden from them
            serverConfinement.runsAsPIDOne = false
            started = try? ForkServer(
                executable: bubblewrap.executable,
                arguments: bubblewrap.arguments(serverConfinement, command: command + ["--isolate"]),
                environment: childEnvironment(scratch: layout.scratch), sharesPIDNamespace: false)
        case .unsandboxed:
            started = try? ForkServer(
                executable: interpreter.path, arguments: Array(command.dropFirst()),
                environment: childEnvironment(scratch: FileManager.default.temporaryDirectory.path))
        }
        guard let started else { return self }
        var warm = Grader(
            interpreter: interpreter, harness: harness, isolation: isolation,
            server: WarmServer(process: started, lessons: Set(lessons.map(\.id))))
        warm.testedPythons = testedPythons
        warm.conformanceCacheFile = conformanceCacheFile
        return warm
    }

    /// Where things are inside a grade: fixed paths when confined, the host's otherwise.
    var layout: GradeLayout { GradeLayout(isolation: isolation, harness: harness) }

    /// Grades `file` against `lesson`. `displayPath` is what the report calls the file.
    public func grade(_ lesson: Lesson, file: URL, seed: Int = 0, displayPath: String? = nil) throws(GradingError) -> GradeReport {
        let shownPath = displayPath ?? file.path
        try Self.checkFile(file, shownAs: shownPath, lesson: lesson)
        guard let source = FileManager.default.contents(atPath: file.path) else {
            throw .notARegularFile(path: shownPath, kind: "not readable")
        }
        return try grade(lesson, source: [UInt8](source), displayPath: shownPath, seed: seed)
    }

    /// Grades source bytes (a file's, or a blob read from git). The child gets its own copy
    /// through standard input: it never sees where the bytes came from.
    public func grade(_ lesson: Lesson, source: [UInt8], displayPath: String, seed: Int = 0) throws(GradingError) -> GradeReport {
        if source.count > Self.maximumFileBytes {
            throw .fileTooLarge(path: displayPath, bytes: source.count)
        }
        if interpreter.version < lesson.minimumPython {
            throw .pythonTooOld(path: interpreter.path, version: interpreter.version, needed: lesson.minimumPython)
        }
        if let problem = conformance().problem {
            return GradeReport.environmentError(problem, lesson: lesson.id, file: displayPath, seed: seed)
        }
        let key = Self.newKey()
        let result = try withScratch { (scratch) throws(GradingError) -> SandboxResult in
            var harnessArguments = [
                "--lesson-dir", layout.lessonDirectory(lesson),
                "--lesson-id", lesson.id,
                "--file", scratch + "/exercise/" + lesson.id + ".py",
                "--report-fd", "3",
                "--seed", String(seed),
                "--budget", String(lesson.budgetSeconds),
                "--sealed",
            ]
            if case .sandboxed = isolation {
                // Counted per user namespace: it bounds this grade alone (not for root, whom
                // the kernel never limits).
                harnessArguments += ["--processes", String(Self.maximumProcesses)]
            }
            var request = SandboxRequest(
                executable: interpreter.path,
                arguments: pythonFlags() + [layout.harnessDirectory + "/grade.py"] + harnessArguments,
                environment: childEnvironment(scratch: scratch),
                workingDirectory: scratch,
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
                standardInput: Array(key.utf8) + [0x0A] + source)
            request.scratchBytes = Self.scratchBytes

            if let server, server.serves(lesson), server.process.isAlive, server.isUsable(for: isolation) {
                var forked = request
                forked.arguments = harnessArguments  // the server already runs grade.py
                if let result = try? Sandbox.run(forked, launcher: server.process) { return result }
            }
            return try runCold(request, lessons: [lesson])
        }
        var report = GradeReport.unseal(result, key: key, lesson: lesson, seed: seed)
        report.file = displayPath
        report.wallSeconds = result.wallSeconds
        return report
    }

    /// Runs the interpreter with `request.arguments` in a scratch folder of its own, in a
    /// new sandbox showing `lessons` when grades are confined (as a grade that no warm
    /// server serves), after compiling the bytecode it will read.
    func runCold(_ request: SandboxRequest, lessons: [Lesson]) throws(GradingError) -> SandboxResult {
        var request = request
        BytecodeCache.compile(harness: harness, lessons: lessons, interpreter: interpreter)
        if case .sandboxed(let bubblewrap) = isolation {
            request.arguments = bubblewrap.arguments(
                confinement(for: lessons), command: [layout.interpreterPath(interpreter)] + request.arguments)
            request.executable = bubblewrap.executable
            request.workingDirectory = nil  // bwrap's --chdir
        }
        do {
            return try Sandbox.run(request)
        } catch {
            throw .spawnFailed("\(error)")
        }
    }

    /// Calls `body` with the scratch folder a child works in: the sandbox's private tmpfs,
    /// or unconfined, a private folder of our own, removed afterwards.
    func withScratch<T, E: Error>(_ body: (String) throws(E) -> T) throws(E) -> T {
        guard case .unsandboxed = isolation else { return try body(layout.scratch) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("asynclings-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder.path)
    }

    /// What a confined grade of `lessons` may see: the interpreter, the harness, a
    /// minimal `/etc`, and each lesson's checks and fixtures (never its solution).
    func confinement(for lessons: [Lesson]) -> Confinement {
        var mounts = GradeLayout.interpreterMounts(interpreter, confined: true)
        if !interpreter.folders.contains(where: { interpreter.path.hasPrefix($0 + "/") }) {
            mounts.append(Mount(interpreter.path))
        }
        mounts.append(Mount(source: harness.directory.path, target: layout.harnessDirectory))
        let etc = harness.directory.appendingPathComponent("etc").path
        if FileManager.default.fileExists(atPath: etc) { mounts.append(Mount(source: etc, target: "/etc")) }
        for lesson in lessons {
            let folder = layout.lessonDirectory(lesson)
            for file in lesson.gradingFiles {
                mounts.append(Mount(source: file.path, target: folder + "/" + file.lastPathComponent))
            }
        }
        // The harness is PID 1 of the grade's namespace, as in the warm server's grades (server.py).
        return Confinement(
            mounts: mounts, scratchPath: GradeLayout.confinedScratch, scratchBytes: Self.scratchBytes, runsAsPIDOne: true)
    }

    func pythonFlags() -> [String] {
        // -s: no user site; -P: the script's folder stays off sys.path (the harness adds itself).
        // The environment is entirely ours, so PYTHONHASHSEED below takes effect (-I would ignore it).
        // Bytecode is read from __pycache__ beside each source (BytecodeCache writes it
        // beforehand); a confined grade can write none.
        ["-s", "-P"]
    }

    func childEnvironment(scratch: String) -> [String: String] {
        [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": scratch,
            "TMPDIR": scratch,
            "USER": "learner",
            "LOGNAME": "learner",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "NO_COLOR": "1",
        ]
    }

    /// 128 random bits, hex: the key a genuine report is framed with.
    static func newKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt32, radix: 16).leftPadded(to: 8) }.joined()
    }

    /// Refuses anything but a regular, reasonably small file, before spending a process on it.
    static func checkFile(_ file: URL, shownAs path: String, lesson: Lesson) throws(GradingError) {
        var info = stat()
        guard stat(file.path, &info) == 0 else {
            throw .fileMissing(path: path, lesson: lesson.id, exercise: lesson.exercisePath)
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

    /// A report that says why the process ended without the grader's report.
    static func crashReport(_ result: SandboxResult, lesson: Lesson, seed: Int) -> GradeReport {
        let stderrText = result.stderr.text
        let (check, message): (CheckID, String)
        switch result.termination {
        case _ where result.timedOut:
            (check, message) = (.timeLimit, "the grade was killed after \(formatSeconds(lesson.budgetSeconds)) s of real time without an answer (the code was stuck somewhere the grader could not interrupt, e.g. inside a C call). Fix: every loop needs a way out.")
        case .signaled(let signal) where signal == SIGXCPU || signal == SIGKILL:
            (check, message) = (.timeLimit, "the process used up its CPU time and was killed (signal \(signal)). Fix: long computations must end; CPU-heavy work belongs in a thread or process.")
        case .signaled(let signal):
            (check, message) = (.run, "the Python process died from signal \(signal) (\(signalName(signal))) before the grader could report.")
        case .exited(let status):
            if stderrText.contains("MemoryError") {
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

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
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
