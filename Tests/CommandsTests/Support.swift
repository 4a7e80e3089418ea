import Commands
import Foundation
import Grading
import TestSupport
import Testing

/// What `asynclings ARGUMENTS` did when run in this process: its exit status and what it
/// wrote on each stream.
struct Ran {
    let status: Int32
    let stdout: String
    let stderr: String

    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }
}

/// Runs `asynclings ARGUMENTS` in-process, as if typed in `directory` with `environment`
/// added to this process's, output captured (not a terminal: no colour).
@discardableResult
func asynclings(
    _ arguments: [String], in directory: URL = Repository.root, environment: [String: String] = [:],
    now: @escaping @Sendable () -> Date = { Date() }, graders: GraderFactory = .standard
) -> Ran {
    let output = CapturedOutput()
    let errors = CapturedOutput()
    let context = CommandContext(
        console: Console(output: output, errors: errors),
        environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
        currentDirectory: directory, now: now, graders: graders)
    let status = Asynclings.run(arguments, in: context)
    return Ran(status: status, stdout: output.text, stderr: errors.text)
}

extension Room {
    /// A learner's clone on `learner/<name>` that has checked `source` for `lesson` (the
    /// check passes) and pushed it.
    @discardableResult
    func learnerWhoPassed(_ name: String, lesson: String = "01-alpha", source: String) throws -> URL {
        let clone = try self.clone(name)
        #expect(asynclings(["init", "--learner", name], in: clone).status == 0)
        try ScratchCourse.exercise(lesson, source, in: clone)
        let check = asynclings(["check", String(lesson.prefix(2)), "--python", Python.path], in: clone)
        #expect(check.status == 0, "\(name): \(check.stdout)\n\(check.stderr)")
        try Git.run(["push", "-q"], in: clone)
        return clone
    }
}

extension GraderFactory {
    /// The standard grader, told that grades cannot be sandboxed here (they then run
    /// with the process runner's limits alone).
    static let unsandboxed = GraderFactory { request in
        let grader = try GraderFactory.standard.make(request)
        return Grader(
            interpreter: grader.interpreter, harness: grader.harness,
            isolation: .unsandboxed(reason: "a test says so", fix: "nothing to fix"))
    }
}
