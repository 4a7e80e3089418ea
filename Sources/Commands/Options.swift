import ArgumentParser
import Course
import Foundation
import Grading
import Views

/// `--course DIR`: which course to use (default: the nearest folder with `lessons/`).
struct CourseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The course folder (the one holding lessons/).", valueName: "dir"))
    var course: String?

    /// Loads the course, printing what is wrong with malformed lessons to stderr.
    func load(in context: CommandContext, reportProblems: Bool = true) throws -> Course {
        let loaded = Course.load(root: try root(in: context))
        if reportProblems, !loaded.problems.isEmpty {
            context.console.warn("some lessons could not be loaded:\n" + loaded.problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        return loaded
    }

    /// Loads just the lesson a command names (cheaper than the whole course).
    func loadLesson(_ query: String, in context: CommandContext) throws -> (Course, Lesson) {
        try Course.loadLesson(query, root: try root(in: context))
    }

    /// The course folder: `--course`, else the nearest folder above the working directory with `lessons/`.
    func root(in context: CommandContext) throws(CourseError) -> URL {
        if let course {
            let root = context.url(forPath: course).standardizedFileURL
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent("lessons").path) else {
                throw .courseNotFound(searchedFrom: root.path)
            }
            return root
        }
        return try Course.locate(from: context.currentDirectory)
    }
}

/// `--python PATH`: the interpreter that runs the grader.
struct PythonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The Python 3.11+ interpreter to grade with (default: .venv/bin/python, then python3).", valueName: "path"))
    var python: String?

    /// The grader, and — when grades cannot be sandboxed here — one warning saying so,
    /// why, and the fix (`warnUnsandboxed: false` for a caller that says it another way).
    /// On an interpreter outside the tested range this runs the conformance tests (or reads
    /// their cached outcome) and, when they passed, says so once; when they did not, each
    /// grade says what differs.
    func grader(for course: Course, in context: CommandContext, warnUnsandboxed: Bool = true) throws -> Grader {
        let grader: Grader
        do {
            grader = try context.graders.make(
                .init(python: python, courseRoot: course.root, environment: context.environment, currentDirectory: context.currentDirectory))
        } catch {
            throw Failure.environment("\(error)")
        }
        if warnUnsandboxed, !grader.isolation.isSandboxed {
            context.console.warn("grades are \(grader.isolation.summary)")
        }
        let conformance = grader.conformance()
        if case .conformed = conformance.outcome {
            context.console.note(conformance.summary)
        }
        return grader
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

/// `--junit FILE`: the results also as JUnit XML, for CI (`grade`, `verify`, `class --regrade`).
struct JUnitOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Also write the results as JUnit XML, for CI.", valueName: "file"))
    var junit: String?

    /// Writes `report` when `--junit` was given (atomically: a reader never sees half a file).
    func write(_ report: @autoclosure () -> JUnitReport, in context: CommandContext) throws {
        guard let junit else { return }
        try context.write(report().xml(), toPath: junit)
    }

    /// Runs `body`; when it fails before writing a report, writes one erroring case saying
    /// why (CI then shows the reason instead of a missing file), and fails the same way.
    func reportingFailure<T>(suite: String, in context: CommandContext, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch {
            if junit != nil { try? write(.failedToRun(suite, message: "\(error)"), in: context) }
            throw error
        }
    }
}
