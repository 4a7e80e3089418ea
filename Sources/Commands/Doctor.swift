import ArgumentParser
import Course
import Foundation
import GitStore
import Grading
import TerminalKit
import Views
import Watch
import Workshop

struct Doctor: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check everything asynclings needs, and print the exact fix for what is missing.",
        discussion: "Exit status: 0 when nothing is broken (warnings allowed), 1 otherwise.")

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var pythonOptions: PythonOptions

    /// One line of the report.
    struct Finding {
        enum Level { case ok, warning, problem }
        var level: Level
        var topic: String
        var detail: String
        var fix: String?
    }

    func run(in context: CommandContext) throws {
        let style = context.style
        var findings: [Finding] = []
        var course: Course?
        do throws(CourseError) {
            let loaded = Course.load(root: try courseOptions.root(in: context))
            course = loaded
            if loaded.problems.isEmpty {
                findings.append(Finding(level: .ok, topic: "course", detail: "\(loaded.root.path): \(loaded.lessons.count) lessons"))
            } else {
                findings.append(
                    Finding(
                        level: .problem, topic: "course",
                        detail: "\(loaded.root.path): \(loaded.problems.count) problem(s): " + loaded.problems.map(\.description).joined(separator: "; "),
                        fix: "fix the lesson files named above; `asynclings verify` checks them"))
            }
        } catch {
            findings.append(Finding(level: .problem, topic: "course", detail: error.reason, fix: error.fix))
        }

        findings += pythonFindings(course, in: context)
        findings += conformanceFindings(course, in: context)
        findings += sandboxFindings(course, in: context)
        findings += harnessFindings(in: context)
        findings.append(
            Finding(level: .ok, topic: "libgit2", detail: "\(GitLibrary.version) (linked)"))
        findings.append(Finding(level: .ok, topic: "cmark-gfm", detail: "\(Markdown.libraryVersion) (linked)"))
        if let course { findings += repositoryFindings(course, in: context) }
        findings += watchFindings(course, in: context)
        findings.append(terminalFinding(style, in: context))

        for finding in findings { context.console.print(render(finding, style: style)) }
        let problems = findings.filter { $0.level == .problem }.count
        let warnings = findings.filter { $0.level == .warning }.count
        context.console.print("")
        context.console.print(
            problems == 0
                ? "Ready\(warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : ""): run `asynclings` to start."
                : "\(problems) problem\(problems == 1 ? "" : "s") to fix first.")
        if problems > 0 { throw ExitCode(1) }
    }

    private func pythonFindings(_ course: Course?, in context: CommandContext) -> [Finding] {
        var findings: [Finding] = []
        let needed = course?.lessons.map(\.minimumPython).max() ?? .minimumSupported
        do {
            let interpreter = try interpreter(course, in: context)
            if interpreter.version < needed {
                findings.append(
                    Finding(
                        level: .problem, topic: "python", detail: "\(interpreter.path) is Python \(interpreter.version); some lessons need \(needed)",
                        fix: "recreate .venv with a newer Python: `rm -rf .venv && make venv PYTHON=python\(needed)`"))
            } else {
                findings.append(Finding(level: .ok, topic: "python", detail: "\(interpreter.path) (Python \(interpreter.version))"))
            }
        } catch {
            findings.append(
                Finding(
                    level: .problem, topic: "python", detail: "no usable Python 3.11+",
                    fix: "`sudo apt-get install -y python3` (3.11 or newer), then `make venv`; or pass --python PATH"))
        }
        if let course {
            let venv = course.root.appendingPathComponent(".venv/bin/python")
            if FileManager.default.isExecutableFile(atPath: venv.path) {
                findings.append(Finding(level: .ok, topic: ".venv", detail: ".venv/bin/python"))
            } else {
                findings.append(
                    Finding(
                        level: .warning, topic: ".venv", detail: "no .venv in \(course.root.path): grading uses the system python3",
                        fix: "`make venv` (or `scripts/make-venv python3 .venv`) pins the course's Python packages"))
            }
        }
        return findings
    }

    /// Whether the interpreter is one grades are tested on, or else passed the conformance tests
    /// (run now, in the grade sandbox, unless their outcome is cached).
    private func conformanceFindings(_ course: Course?, in context: CommandContext) -> [Finding] {
        guard let course,
            let grader = try? context.graders.make(
                .init(python: pythonOptions.python, courseRoot: course.root, environment: context.environment,
                      currentDirectory: context.currentDirectory))
        else { return [] }
        let conformance = grader.conformance()
        switch conformance.outcome {
        case .inTestedRange, .conformed:
            return [Finding(level: .ok, topic: "python range", detail: conformance.summary)]
        case .differs, .couldNotRun:
            let problem = conformance.problem ?? conformance.summary
            let (detail, fix) = problem.splitOff(marker: "\nFix: ")
            return [Finding(level: .problem, topic: "python range", detail: detail, fix: fix)]
        }
    }

    /// The interpreter grades would use, resolved as the grader resolves it.
    private func interpreter(_ course: Course?, in context: CommandContext) throws(GradingError) -> PythonInterpreter {
        try PythonInterpreter.resolve(
            explicit: pythonOptions.python, courseRoot: course?.root, environment: context.environment,
            workingDirectory: context.currentDirectory)
    }

    /// Whether grades run under bubblewrap: learners can work without it (with a warning),
    /// but `class --regrade` refuses.
    private func sandboxFindings(_ course: Course?, in context: CommandContext) -> [Finding] {
        guard let interpreter = try? interpreter(course, in: context) else {
            return []
        }
        let isolation = GradeIsolation.detect(for: interpreter, environment: context.environment)
        switch isolation {
        case .sandboxed:
            return [Finding(level: .ok, topic: "sandbox", detail: "every grade is \(isolation.summary)")]
        case .unsandboxed(let reason, let fix):
            return [
                Finding(
                    level: .warning, topic: "sandbox",
                    detail: "grades are NOT sandboxed: \(reason); `class --regrade` refuses to run", fix: fix)
            ]
        }
    }

    private func harnessFindings(in context: CommandContext) -> [Finding] {
        do {
            let harness = try Harness.locate(environment: context.environment)
            return [Finding(level: .ok, topic: "harness", detail: harness.directory.path)]
        } catch {
            return [Finding(level: .problem, topic: "harness", detail: "the grading harness is missing", fix: "`make build`, or `make install`")]
        }
    }

    private func repositoryFindings(_ course: Course, in context: CommandContext) -> [Finding] {
        let records = context.records(for: course)
        switch records.store() {
        case .branch(let name, let workdir):
            let passed = records.passedLessons().count
            return [
                Finding(level: .ok, topic: "repository", detail: workdir),
                Finding(level: .ok, topic: "branch", detail: "\(name): \(passed) of \(course.lessons.count) lessons recorded"),
            ]
        case .unavailable(let why):
            return [Finding(level: .warning, topic: "repository", detail: why.reason, fix: why.fix)]
        }
    }

    private func watchFindings(_ course: Course?, in context: CommandContext) -> [Finding] {
        let folder = course?.exercisesDirectory.path ?? context.currentDirectory.path
        let probe = FileManager.default.fileExists(atPath: folder) ? folder : context.currentDirectory.path
        guard let monitor = try? DirectoryMonitor(directory: probe, pollInterval: .seconds(3600), onChange: { _ in }) else {
            return [Finding(level: .warning, topic: "file watching", detail: "cannot watch \(probe)", fix: "press r in watch mode to grade")]
        }
        defer { monitor.stop() }
        switch monitor.mode {
        case .inotify:
            return [Finding(level: .ok, topic: "file watching", detail: "inotify on \(probe)")]
        case .polling(let reason):
            return [
                Finding(
                    level: .warning, topic: "file watching", detail: "polling every 0.5 s: \(reason)",
                    fix: "`sudo sysctl fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288`")
            ]
        }
    }

    private func terminalFinding(_ style: TerminalRenderer.Style, in context: CommandContext) -> Finding {
        guard context.console.output.isTerminal else {
            return Finding(level: .ok, topic: "terminal", detail: "output is not a terminal (plain text); watch mode needs one")
        }
        let colour = style.color ? "colour" : "no colour (NO_COLOR or TERM=dumb)"
        return Finding(level: .ok, topic: "terminal", detail: "\(style.width) columns, \(colour)")
    }

    private func render(_ finding: Finding, style: TerminalRenderer.Style) -> String {
        let mark: String
        switch finding.level {
        case .ok: mark = ANSI.styled("✓", [.foreground(.green)], enabled: style.color)
        case .warning: mark = ANSI.styled("!", [.bold, .foreground(.yellow)], enabled: style.color)
        case .problem: mark = ANSI.styled("✗", [.bold, .foreground(.red)], enabled: style.color)
        }
        var line = "\(mark) \(ANSI.pad(finding.topic, to: 14)) \(finding.detail)"
        if let fix = finding.fix { line += "\n  " + String(repeating: " ", count: 14) + " fix: " + fix }
        return line
    }
}

extension String {
    /// The text before `marker` and, when it occurs, what follows it.
    fileprivate func splitOff(marker: String) -> (String, String?) {
        guard let range = range(of: marker) else { return (self, nil) }
        return (String(self[..<range.lowerBound]), String(self[range.upperBound...]))
    }
}
