import Foundation
import TestSupport
import Testing

/// `asynclings class` end to end on a room where learners pushed hostile branches with
/// the git command line: the command still reads the whole room, exits as documented,
/// and nothing it prints can drive the instructor's terminal.
@Suite("asynclings class on a hostile room", .scratchDirectory)
struct HostileRoomTests {
    static func record(_ lesson: String = "01-alpha", file: String = "exercises/01-alpha.py", trailers: [String] = []) -> Data {
        let lines = ["Asynclings-Lesson: \(lesson)", "Asynclings-Status: pass"] + trailers + ["Asynclings-File: \(file)"]
        return Data(("asynclings: pass \(lesson)\n\n" + lines.joined(separator: "\n") + "\n").utf8)
    }

    /// One commit on a new branch `name` of `work`, from `main`.
    static func branch(
        _ name: String, in work: URL, files: [String: String] = [:], message: Data = record(), environment: [String: String] = [:]
    ) throws {
        try Git.run(["switch", "-q", "-c", name, "main"], in: work)
        for (path, text) in files { try Scratch.write(text, to: path, in: work) }
        try Git.run(["add", "-A"], in: work)
        let file = Scratch.directory.appendingPathComponent("message")
        try message.write(to: file)
        try Git.run(["commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", file.path], in: work, environment: environment)
    }

    static func cells(_ json: [String: Any], learner: String) throws -> [[String: Any]] {
        let rows = try #require(json["learners"] as? [[String: Any]])
        let row = try #require(rows.first { ($0["name"] as? String)?.unicodeScalars.elementsEqual(learner.unicodeScalars) == true })
        return try #require(row["cells"] as? [[String: Any]])
    }

    @Test func aHostileRoomIsReadWholeAndPrintedInert() throws {
        let room = try Room(in: Scratch.directory)
        let work = try room.clone("work")
        let solution = ["exercises/01-alpha.py": ScratchCourse.solution()]
        let huge = "9223372036854775807"
        try Self.branch("learner/ada", in: work, files: solution)
        try Self.branch("learner/\u{430}da", in: work, files: solution)
        try Self.branch("learner/a\u{200D}da", in: work, files: solution)
        try Self.branch("learner/\u{202E}eve", in: work, files: solution)
        try Self.branch("learner/\u{9B}2J", in: work, files: solution)
        try Self.branch("learner/max", in: work, files: solution, message: Self.record(trailers: ["Asynclings-Attempts: \(huge)", "Asynclings-Hints: -3"]))
        // A second record with the same count, so that a sum of the two would overflow.
        try Scratch.write(ScratchCourse.solution("max"), to: "exercises/02-beta.py", in: work)
        try Git.run(["add", "-A"], in: work)
        let second = Self.record("02-beta", file: "exercises/02-beta.py", trailers: ["Asynclings-Attempts: \(huge)"])
        try Git.run(["commit", "-q", "-m", String(decoding: second, as: UTF8.self)], in: work)
        try Self.branch("learner/future", in: work, files: solution, environment: ["GIT_COMMITTER_DATE": "@\(huge) +0000"])
        try Self.branch("learner/readme", in: work, files: ["README.md": "mine\n"], message: Self.record(file: "README.md"))
        try Self.branch("learner/trailers", in: work, message: Self.record("01-alpha" + Hostile.clearScreen, trailers: ["Asynclings-Checks: 1/1" + Hostile.setTitle]))
        try Self.branch("learner/bytes", in: work, message: Data("x\n\nAsynclings-Lesson: 01-".utf8) + Data([0xFF]) + Data("a\nAsynclings-File: x\n".utf8))
        try Git.run(["push", "-q", "origin", "--all"], in: work)
        let blob = try Git.run(["rev-parse", "main:lessons/01-alpha/check.py"], in: work).trimmingCharacters(in: .whitespacesAndNewlines)
        try (blob + "\n").write(to: room.bare.appendingPathComponent("refs/heads/learner/blob"), atomically: true, encoding: .utf8)

        let plain = asynclings(["class"], in: room.bare, environment: ["NO_COLOR": "1", "COLUMNS": "120"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(Hostile.activeContent(in: plain.stdout, allowingStyles: false).isEmpty, "\(plain.stdout.debugDescription)")
        #expect(Hostile.activeContent(in: plain.stderr, allowingStyles: false).isEmpty)
        for expected in ["11 learners", "! \u{430}da", "\\u202eeve", "\\x9b2J", "∅", "readme · 01-alpha: a pass was recorded on a commit without",
                         "blob · the branch points at a blob", "01-alpha\\x1b[2J"] {
            #expect(plain.stdout.contains(expected), "\(expected)\n\(plain.stdout)")
        }

        let json = asynclings(["class", "--json"], in: room.bare)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(Hostile.activeContent(in: json.stdout, allowingStyles: false).isEmpty)
        let object = try #require(json.json)
        #expect(try Self.cells(object, learner: "readme")[0]["state"] as? String == "missing-file")
        #expect(try Self.cells(object, learner: "max")[0]["record"].flatMap { ($0 as? [String: Any])?["attempts"] as? Int } == 0)
        let rows = try #require(object["learners"] as? [[String: Any]])
        #expect(rows.contains { ($0["branch"] as? String)?.unicodeScalars.elementsEqual("learner/\u{202E}eve".unicodeScalars) == true })

        let page = Scratch.directory.appendingPathComponent("class.html")
        let html = asynclings(["class", "--html", page.path], in: room.bare, environment: ["NO_COLOR": "1"])
        #expect(html.status == 0, "\(html.stderr)")
        let text = try String(contentsOf: page, encoding: .utf8)
        #expect(Hostile.activeContent(in: text, allowingStyles: false).isEmpty)
        #expect(text.contains("class=\"name flagged\""))
    }

    /// A regrade grades `exercises/01-alpha.py` at each tip and nothing else: a record
    /// whose trailer names README.md, or whose exercise file was deleted since, is no
    /// pass, and the command exits 1 as for a pass that fails now.
    @Test func aRegradeNeverPassesARecordWithoutTheExerciseFile() throws {
        let room = try Room(in: Scratch.directory)
        for name in ["ada", "gone"] {
            let clone = try room.clone(name)
            #expect(asynclings(["init", "--learner", name], in: clone).status == 0)
            try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(name), in: clone)
            #expect(asynclings(["check", "01", "--python", Python.path], in: clone).status == 0)
            if name == "gone" {
                try Git.run(["rm", "-q", "exercises/01-alpha.py"], in: clone)
                try Git.run(["commit", "-qm", "tidy up"], in: clone)
            }
            try Git.run(["push", "-q"], in: clone)
        }
        let work = try room.clone("work")
        try Self.branch("learner/readme", in: work, files: ["README.md": "mine\n"], message: Self.record(file: "README.md"))
        try Git.run(["push", "-q", "origin", "learner/readme"], in: work)

        let page = Scratch.directory.appendingPathComponent("class.html")
        let run = asynclings(["class", "--regrade", "--json", "--html", page.path, "--python", Python.path], in: room.bare)
        #expect(run.status == 1, "\(run.stderr)")
        let json = try #require(run.json)
        #expect((json["regrade"] as? [String: Any])?["cells"] as? Int == 1)  // only Ada has a file to grade
        #expect(try Self.cells(json, learner: "ada")[0]["state"] as? String == "passed")
        #expect(try Self.cells(json, learner: "readme")[0]["state"] as? String == "missing-file")
        #expect(try Self.cells(json, learner: "gone")[0]["state"] as? String == "missing-file")
        #expect((json["summary"] as? [String: Any])?["missing_file"] as? Int == 2)
        #expect((json["summary"] as? [String: Any])?["passed"] as? Int == 1)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.components(separatedBy: "<td class=\"cell s-missing-file\"").count - 1 == 2)

        let text = asynclings(["class", "--regrade", "--python", Python.path], in: room.bare, environment: ["NO_COLOR": "1", "COLUMNS": "200"])
        #expect(text.status == 1)
        let gone = text.stdout.split(separator: "\n").first { $0.contains("∅ gone · 01-alpha: a pass was recorded") }
        #expect(gone?.hasSuffix("but the branch tip has no exercise file") == true, "\(text.stdout)")
        #expect(text.stdout.contains("∅ NO FILE"))
    }
}
