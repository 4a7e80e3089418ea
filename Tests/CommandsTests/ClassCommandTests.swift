import Foundation
import TestSupport
import Testing

import Glibc

/// `asynclings class` end to end: learner clones push to a scratch bare repository; the
/// instructor reads it, in the bare repository itself or in a clone after `--fetch`.
@Suite("asynclings class", .scratchDirectory)
struct ClassCommand {
    /// A permissive check script: what a learner who wants a free pass writes.
    static let forgedCheck = """
        from asynclings_harness import Trial, scenario

        CHECKS = ["behaviour"]


        @scenario("anything goes")
        async def anything(t: Trial) -> None:
            t.expect("behaviour", True, "never fails")

        """

    /// Cells of one learner's row in `--json` output, by lesson id.
    static func cells(_ json: [String: Any], learner: String) throws -> [String: [String: Any]] {
        let lessons = try #require(json["lessons"] as? [[String: Any]]).map { $0["id"] as! String }
        let rows = try #require(json["learners"] as? [[String: Any]])
        let row = try #require(rows.first { $0["name"] as? String == learner }, "no row \(learner) in \(rows.map { $0["name"] ?? "" })")
        let cells = try #require(row["cells"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: zip(lessons, cells))
    }

    static func state(_ cell: [String: Any]?) -> String? { cell?["state"] as? String }

    @Test func symlinkDirectoryBinaryAndFiftyMegabyteFilesAreRefusedAndNeverRead() throws {
        let room = try Room(in: Scratch.directory)
        let work = try room.clone("work")
        let path = "exercises/01-alpha.py"
        func branch(_ name: String, _ make: () throws -> Void) throws {
            try Git.run(["switch", "-q", "-c", "learner/\(name)", "main"], in: work)
            try FileManager.default.createDirectory(at: work.appendingPathComponent("exercises"), withIntermediateDirectories: true)
            try make()
            try Git.run(["add", "-A"], in: work)
            try Git.run(["commit", "-qm", "asynclings: pass 01-alpha\n\nAsynclings-Lesson: 01-alpha\nAsynclings-Status: pass\nAsynclings-File: \(path)"], in: work)
        }
        try branch("link") { symlink("/etc/passwd", work.appendingPathComponent(path).path) }
        try branch("dir") { try Scratch.write(SampleLesson.solution, to: path + "/inside.py", in: work) }
        try branch("bin") { try Data([0x61, 0x00, 0x62]).write(to: work.appendingPathComponent(path)) }
        try branch("huge") { try Data(repeating: UInt8(ascii: "a"), count: 50 << 20).write(to: work.appendingPathComponent(path)) }
        try Git.run(["push", "-q", "origin", "--all"], in: work)
        // Cut the 50 MB object in the room down so that it can no longer be read at all:
        // the class view can only answer from its header.
        let id = try Git.run(["rev-parse", "learner/huge:\(path)"], in: work).trimmed
        let object = room.bare.appendingPathComponent("objects/\(id.prefix(2))/\(id.dropFirst(2))").path
        #expect(chmod(object, 0o644) == 0)
        #expect(truncate(object, 64) == 0)

        let run = asynclings(["class", "--json"], in: room.bare)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(run.json)
        for (learner, kind) in [("link", "symlink"), ("dir", "directory"), ("bin", "binary"), ("huge", "too-large")] {
            let cell = try Self.cells(json, learner: learner)["01-alpha"]
            #expect(Self.state(cell) == "refused", "\(learner)")
            #expect((cell?["file"] as? [String: Any])?["kind"] as? String == kind, "\(learner)")
        }
        #expect(((try Self.cells(json, learner: "huge")["01-alpha"]?["file"]) as? [String: Any])?["bytes"] as? Int == 50 << 20)

        let text = asynclings(["class"], in: room.bare, environment: ["NO_COLOR": "1", "COLUMNS": "200"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Needs a look:"))
        for phrase in ["link · 01-alpha: the exercise file is a symbolic link (not followed)",
                       "dir · 01-alpha: the exercise file is a directory",
                       "bin · 01-alpha: the exercise file is a binary file",
                       "huge · 01-alpha: the exercise file is 52428800 bytes, too large to be an exercise (not read)"] {
            #expect(text.stdout.contains(phrase), "\(phrase)\n\(text.stdout)")
        }

        // A regrade grades none of them.
        let regrade = asynclings(["class", "--regrade", "--json", "--python", Python.path], in: room.bare)
        #expect(regrade.status == 0, "\(regrade.stderr)")
        let regraded = try #require(regrade.json)
        #expect((regraded["regrade"] as? [String: Any])?["cells"] as? Int == 0)
        #expect(Self.state(try Self.cells(regraded, learner: "link")["01-alpha"]) == "refused")
    }

    @Test func regradeCatchesAPassRecordedWithAnEditedCheckScript() throws {
        let room = try Room(in: Scratch.directory)
        try room.learnerWhoPassed("ada", source: ScratchCourse.solution("ada"))

        // Eve makes the check accept anything, passes with the starter, and even commits
        // the edited check on her branch.
        let eve = try room.clone("eve")
        #expect(asynclings(["init", "--learner", "eve"], in: eve).status == 0)
        try Scratch.write(Self.forgedCheck, to: "lessons/01-alpha/check.py", in: eve)
        try ScratchCourse.exercise("01-alpha", SampleLesson.starter, in: eve)
        let forged = asynclings(["check", "01", "--python", Python.path], in: eve)
        #expect(forged.status == 0)
        #expect(forged.stdout.contains("Recorded"))
        try Git.run(["commit", "-qam", "my check"], in: eve)
        try Git.run(["push", "-q"], in: eve)

        let teacher = try room.clone("teacher")
        let recorded = try #require(asynclings(["class", "--json"], in: teacher).json)
        // Nothing fetched since the clone: the branches are there already.
        #expect(Self.state(try Self.cells(recorded, learner: "eve")["01-alpha"]) == "passed")

        let html = teacher.appendingPathComponent("class.html")
        let run = asynclings(["class", "--fetch", "--regrade", "--json", "--html", html.path, "--python", Python.path], in: teacher)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("fetched origin"))
        let json = try #require(run.json)
        #expect((json["regrade"] as? [String: Any])?["course_ref"] as? String == "origin/main")
        #expect(Self.state(try Self.cells(json, learner: "ada")["01-alpha"]) == "passed")
        let eveCell = try Self.cells(json, learner: "eve")["01-alpha"]
        #expect(Self.state(eveCell) == "fails-now")
        let verdict = try #require(eveCell?["regrade"] as? [String: Any])
        #expect(verdict["failed"] as? [String] == ["behaviour"])
        #expect((json["summary"] as? [String: Any])?["fails_now"] as? Int == 1)

        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("failing checks: behaviour"))
        #expect(page.contains("FAILS NOW"))

        let text = asynclings(["class", "--regrade", "--python", Python.path], in: teacher, environment: ["NO_COLOR": "1"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("✗! eve · 01-alpha: recorded pass"))
        #expect(text.stdout.contains("re-graded: fails behaviour"))

        // A course reference that already has the forged check trusts it: the instructor
        // chooses what to trust.
        let trustingEve = try #require(asynclings(["class", "--regrade", "--course-ref", "origin/learner/eve", "--json", "--python", Python.path], in: teacher).json)
        #expect(Self.state(try Self.cells(trustingEve, learner: "eve")["01-alpha"]) == "passed")
    }

    @Test func branchesRemotesAndReferencesAreChosenByName() throws {
        let room = try Room(in: Scratch.directory)
        for name in ["team-a/ada", "team-a/zoë", "team-b/grace"] {
            let clone = try room.clone(name.replacingOccurrences(of: "/", with: "-"))
            #expect(asynclings(["init", "--learner", name], in: clone).status == 0)
            try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(name), in: clone)
            #expect(asynclings(["check", "01", "--python", Python.path], in: clone).status == 0)
            try Git.run(["push", "-q"], in: clone)
        }
        let teacher = try room.clone("teacher")
        let all = try #require(asynclings(["class", "--json"], in: teacher).json)
        #expect((all["learners"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["team-a/ada", "team-a/zoë", "team-b/grace"])

        let teamA = try #require(asynclings(["class", "--branches", "learner/team-a/*", "--json"], in: teacher).json)
        #expect((teamA["learners"] as? [[String: Any]])?.compactMap { $0["branch"] as? String } == ["origin/learner/team-a/ada", "origin/learner/team-a/zoë"])

        // A local branch of the same learner is listed too, and both are told apart.
        try Git.run(["branch", "learner/team-b/grace", "origin/learner/team-b/grace"], in: teacher)
        let both = try #require(asynclings(["class", "--branches", "learner/team-b/*", "--json"], in: teacher).json)
        #expect((both["learners"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["team-b/grace (local)", "team-b/grace (origin)"])

        let noRemote = asynclings(["class", "--remote", "upstream"], in: teacher)
        #expect(noRemote.status == 2)
        #expect(noRemote.stderr.contains("no remote named upstream"))
        let badReference = asynclings(["class", "--regrade", "--course-ref", "v9", "--python", Python.path], in: teacher)
        #expect(badReference.status == 2)
        #expect(badReference.stderr.contains("v9 names no commit"))
        let referenceWithoutRegrade = asynclings(["class", "--course-ref", "main"], in: teacher)
        #expect(referenceWithoutRegrade.status == 2)
        let outside = asynclings(["class"], in: Scratch.directory)
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("not inside a git repository"))
    }

    @Test func oneGradeAtATimeGivesTheSameMatrixAsManyAtOnce() throws {
        let room = try Room(in: Scratch.directory)
        let work = try room.clone("work")
        for (index, name) in ["ada", "bob", "cy"].enumerated() {
            try Git.run(["switch", "-q", "-c", "learner/\(name)", "main"], in: work)
            for (lesson, id) in ScratchCourse.lessons.enumerated() {
                let text = (index + lesson) % 2 == 0 ? ScratchCourse.solution("\(name) \(id)") : SampleLesson.starter + "# \(name)\n"
                try ScratchCourse.exercise(id, text, in: work)
            }
            try Git.run(["add", "-A"], in: work)
            try Git.run(["commit", "-qm", "work"], in: work)
        }
        try Git.run(["push", "-q", "origin", "--all"], in: work)
        func states(_ jobs: String) throws -> [String] {
            let run = asynclings(["class", "--regrade", "--jobs", jobs, "--json", "--python", Python.path], in: room.bare)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try #require(run.json)
            #expect((json["regrade"] as? [String: Any])?["grades"] as? Int == 9)
            return try #require(json["learners"] as? [[String: Any]]).flatMap { row in
                (row["cells"] as! [[String: Any]]).map { "\(row["name"]!) \($0["state"]!)" }
            }
        }
        let serial = try states("1")
        #expect(serial == (try states("4")))
        #expect(serial.filter { $0.hasSuffix("passing") }.count == 5)
        #expect(serial.filter { $0.hasSuffix("failing") }.count == 4)
    }
}

@Suite("asynclings class: watching and reloading", .scratchDirectory)
struct ClassWatchOptionTests {
    @Test(arguments: [
        ["class", "10"], ["class", "--watch", "--json"], ["class", "--watch", "0"], ["class", "--html-refresh", "5"],
        ["class", "--html", "x.html", "--html-refresh", "0"], ["class", "--watch", "--regrade", "--junit", "r.xml"],
    ])
    func optionsThatDoNotGoTogetherAreUsageErrors(arguments: [String]) throws {
        let room = try Room(in: Scratch.directory)
        let teacher = try room.clone("teacher")
        let ran = asynclings(arguments, in: teacher)
        #expect(ran.status == 2, "\(ran.stderr)")
    }

    @Test func aPageWrittenOnceCanReloadItself() throws {
        let room = try Room(in: Scratch.directory)
        let teacher = try room.clone("teacher")
        let page = teacher.appendingPathComponent("class.html")
        #expect(asynclings(["class", "--html", page.path, "--html-refresh", "20"], in: teacher).status == 0)
        #expect(try String(contentsOf: page, encoding: .utf8).contains("<meta http-equiv=\"refresh\" content=\"20\">"))
        #expect(asynclings(["class", "--html", page.path], in: teacher).status == 0)
        #expect(try !String(contentsOf: page, encoding: .utf8).contains("http-equiv"))
    }
}
