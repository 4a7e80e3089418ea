import Course
import Foundation
import Grading
import TerminalKit
import Workshop

/// Everything a command takes from the world around it, so that it runs the same in the
/// `asynclings` process and in a test: where it writes, the environment, the working
/// directory, the clock and how it gets a grader.
///
/// A command reads none of these from the process itself: `CommandContext.process()` is
/// the real one, a test builds its own (a captured console, a scratch folder, a fixed clock).
public struct CommandContext: Sendable {
    /// Where results (stdout) and errors, warnings and notes (stderr) go.
    public var console: Console
    /// The environment variables (`NO_COLOR`, `COLUMNS`, `PATH`, `ASYNCLINGS_*`, `XDG_CACHE_HOME`…).
    public var environment: [String: String]
    /// The folder relative paths on the command line are read from, and the course is looked for from.
    public var currentDirectory: URL
    /// The clock: dates stamped and shown (a backup's name, when the class was read) and elapsed times.
    public var now: @Sendable () -> Date
    /// How a command that grades gets its grader.
    public var graders: GraderFactory

    public init(
        console: Console, environment: [String: String], currentDirectory: URL, now: @escaping @Sendable () -> Date = { Date() },
        graders: GraderFactory = .standard
    ) {
        self.console = console
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.now = now
        self.graders = graders
    }

    /// The process's own: its standard output and error, environment, working directory and clock.
    public static func process() -> CommandContext {
        CommandContext(
            console: Console(output: FileDescriptorOutput(STDOUT_FILENO), errors: FileDescriptorOutput(STDERR_FILENO)),
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    /// How results are styled: colour and width from the environment and from whether a
    /// terminal reads the output.
    public var style: TerminalRenderer.Style {
        .detect(environment: environment, isTTY: console.output.isTerminal, width: console.output.columns)
    }

    /// The learner's records for `course`: counted outside a repository in the cache folder
    /// the environment names; a first pass on `main` goes on a branch named after `$USER`.
    public func records(for course: Course) -> LearnerRecords {
        LearnerRecords(
            course: course, cacheDirectory: AsynclingsCache.directory(environment: environment),
            learnerLogin: environment["USER"] ?? environment["LOGNAME"])
    }

    /// Writes `text` to the file at `path` (relative to `currentDirectory`) atomically:
    /// through a temporary file renamed over it, so a reader never sees half a file.
    public func write(_ text: String, toPath path: String) throws {
        do {
            try Data(text.utf8).write(to: url(forPath: path), options: .atomic)
        } catch {
            throw Failure.environment("could not write \(path): \(error.localizedDescription)")
        }
    }

    /// A path from the command line, as a file URL: relative ones are read from `currentDirectory`.
    public func url(forPath path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : currentDirectory.appendingPathComponent(path)
    }
}

/// Makes the grader a command grades with. `standard` resolves the interpreter
/// (`--python`, else the course's `.venv`, else `python3`), finds the harness and detects
/// whether grades can be sandboxed here, all from the context's environment.
public struct GraderFactory: Sendable {
    /// What the grader is for.
    public struct Request: Sendable {
        /// `--python`, as given.
        public var python: String?
        /// The course graded (its `.venv` is the default interpreter).
        public var courseRoot: URL
        public var environment: [String: String]
        public var currentDirectory: URL
    }

    public let make: @Sendable (Request) throws -> Grader

    public init(make: @escaping @Sendable (Request) throws -> Grader) {
        self.make = make
    }

    public static let standard = GraderFactory { request in
        let harness = try Harness.locate(environment: request.environment)
        let interpreter = try PythonInterpreter.resolve(
            explicit: request.python, courseRoot: request.courseRoot, environment: request.environment,
            workingDirectory: request.currentDirectory, tested: harness.testedPythons)
        return Grader(
            interpreter: interpreter, harness: harness, isolation: .detect(for: interpreter, environment: request.environment))
    }
}
