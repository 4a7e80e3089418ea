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

extension Room {
    /// A learner's clone on `learner/<name>` that has checked `source` for `lesson` (the
    /// check passes) and pushed it.
    @discardableResult
    func learnerWhoPassed(_ name: String, lesson: String = "01-alpha", source: String) throws -> URL {
        let clone = try self.clone(name)
        #expect(try Run(["init", "--learner", name], in: clone).status == 0)
        try ScratchCourse.exercise(lesson, source, in: clone)
        let check = try Run(["check", String(lesson.prefix(2)), "--python", Python.path], in: clone)
        #expect(check.status == 0, "\(name): \(check.stdout)\n\(check.stderr)")
        try Git.run(["push", "-q"], in: clone)
        return clone
    }
}

@Suite("asynclings grade")
struct GradeCommand {
    @Test func aPassingSolutionExitsZeroWithOneJSONObject() throws {
        let run = try Run(["grade", "02-gather", "lessons/02-gather/solution.py", "--json"])
        #expect(run.status == 0)
        let report = try #require(run.json)
        #expect(report["lesson"] as? String == "02-gather")
        #expect(report["file"] as? String == "lessons/02-gather/solution.py")
        #expect(report["status"] as? String == "pass")
        #expect(report["seed"] as? Int == 0)
        #expect(report["virtual_seconds"] is Double || report["virtual_seconds"] is Int)
        #expect(report["wall_seconds"] is Double)
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.allSatisfy { ($0["status"] as? String) == "pass" && $0["id"] is String && $0["message"] is String })
    }

    @Test func aFailingFileExitsOneAndNamesTheCheck() throws {
        let run = try Run(["grade", "02-gather", "lessons/02-gather/wrong/sequential.py", "--json"])
        #expect(run.status == 1)
        let checks = try #require(run.json?["checks"] as? [[String: Any]])
        let concurrency = try #require(checks.first { $0["id"] as? String == "concurrency" })
        #expect(concurrency["status"] as? String == "fail")
        #expect((concurrency["message"] as? String)?.contains("gather") == true)
    }

    @Test func theTerminalReportExplainsTheFailure() throws {
        let run = try Run(["grade", "02", "lessons/02-gather/wrong/sequential.py"], environment: ["NO_COLOR": "1"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAIL"))
        #expect(run.stdout.contains("✗ concurrency"))
        #expect(!run.stdout.contains("\u{1B}["))
    }

    @Test func anUnknownLessonListsTheValidOnes() throws {
        let run = try Run(["grade", "99-nope", "x.py"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("unknown lesson"))
        #expect(run.stderr.contains("02-gather"))
    }

    @Test func aMissingPythonIsExitThreeWithTheFix() throws {
        let run = try Run(["grade", "02-gather", "lessons/02-gather/solution.py", "--python", "/nonexistent/python3"])
        #expect(run.status == 3)
        #expect(run.stderr.contains("--python"))
    }

    @Test func aDirectoryIsAUsageError() throws {
        let run = try Run(["grade", "02-gather", "lessons"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("directory"))
    }
}

@Suite("asynclings verify, list, show, start")
struct CourseCommands {
    @Test func verifyPassesOnTheRepositoryLessons() throws {
        let run = try Run(["verify", "01", "02", "--json"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.json?["ok"] as? Bool == true)
        let items = try #require(run.json?["items"] as? [[String: Any]])
        #expect(items.contains { $0["kind"] as? String == "wrong" })
    }

    @Test(.scratchDirectory) func verifyFailsWhenAWrongVariantPasses() throws {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory)
        try Scratch.write("# expect: fail behaviour\n" + SampleLesson.solution, to: "lessons/01-sample/wrong/actually-right.py")
        let run = try Run(["verify", "--course", Scratch.directory.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("✗ lessons/01-sample/wrong/actually-right.py"))
    }

    @Test func listShowsEveryLesson() throws {
        let run = try Run(["list"])
        #expect(run.status == 0)
        for id in Repository.lessonIDs { #expect(run.stdout.contains(id)) }
    }

    @Test func showPrintsTheLesson() throws {
        let run = try Run(["show", "02-gather"], environment: ["NO_COLOR": "1"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("gather"))
    }

    @Test(.scratchDirectory) func startCopiesTheStarterAndNeverOverwrites() throws {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory)
        let first = try Run(["start", "01-sample"], in: Scratch.directory)
        #expect(first.status == 0)
        let file = Scratch.directory.appendingPathComponent("exercises/01-sample.py")
        #expect(try String(contentsOf: file, encoding: .utf8) == SampleLesson.starter)
        try "my work".write(to: file, atomically: true, encoding: .utf8)
        let second = try Run(["start", "01-sample"], in: Scratch.directory)
        #expect(second.status == 0)
        #expect(second.stdout.contains("already exists"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "my work")
    }

    @Test(.scratchDirectory) func aMalformedLessonIsReportedAndTheRestStillWorks() throws {
        try SampleLesson.write(id: "01-good", in: Scratch.directory)
        try Scratch.write("---\nid: [\n---\n", to: "lessons/02-bad/lesson.md")
        let run = try Run(["list"], in: Scratch.directory)
        #expect(run.status == 0)
        #expect(run.stdout.contains("01-good"))
        #expect(run.stderr.contains("lessons/02-bad/lesson.md"))
    }
}
