import Foundation
import TerminalKit
import TestSupport
import Testing

import Glibc

/// The built binary running on a pseudo-terminal: the test types keys and reads the screen.
final class PseudoTerminalSession {
    private(set) var master: Int32
    /// Kept open by the test so the terminal's settings can be read after the child exits.
    let slave: Int32
    let process = Process()
    private(set) var output: [UInt8] = []
    /// Where `waitFor` starts looking, so an old frame does not satisfy a new wait.
    private var mark = 0
    /// The screen text the last successful `waitFor` matched.
    private(set) var matched = ""
    /// The terminal as it shows the output, frame by frame.
    private(set) var emulator: ScreenEmulator
    /// Where `waitForFrame` starts looking.
    private var frameMark = 0

    init(arguments: [String], in directory: URL, columns: UInt16 = 110, rows: UInt16 = 40) throws {
        emulator = ScreenEmulator(columns: Int(columns), rows: Int(rows))
        // posix_openpt/grantpt/unlockpt/ptsname are hidden from Swift's Glibc module; on
        // Linux they come down to /dev/ptmx and two ioctls (grantpt is a no-op with devpts).
        let unlock: UInt = 0x4004_5431  // TIOCSPTLCK = _IOW('T', 0x31, int)
        let number: UInt = 0x8004_5430  // TIOCGPTN = _IOR('T', 0x30, unsigned int)
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var locked: Int32 = 0
        var index: UInt32 = 0
        guard master >= 0, ioctl(master, unlock, &locked) == 0, ioctl(master, number, &index) == 0 else {
            throw POSIXError(.ENXIO)
        }
        slave = open("/dev/pts/\(index)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENXIO) }
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        resize(columns: columns, rows: rows)

        process.executableURL = Repository.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["NO_COLOR"] = nil
        environment["COLUMNS"] = nil
        environment["HOME"] = directory.path  // the git author and counters stay in the scratch folder
        environment["XDG_CACHE_HOME"] = directory.appendingPathComponent(".cache").path
        process.environment = environment
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        if master >= 0 { close(master) }
        close(slave)
    }

    /// What closing a terminal window does to the program in it: its terminal hangs up.
    func closeTerminal() {
        close(master)
        master = -1
    }

    func resize(columns: UInt16, rows: UInt16) {
        if master >= 0 { while pump(wait: 0) {} }  // what was drawn at the old size
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        emulator.resize(columns: Int(columns), rows: Int(rows))
    }

    func type(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(master, &bytes, bytes.count)
    }

    /// The terminal settings a shell would find.
    func settings() -> termios {
        var settings = termios()
        _ = tcgetattr(slave, &settings)
        return settings
    }

    /// Reads what arrived; true when something did.
    @discardableResult
    func pump(wait milliseconds: Int32 = 100) -> Bool {
        guard master >= 0 else {
            usleep(UInt32(milliseconds) * 1000)
            return false
        }
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else { return false }
        output += buffer[0..<count]
        emulator.feed(Array(buffer[0..<count]))
        return true
    }

    /// The output since the mark, escape sequences removed.
    var screen: String { Self.strip(String(decoding: output[mark...], as: UTF8.self)) }
    var raw: String { String(decoding: output, as: UTF8.self) }

    /// Waits until every one of `texts` has appeared since the mark, then moves the mark.
    /// The limit only stops a broken build from hanging the suite; it asserts nothing about speed.
    func waitFor(_ texts: String..., limit: TimeInterval = 120) -> Bool {
        let deadline = Date(timeIntervalSinceNow: limit)
        while Date() < deadline {
            let current = screen
            if texts.allSatisfy(current.contains) {
                matched = current
                mark = output.count
                return true
            }
            if !process.isRunning, !pump(wait: 0) { return false }
            pump()
        }
        return false
    }

    /// Waits until a frame drawn since the last such wait satisfies `test` (its rows as
    /// the terminal shows them).
    func waitForFrame(limit: TimeInterval = 120, _ test: ([String]) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: limit)
        while Date() < deadline {
            if let index = emulator.frames.indices.dropFirst(frameMark).first(where: { test(emulator.frames[$0]) }) {
                frameMark = index + 1
                return true
            }
            if !process.isRunning, !pump(wait: 0) { return false }
            pump()
        }
        return false
    }

    /// Rows cut short by the program: as wide as the screen and ending in `…`.
    func cutRows() -> [String] {
        emulator.frames.flatMap { $0 }.filter { $0.hasSuffix("…") && ANSI.visibleWidth(of: $0) == emulator.columns }
    }

    /// Waits for the process to end, reading its output meanwhile.
    func waitForExit(limit: TimeInterval = 120) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: limit)
        while process.isRunning, Date() < deadline { pump() }
        while pump(wait: 50) {}
        return process.isRunning ? nil : process.terminationStatus
    }

    static func strip(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
    }
}

/// The repository's interpreter, so the scratch course grades like the real one.
var pythonArguments: [String] {
    let venv = Repository.root.appendingPathComponent(".venv/bin/python")
    return FileManager.default.isExecutableFile(atPath: venv.path) ? ["--python", venv.path] : []
}

/// Saves like an editor that writes a temporary file and renames it over the original.
func saveByRename(_ text: String, to file: URL) throws {
    let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).swp")
    try text.write(to: temporary, atomically: false, encoding: .utf8)
    guard rename(temporary.path, file.path) == 0 else { throw POSIXError(.EIO) }
}

func sameSettings(_ a: termios, _ b: termios) -> Bool {
    a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_lflag == b.c_lflag && a.c_cflag == b.c_cflag
}

@Suite("Watch mode through a pseudo-terminal", .serialized, .scratchDirectory)
struct WatchModeTests {
    @Test func aCorrectSolutionPassesIsRecordedAndQuitRestoresTheTerminal() throws {
        let root = try learnerRepository()
        let session = try PseudoTerminalSession(arguments: pythonArguments, in: root)
        let before = session.settings()

        // The first unfinished lesson opens, its starter copied in and graded.
        #expect(
            session.waitFor("01-first-coroutine", "Created exercises/01-first-coroutine.py", "FAIL", "0/2 lessons done"),
            "\(session.screen)")
        #expect(!sameSettings(before, session.settings()), "watch mode puts the terminal in raw mode")

        session.type("h")
        #expect(session.waitFor("Hint 1 of 3"), "\(session.screen)")
        session.type("l")
        #expect(session.waitFor("Lessons", "02-gather", "esc back"), "\(session.screen)")
        session.type("\u{1B}")
        #expect(session.waitFor("h hint"), "\(session.screen)")
        session.type("s")
        #expect(session.waitFor("asyncio.run"), "\(session.screen)")
        session.type("\u{1B}")
        #expect(session.waitFor("h hint"), "\(session.screen)")

        let solution = try String(contentsOf: root.appendingPathComponent("lessons/01-first-coroutine/solution.py"), encoding: .utf8)
        try saveByRename(solution, to: root.appendingPathComponent("exercises/01-first-coroutine.py"))
        #expect(
            session.waitFor("✓ 01-first-coroutine passed", "Recorded on learner/ann as commit", "1/2 lessons done", "n next lesson"),
            "\(session.screen)")

        session.type("q")
        #expect(session.waitForExit() == 0)
        #expect(session.screen.contains("1 of 2 lessons passed. Run `asynclings` to continue with 02-gather."))
        #expect(sameSettings(before, session.settings()), "the terminal settings are restored")
        #expect(session.raw.hasSuffix("\u{1B}[?1049l") || session.raw.contains("\u{1B}[?1049l"))

        let message = try Git.run(["log", "-1", "--format=%B", "learner/ann"], in: root)
        #expect(message.contains("asynclings: pass 01-first-coroutine"))
        #expect(message.contains("Asynclings-Lesson: 01-first-coroutine"))
        #expect(message.contains("Asynclings-Hints: 1"))
        let files = try Git.run(["show", "--name-only", "--format=", "HEAD"], in: root)
        #expect(files.trimmingCharacters(in: .whitespacesAndNewlines) == "exercises/01-first-coroutine.py")
    }

    @Test(arguments: [("q", Int32(0)), ("ctrl-c", 0), ("SIGTERM", 143), ("SIGINT", 130), ("SIGHUP", 129)])
    func everyWayOutRestoresTheTerminal(way: String, status: Int32) throws {
        let root = try learnerRepository()
        let session = try PseudoTerminalSession(arguments: pythonArguments, in: root)
        let before = session.settings()
        #expect(session.waitFor("01-first-coroutine", "FAIL"), "\(session.screen)")
        switch way {
        case "q": session.type("q")
        case "ctrl-c": session.type("\u{03}")
        case "SIGTERM": kill(session.process.processIdentifier, SIGTERM)
        case "SIGINT": kill(session.process.processIdentifier, SIGINT)
        default: kill(session.process.processIdentifier, SIGHUP)
        }
        #expect(session.waitForExit() == status)
        #expect(sameSettings(before, session.settings()))
        // Nothing half-written: the exercise is the starter, whole, and git has no stray lock.
        let exercise = try String(contentsOf: root.appendingPathComponent("exercises/01-first-coroutine.py"), encoding: .utf8)
        let starter = try String(contentsOf: root.appendingPathComponent("lessons/01-first-coroutine/starter.py"), encoding: .utf8)
        #expect(exercise == starter)
        let locks = try FileManager.default.subpathsOfDirectory(atPath: root.appendingPathComponent(".git").path)
            .filter { $0.hasSuffix(".lock") && !$0.hasPrefix("asynclings/") }
        #expect(locks.isEmpty, "\(locks)")
    }

    @Test func closingTheTerminalEndsWatchModeWithoutACrash() throws {
        let root = try learnerRepository()
        let session = try PseudoTerminalSession(arguments: pythonArguments, in: root)
        #expect(session.waitFor("01-first-coroutine", "FAIL"), "\(session.screen)")
        session.closeTerminal()
        #expect(session.waitForExit() == 129)
    }

    @Test func aResizeRedrawsAtTheNewWidth() throws {
        let root = try learnerRepository()
        let session = try PseudoTerminalSession(arguments: pythonArguments, in: root, columns: 100, rows: 30)
        #expect(session.waitFor("01-first-coroutine", "FAIL"), "\(session.screen)")
        session.resize(columns: 50, rows: 20)
        kill(session.process.processIdentifier, SIGWINCH)  // the pty is not the child's controlling terminal
        // A rule exactly 50 columns wide: the frame was laid out anew.
        let rule = String(repeating: "─", count: 50)
        #expect(session.waitForFrame { $0.contains(rule) && $0.contains { $0.contains("q quit") } }, "\(session.emulator.lines)")
        #expect(session.emulator.losses.isEmpty, "\(session.emulator.losses)")
        session.type("q")
        #expect(session.waitForExit() == 0)
    }

    /// Every screen watch mode shows, at the sizes of a small and a large terminal, as the
    /// terminal shows it: no cell drawn and then erased (a full-width line keeps its last
    /// cell), no line running past the edge, and no line cut short with `…`.
    @Test(arguments: [(UInt16(80), UInt16(24)), (200, 50)])
    func everyLineOfEveryScreenIsComplete(columns: UInt16, rows: UInt16) throws {
        let root = try learnerRepository()
        let session = try PseudoTerminalSession(arguments: pythonArguments, in: root, columns: columns, rows: rows)
        #expect(session.waitFor("01-first-coroutine", "FAIL"), "\(session.screen)")
        for (key, shows) in [("h", "Hint 1 of 3"), ("l", "Lessons"), ("\u{1B}", "h hint"), ("s", "asyncio.run"), ("\u{1B}[6~", "scroll")] {
            session.type(key)
            #expect(session.waitFor(shows), "\(key): \(session.screen)")
        }
        session.type("\u{1B}")
        #expect(session.waitFor("h hint"), "\(session.screen)")

        // 02, one call after another: a failing verdict with its timeline, then a pass beside the solution.
        session.type("n")
        #expect(session.waitFor("02-gather", "FAIL"), "\(session.screen)")
        let exercise = root.appendingPathComponent("exercises/02-gather.py")
        let sequential = try String(contentsOf: root.appendingPathComponent("lessons/02-gather/wrong/sequential.py"), encoding: .utf8)
        try saveByRename(sequential, to: exercise)
        #expect(session.waitFor("✗ concurrency"), "\(session.screen)")
        // On a small terminal the timeline is further down: scroll to it.
        func showsAxis(_ rows: [String]) -> Bool {
            rows.contains { $0.hasSuffix(" s") && $0.trimmingCharacters(in: .whitespaces).hasPrefix("0 ") }
        }
        var timelineShown = showsAxis(session.emulator.lines)
        for _ in 0..<4 where !timelineShown {
            session.type("\u{1B}[6~")
            timelineShown = session.waitForFrame(limit: 10, showsAxis)
        }
        #expect(timelineShown, "\(session.emulator.lines)")
        let solution = try String(contentsOf: root.appendingPathComponent("lessons/02-gather/solution.py"), encoding: .utf8)
        try saveByRename(solution, to: exercise)
        #expect(session.waitFor("✓ 02-gather passed", "Your code beside the reference solution"), "\(session.screen)")
        session.type("\u{1B}[6~")
        session.type("q")
        #expect(session.waitForExit() == 0)

        let screen = session.emulator
        #expect(screen.frames.count > 10)
        #expect(screen.losses.isEmpty, "\(screen.losses.prefix(5))")
        #expect(screen.overflows.isEmpty, "rows that ran past the edge: \(Set(screen.overflows))")
        #expect(session.cutRows().isEmpty, "\(Set(session.cutRows()))")
        // The rules around the body span the whole width, last cell included.
        let rule = String(repeating: "─", count: Int(columns))
        #expect(screen.frames.allSatisfy { $0.filter { $0 == rule }.count >= 2 || $0.contains { $0.contains("Finding where") } })
    }

    @Test func theFirstFrameShowsNoCountBeforeProgressIsRead() throws {
        let root = try learnerRepository()
        let solution = try String(contentsOf: root.appendingPathComponent("lessons/01-first-coroutine/solution.py"), encoding: .utf8)
        try Scratch.write(solution, to: "exercises/01-first-coroutine.py", in: root)
        let check = try Run(["check", "01"] + pythonArguments, in: root, environment: ["HOME": root.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        let session = try PseudoTerminalSession(arguments: pythonArguments, in: root)
        #expect(session.waitFor("02-gather", "1/2 lessons done"), "\(session.screen)")
        let counts = session.emulator.frames.flatMap { $0 }.filter { $0.contains("lessons done") }
        #expect(!counts.isEmpty && counts.allSatisfy { $0.contains("1/2 lessons done") }, "\(Set(counts))")
        session.type("q")
        #expect(session.waitForExit() == 0)
    }

    @Test func quittingOnAnUnpassedLessonNamesTheLessonTheNextRunOpens() throws {
        let root = try learnerRepository()
        let first = try PseudoTerminalSession(arguments: pythonArguments, in: root)
        #expect(first.waitFor("01-first-coroutine", "FAIL"), "\(first.screen)")
        first.type("n")  // skip ahead: 01 is still not passed
        #expect(first.waitFor("Skipped 01-first-coroutine", "Created exercises/02-gather.py", "FAIL"), "\(first.screen)")
        first.type("q")
        #expect(first.waitForExit() == 0)
        let farewell = first.screen.replacingOccurrences(of: "\r", with: "")
        #expect(farewell.contains("0 of 2 lessons passed. Run `asynclings` to continue with 01-first-coroutine"), "\(farewell)")
        #expect(farewell.contains("`asynclings watch 02-gather` to come back to 02-gather"), "\(farewell)")

        // The next run opens the lesson it named.
        let next = try PseudoTerminalSession(arguments: pythonArguments, in: root)
        #expect(next.waitForFrame { $0.first?.contains("01-first-coroutine") == true }, "\(next.emulator.lines)")
        next.type("q")
        #expect(next.waitForExit() == 0)
        #expect(next.screen.contains("continue with 01-first-coroutine."))
    }

    @Test func withoutATerminalWatchModeSaysWhatToDoInstead() throws {
        let root = try learnerRepository()
        let run = try Run(["watch"] + pythonArguments, in: root)
        #expect(run.status == 2)
        #expect(run.stderr.contains("needs a terminal"))
        #expect(run.stderr.contains("asynclings grade"))
    }
}

@Suite("show and completion through the process", .scratchDirectory)
struct ProcessOnlyCommandTests {
    @Test func showIsColouredAndWrappedOnATerminal() throws {
        let root = try learnerRepository()
        let terminal = try PseudoTerminalSession(arguments: ["show", "02"], in: root, columns: 72)
        #expect(terminal.waitForExit() == 0)
        #expect(terminal.raw.contains("\u{1B}["))
        #expect(terminal.screen.contains("Run coroutines concurrently"))
        // Wrapped to the terminal: no prose line wider than 72 columns.
        let lines = terminal.screen.replacingOccurrences(of: "\r", with: "").split(separator: "\n")
        let widest = lines.map(\.count).max() ?? 0
        #expect(widest <= 72)
    }

    /// The bash script as installed, asked by bash itself to complete `asynclings COMMAND 0`
    /// in the course folder: it calls back into the binary for the lesson ids.
    @Test(arguments: ["start", "grade", "check"])
    func bashCompletesLessonIDs(command: String) throws {
        let script = """
            source <(asynclings completions bash)
            COMP_WORDS=(asynclings \(command) 0); COMP_CWORD=2
            COMP_LINE="asynclings \(command) 0"; COMP_POINT=${#COMP_LINE}
            _asynclings
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let path = Repository.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let run = try Shell.run(["/bin/bash", "-c", script], in: Repository.root, environment: ["PATH": path])
        let offered = run.stdout.split(separator: "\n").map(String.init)
        #expect(offered.contains("01-first-coroutine"), "\(run.stdout)\(run.stderr)")
        #expect(offered.contains("02-gather"))
        #expect(offered.allSatisfy { $0.hasPrefix("0") })
    }

    @Test func lessonArgumentsCompleteToLessonIDs() throws {
        // What the generated scripts call back into, from the shell's working directory.
        let run = try Run(["---completion", "show", "--", "positional@0", "2", "0", "asynclings", "show", ""])
        #expect(run.stdout.contains("01-first-coroutine"))
        #expect(run.stdout.contains("02-gather"))
    }
}
