import Foundation
import TestSupport
import Testing

/// Runs the built `asynclings` binary, like argument-parser's `AssertExecuteCommand`.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String

    init(_ arguments: [String], in directory: URL = Repository.root, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = Repository.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting: a full pipe would block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
    }

    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }
}

/// What the process adds to the commands (tested in-process in CommandsTests): the exit
/// status a shell sees, which stream each text goes to, and the working directory.
@Suite("The asynclings process")
struct ProcessTests {
    static let statuses: [(arguments: [String], status: Int32)] = [
        (["grade", "02-gather", "lessons/02-gather/solution.py", "--json"], 0),
        (["grade", "02-gather", "lessons/02-gather/wrong/sequential.py"], 1),
        (["grade", "99-nope", "x.py"], 2),
        (["grade", "02-gather", "lessons/02-gather/solution.py", "--python", "/nonexistent/python3"], 3),
        (["grade", "--no-such-option"], 2),
        (["--help"], 0),
        (["--version"], 0),
    ]

    @Test(arguments: statuses)
    func theExitStatusIsTheOneDocumented(arguments: [String], status: Int32) throws {
        #expect(try Run(arguments).status == status)
    }

    @Test func aReportGoesToStandardOutputAndAnErrorToStandardError() throws {
        let passed = try Run(["grade", "02", "lessons/02-gather/solution.py", "--json"])
        #expect(passed.json?["status"] as? String == "pass")
        #expect(passed.stderr.isEmpty, "\(passed.stderr)")
        let unknown = try Run(["grade", "99-nope", "x.py"])
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr.hasPrefix("error: unknown lesson"))
        let usage = try Run(["grade", "--no-such-option"])
        #expect(usage.stdout.isEmpty)
        #expect(usage.stderr.contains("Usage: asynclings grade"))
        let help = try Run(["--help"])
        #expect(help.stdout.contains("SUBCOMMANDS"))
        #expect(help.stderr.isEmpty)
    }

    @Test(.scratchDirectory) func twoCheckProcessesRecordingAtOnceBothLand() throws {
        let course = Scratch.directory.appendingPathComponent("course")
        try ScratchCourse.write(in: course)
        #expect(try Run(["init", "--learner", "ada"], in: course).status == 0)
        try Git.identify(course)
        for lesson in ScratchCourse.lessons { try ScratchCourse.exercise(lesson, ScratchCourse.solution(lesson), in: course) }
        let binary = Repository.binary.path
        let python = Python.path
        let results = ConcurrentRuns(count: ScratchCourse.lessons.count)
        DispatchQueue.concurrentPerform(iterations: ScratchCourse.lessons.count) { index in
            results.set(index, try? Shell.run([binary, "check", ScratchCourse.lessons[index], "--python", python], in: course))
        }
        for result in results.all { #expect(result?.status == 0, "\(result?.stdout ?? "")\(result?.stderr ?? "")") }
        let recorded = try Git.lessonsRecorded(on: "learner/ada", in: course).filter { !$0.isEmpty }
        #expect(Set(recorded) == Set(ScratchCourse.lessons))
        #expect(recorded.count == ScratchCourse.lessons.count)
        #expect(try Git.run(["status", "--porcelain"], in: course).isEmpty)
        #expect(try Git.run(["fsck", "--no-dangling"], in: course).isEmpty)
    }
}

/// Results of concurrent runs, filled from worker threads.
final class ConcurrentRuns: @unchecked Sendable {
    private var results: [Shell.Result?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Shell.Result?) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    var all: [Shell.Result?] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}
