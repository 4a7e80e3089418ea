import ArgumentParser
import Classroom
import Course
import Foundation
import GitStore
import Grading
import TerminalKit

/// `--course DIR`: which course to use (default: the nearest folder with `lessons/`).
struct CourseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The course folder (the one holding lessons/).", valueName: "dir"))
    var course: String?

    /// Loads the course, printing what is wrong with malformed lessons to stderr.
    func load(reportProblems: Bool = true) throws -> Course {
        let loaded = Course.load(root: try root())
        if reportProblems, !loaded.problems.isEmpty {
            Console.warn("some lessons could not be loaded:\n" + loaded.problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        return loaded
    }

    /// Loads just the lesson a command names (cheaper than the whole course).
    func loadLesson(_ query: String) throws -> (Course, Lesson) {
        try Course.loadLesson(query, root: try root())
    }

    /// The course folder: `--course`, else the nearest folder above the working directory with `lessons/`.
    func root() throws(CourseError) -> URL {
        if let course {
            let root = URL(fileURLWithPath: course).standardizedFileURL
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent("lessons").path) else {
                throw .courseNotFound(searchedFrom: root.path)
            }
            return root
        }
        return try Course.locate(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }
}

/// `--python PATH`: the interpreter that runs the grader.
struct PythonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The Python 3.11+ interpreter to grade with (default: .venv/bin/python, then python3).", valueName: "path"))
    var python: String?

    /// The grader, and — when grades cannot be sandboxed here — one warning saying so,
    /// why, and the fix (`warnUnsandboxed: false` for a caller that says it another way).
    func grader(for course: Course, warnUnsandboxed: Bool = true) throws -> Grader {
        let grader: Grader
        do {
            let interpreter = try PythonInterpreter.resolve(explicit: python, courseRoot: course.root)
            grader = Grader(interpreter: interpreter, harness: try Harness.locate())
        } catch {
            throw Failure.environment("\(error)")
        }
        if warnUnsandboxed, !grader.isolation.isSandboxed {
            Console.warn("grades are \(grader.isolation.summary)")
        }
        return grader
    }
}

/// An error that ends a command, with the exit status docs/DESIGN.md gives it. The domain's
/// error types own theirs (`exitCode`); this only lets one `catch` read any of them.
protocol CommandError: Error, CustomStringConvertible {
    var exitCode: Int32 { get }
}

extension CourseError: CommandError {}
extension ExerciseFileError: CommandError {}
extension GradingError: CommandError {}
extension GitStoreError: CommandError {}
extension ClassroomError: CommandError {}
extension TerminalError: CommandError {}

/// How a command fails for reasons of its own (bad arguments, a file it cannot write).
enum Failure: CommandError {
    /// Bad arguments, unknown lesson, malformed course (exit 2).
    case usage(String)
    /// No usable Python, missing harness (exit 3).
    case environment(String)

    var description: String {
        switch self {
        case .usage(let message), .environment(let message): message
        }
    }

    var exitCode: Int32 {
        switch self {
        case .usage: 2
        case .environment: 3
        }
    }
}

extension ParsableCommand {
    /// Runs `body`, turning any `CommandError` into its message and exit status.
    func reportingFailures(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as any CommandError {
            Console.error(error.description)
            throw ExitCode(error.exitCode)
        }
    }
}

/// The help every lesson argument shares.
private let lessonHelp = "The lesson: its id (02-gather), number (02) or slug (gather)."

/// A command's lesson, completed to the lesson ids of the course around the shell.
struct LessonArgument: ParsableArguments {
    @Argument(help: ArgumentHelp(lessonHelp, valueName: "lesson"), completion: LessonCompletion.kind)
    var lesson: String
}

/// A lesson a command may be given; without one it picks the first lesson not passed yet.
struct OptionalLessonArgument: ParsableArguments {
    @Argument(
        help: ArgumentHelp(lessonHelp + " Default: the first lesson not passed yet.", valueName: "lesson"),
        completion: LessonCompletion.kind)
    var lesson: String?
}

/// Several lessons (none: every lesson of the course).
struct LessonsArgument: ParsableArguments {
    @Argument(help: ArgumentHelp(lessonHelp + " Default: every lesson.", valueName: "lesson"), completion: LessonCompletion.kind)
    var lessons: [String] = []
}
