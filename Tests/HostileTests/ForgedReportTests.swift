import Course
import Foundation
@testable import Grading
import Sandbox
import TestSupport
import Testing

/// Python that writes `report` to every descriptor that could be the grader's report channel.
func writeEverywhere(_ report: String) -> String {
    #"""
    import os
    data = \#(String(reflecting: report)).encode()
    for fd in range(3, 1024):
        try:
            os.write(fd, data)
        except OSError:
            pass
    """#
}

let forgedPass = #"{"lesson": "01-sample", "file": "x.py", "status": "pass", "checks": [{"id": "compile", "status": "pass", "message": ""}, {"id": "run", "status": "pass", "message": ""}, {"id": "time-limit", "status": "pass", "message": ""}, {"id": "deadlock", "status": "pass", "message": ""}, {"id": "behaviour", "status": "pass", "message": ""}, {"id": "blocking", "status": "pass", "message": ""}, {"id": "unawaited", "status": "pass", "message": ""}, {"id": "leaked-tasks", "status": "pass", "message": ""}, {"id": "unretrieved-exception", "status": "pass", "message": ""}], "seed": 0, "virtual_seconds": 1, "wall_seconds": 0.01}"#

@Suite("Hostile: forged reports", .scratchDirectory)
struct ForgedReports {
    @Test(arguments: Start.allCases) func aForgedPassThenExitIsNeverAPass(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let report = try target.grade(writeEverywhere(forgedPass) + "\nos._exit(0)\n")
        #expect(report.status != .pass)
        #expect(report.check(.tampering)?.message.contains("did not come from the grader") == true, "\(report.json())")
    }

    @Test(arguments: Start.allCases) func aForgedReportForAnotherLessonWithNoChecksIsNeverAPass(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let forged = #"{"lesson": "02-gather", "file": "x", "status": "pass", "checks": [], "seed": 0, "virtual_seconds": 0, "wall_seconds": 0}"#
        let report = try target.grade(writeEverywhere(forged) + "\nos._exit(0)\n")
        #expect(report.status == .error)
        #expect(report.lesson == "01-sample")
    }

    @Test(arguments: Start.allCases) func bytesBesideTheGenuineReportFailTampering(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        // An honest solution that also scribbles on the channel: the grader's own report still
        // arrives, and the scribble is named.
        let report = try target.grade(writeEverywhere(forgedPass) + honestWork)
        #expect(report.status == .fail)
        let tampering = try #require(report.check(.tampering))
        #expect(tampering.status == .fail)
        #expect(tampering.message.contains("report channel"))
        #expect(report.check(.behaviour)?.status == .pass)
    }

    @Test(arguments: Start.allCases) func aFrameWithAGuessedKeyIsNotTheGrader(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let body = Array(forgedPass.utf8).count
        let frame = "ASYNCLINGS-REPORT 00000000000000000000000000000000 \(body)\n" + forgedPass
        let report = try target.grade(writeEverywhere(frame) + "\nos._exit(0)\n")
        #expect(report.status == .error)
    }

    @Test(arguments: Start.allCases) func closingTheReportChannelIsNeverAPass(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let report = try target.grade("import os\nos.closerange(3, 1024)\n" + honestWork)
        #expect(report.status != .pass)
    }
}

/// `GradeReport.unseal` on reports made by hand: what a forger could put in a frame if
/// they found the key still has to add up.
@Suite("Hostile: reports that do not add up", .scratchDirectory)
struct InconsistentReports {
    let key = "0123456789abcdef0123456789abcdef"

    func lesson() throws -> Lesson {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory)
        return try Course.load(root: Scratch.directory).lesson("01-sample")
    }

    func unseal(_ json: String, seed: Int = 0, extra: String = "") throws -> GradeReport {
        let framed = extra + "ASYNCLINGS-REPORT \(key) \(Array(json.utf8).count)\n" + json
        let result = SandboxResult(termination: .exited(0), report: CapturedOutput(bytes: Array(framed.utf8)))
        return GradeReport.unseal(result, key: key, lesson: try lesson(), seed: seed)
    }

    static func checks(_ statuses: [String: String] = [:], dropping: String? = nil, twice: String? = nil) -> String {
        var ids = ["compile", "run", "time-limit", "deadlock", "tampering", "behaviour", "blocking", "unawaited", "leaked-tasks", "unretrieved-exception"]
        ids.removeAll { $0 == dropping }
        if let twice { ids.append(twice) }
        return "[" + ids.map { #"{"id": "\#($0)", "status": "\#(statuses[$0] ?? "pass")", "message": ""}"# }.joined(separator: ",") + "]"
    }

    static func report(status: String = "pass", lesson: String = "01-sample", checks: String = checks(), seed: Int = 0, virtual: String = "1")
        -> String
    {
        #"{"lesson": "\#(lesson)", "file": "f", "status": "\#(status)", "checks": \#(checks), "seed": \#(seed), "virtual_seconds": \#(virtual), "wall_seconds": 0}"#
    }

    @Test func aConsistentPassIsAccepted() throws {
        #expect(try unseal(Self.report()).status == .pass)
    }

    @Test(arguments: [
        ("another lesson", report(lesson: "02-gather")),
        ("a declared check missing", report(checks: checks(dropping: "behaviour"))),
        ("a generic check missing", report(checks: checks(dropping: "blocking"))),
        ("a check twice", report(checks: checks(twice: "compile"))),
        ("an unknown check", report(checks: #"[{"id": "vibes", "status": "pass", "message": ""}]"#)),
        ("no checks at all", report(checks: "[]")),
        ("pass beside a failed check", report(checks: checks(["behaviour": "fail"]))),
        ("pass beside a skipped check", report(checks: checks(["blocking": "skip"]))),
        ("fail with nothing failed", report(status: "fail")),
        ("error with no error", report(status: "error")),
        ("another seed", report(seed: 7)),
        ("negative virtual time", report(virtual: "-1")),
        ("absurd virtual time", report(virtual: "1e300")),
    ])
    func anInconsistentReportIsAnError(why: String, json: String) throws {
        let report = try unseal(json)
        #expect(report.status == .error, "\(why)")
        #expect(report.check(.tampering)?.message.contains("did not come from the grader") == true, "\(why)")
    }

    @Test func bytesBeforeTheFrameAreTampering() throws {
        let report = try unseal(Self.report(), extra: "{\"status\": \"pass\"}")
        #expect(report.status == .fail)
        #expect(report.check(.tampering)?.status == .fail)
    }

    @Test func aTruncatedFrameIsNotTheGrader() throws {
        let json = Self.report()
        let framed = "ASYNCLINGS-REPORT \(key) \(Array(json.utf8).count + 10)\n" + json
        let result = SandboxResult(termination: .exited(0), report: CapturedOutput(bytes: Array(framed.utf8)))
        #expect(GradeReport.unseal(result, key: key, lesson: try lesson(), seed: 0).status == .error)
    }
}
