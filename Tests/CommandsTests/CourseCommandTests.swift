import Foundation
import TestSupport
import Testing

@Suite("asynclings grade")
struct GradeCommand {
    @Test func aPassingSolutionExitsZeroWithOneJSONObject() throws {
        let run = asynclings(["grade", "02-gather", "lessons/02-gather/solution.py", "--json"])
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
        let run = asynclings(["grade", "02-gather", "lessons/02-gather/wrong/sequential.py", "--json"])
        #expect(run.status == 1)
        let checks = try #require(run.json?["checks"] as? [[String: Any]])
        let concurrency = try #require(checks.first { $0["id"] as? String == "concurrency" })
        #expect(concurrency["status"] as? String == "fail")
        #expect((concurrency["message"] as? String)?.contains("gather") == true)
    }

    @Test func theTerminalReportExplainsTheFailure() throws {
        let run = asynclings(["grade", "02", "lessons/02-gather/wrong/sequential.py"], environment: ["NO_COLOR": "1"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAIL"))
        #expect(run.stdout.contains("✗ concurrency"))
        #expect(!run.stdout.contains("\u{1B}["))
    }

    @Test func anUnknownLessonListsTheValidOnes() throws {
        let run = asynclings(["grade", "99-nope", "x.py"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("unknown lesson"))
        #expect(run.stderr.contains("02-gather"))
    }

    @Test func aMissingPythonIsExitThreeWithTheFix() throws {
        let run = asynclings(["grade", "02-gather", "lessons/02-gather/solution.py", "--python", "/nonexistent/python3"])
        #expect(run.status == 3)
        #expect(run.stderr.contains("--python"))
    }

    @Test func aDirectoryIsAUsageError() throws {
        let run = asynclings(["grade", "02-gather", "lessons"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("directory"))
    }
}

@Suite("asynclings verify, list, show, start")
struct CourseCommands {
    @Test func verifyPassesOnTheRepositoryLessons() throws {
        let run = asynclings(["verify", "01", "02", "--json"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.json?["ok"] as? Bool == true)
        let items = try #require(run.json?["items"] as? [[String: Any]])
        #expect(items.contains { $0["kind"] as? String == "wrong" })
    }

    @Test(.scratchDirectory) func verifyFailsWhenAWrongVariantPasses() throws {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory)
        try Scratch.write("# expect: fail behaviour\n" + SampleLesson.solution, to: "lessons/01-sample/wrong/actually-right.py")
        let run = asynclings(["verify", "--course", Scratch.directory.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("✗ lessons/01-sample/wrong/actually-right.py"))
    }

    @Test func listShowsEveryLesson() throws {
        let run = asynclings(["list"])
        #expect(run.status == 0)
        for id in Repository.lessonIDs { #expect(run.stdout.contains(id)) }
    }

    @Test func showPrintsTheLesson() throws {
        let run = asynclings(["show", "02-gather"], environment: ["NO_COLOR": "1"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("gather"))
    }

    @Test(.scratchDirectory) func startCopiesTheStarterAndNeverOverwrites() throws {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory)
        let first = asynclings(["start", "01-sample"], in: Scratch.directory)
        #expect(first.status == 0)
        let file = Scratch.directory.appendingPathComponent("exercises/01-sample.py")
        #expect(try String(contentsOf: file, encoding: .utf8) == SampleLesson.starter)
        try "my work".write(to: file, atomically: true, encoding: .utf8)
        let second = asynclings(["start", "01-sample"], in: Scratch.directory)
        #expect(second.status == 0)
        #expect(second.stdout.contains("already exists"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "my work")
    }

    @Test(.scratchDirectory) func aMalformedLessonIsReportedAndTheRestStillWorks() throws {
        try SampleLesson.write(id: "01-good", in: Scratch.directory)
        try Scratch.write("---\nid: [\n---\n", to: "lessons/02-bad/lesson.md")
        let run = asynclings(["list"], in: Scratch.directory)
        #expect(run.status == 0)
        #expect(run.stdout.contains("01-good"))
        #expect(run.stderr.contains("lessons/02-bad/lesson.md"))
    }
}
