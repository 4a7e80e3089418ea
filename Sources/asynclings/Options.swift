import ArgumentParser
import Course
import Foundation
import Grading

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
        do {
            return try Course.loadLesson(query, root: try root())
        } catch {
            throw Failure.usage("\(error)")
        }
    }

    /// The course folder: `--course`, else the nearest folder above the working directory with `lessons/`.
    func root() throws -> URL {
        let root: URL
        do {
            if let course {
                root = URL(fileURLWithPath: course).standardizedFileURL
                guard FileManager.default.fileExists(atPath: root.appendingPathComponent("lessons").path) else {
                    throw CourseError.courseNotFound(searchedFrom: root.path)
                }
            } else {
                root = try Course.locate(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            }
        } catch let error as CourseError {
            throw Failure.usage("\(error)")
        }
        return root
    }

    func lesson(_ query: String, in course: Course) throws -> Lesson {
        do {
            return try course.lesson(query)
        } catch {
            throw Failure.usage("\(error)")
        }
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

/// How a command fails: the message goes to stderr, the exit status follows docs/DESIGN.md.
enum Failure: Error, CustomStringConvertible {
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
    /// Runs `body`, turning a `Failure` or `GradingError` into its message and exit status.
    func reportingFailures(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as Failure {
            Console.error(failure.description)
            throw ExitCode(failure.exitCode)
        } catch let error as GradingError {
            Console.error(error.description)
            throw ExitCode(error.exitCode)
        }
    }
}
