import Classroom
import Course
import Foundation
import GitStore
import TerminalKit
import Views
import TestSupport
import Testing

/// Branches a hostile learner pushes to the room, read by the class view from a real
/// repository. Each test names the property the branch attacks: a pass that is not one,
/// a number that overflows, text that drives the instructor's terminal, a name that
/// passes for someone else's, a branch that breaks the room for everyone.
@Suite("Hostile branches in the class view", .scratchDirectory)
struct HostileBranchTests {
    static let columns = ScratchCourse.lessons.map { LessonColumn(id: $0) }

    /// A repository with the scratch course on `main`.
    static func room() throws -> URL {
        let directory = Scratch.directory.appendingPathComponent("room")
        try ScratchCourse.write(in: directory)
        try Scratch.write("# The course\n", to: "README.md", in: directory)
        try Git.initialise(directory)
        try Git.run(["add", "-A"], in: directory)
        try Git.run(["commit", "-qm", "course"], in: directory)
        return directory
    }

    /// The message of a record of `lesson`, with `trailers` between the status and the file.
    static func record(_ lesson: String = "01-alpha", file: String? = nil, trailers: [String] = []) -> String {
        let lines = ["Asynclings-Lesson: \(lesson)", "Asynclings-Status: pass"] + trailers
            + ["Asynclings-File: \(file ?? "exercises/\(lesson).py")"]
        return "asynclings: pass \(lesson)\n\n" + lines.joined(separator: "\n") + "\n"
    }

    /// Commits on `branch` (created from `main` unless it exists): writes `files`,
    /// removes `removing`, with `message` as raw bytes (git keeps them as they are).
    static func commit(
        on branch: String, in room: URL, files: [String: String] = [:], removing: [String] = [], message: Data,
        environment: [String: String] = [:]
    ) throws {
        let exists = (try? Git.run(["rev-parse", "--verify", "-q", "refs/heads/" + branch], in: room)) != nil
        try Git.run(exists ? ["switch", "-q", branch] : ["switch", "-q", "-c", branch, "main"], in: room)
        for (path, text) in files { try Scratch.write(text, to: path, in: room) }
        for path in removing { try Git.run(["rm", "-q", path], in: room) }
        try Git.run(["add", "-A"], in: room)
        let file = Scratch.directory.appendingPathComponent("message-\(UUID().uuidString)")
        try message.write(to: file)
        try Git.run(["commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", file.path], in: room, environment: environment)
        try Git.run(["switch", "-q", "main"], in: room)
    }

    static func commit(on branch: String, in room: URL, files: [String: String] = [:], removing: [String] = [], message: String,
                       environment: [String: String] = [:]) throws {
        try commit(on: branch, in: room, files: files, removing: removing, message: Data(message.utf8), environment: environment)
    }

    /// The class view of every learner branch, against the course on `main`.
    static func read(_ room: URL) throws -> ClassMatrix {
        let repository = try GitStore.Repository(discoveringFrom: room.path)
        let reader = ClassReader(repository: repository)
        let main = try repository.commit(revision: "main").id
        return try reader.read(branches: try reader.learnerBranches(.learners), lessons: columns, course: ("main", main)).matrix
    }

    static func row(_ matrix: ClassMatrix, _ name: String) throws -> LearnerRow {
        try #require(matrix.learners.first { $0.name.unicodeScalars.elementsEqual(name.unicodeScalars) }, "no row \(name.debugDescription)")
    }

    /// The three views of a matrix as they reach a screen or a browser.
    struct Views {
        let plain: String
        let colour: String
        let json: String
        let html: String

        init(_ matrix: ClassMatrix) {
            let utc = TimeZone(identifier: "UTC")!
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            // Wide enough that no sentence under the table is wrapped.
            plain = MatrixRenderer(style: .init(color: false, width: 200), timeZone: utc).render(matrix, now: now)
            colour = MatrixRenderer(style: .init(color: true, width: 120), timeZone: utc).render(matrix, now: now)
            json = ANSI.terminalSafeJSON(matrix.json())
            html = HTMLReport(timeZone: utc).render(matrix)
        }

        /// Nothing in any view can drive a terminal or reorder text; the JSON still parses.
        func expectInert(sourceLocation: SourceLocation = #_sourceLocation) throws {
            for (view, text) in [("plain", plain), ("colour", colour), ("json", json), ("html", html)] {
                #expect(Hostile.activeContent(in: text, allowingStyles: view == "colour").isEmpty,
                        "\(view): \(Hostile.activeContent(in: text, allowingStyles: view == "colour"))", sourceLocation: sourceLocation)
            }
            #expect(!plain.contains("\u{1B}"), sourceLocation: sourceLocation)
            _ = try JSONSerialization.jsonObject(with: Data(json.utf8))
        }

        func jsonRow(_ name: String) throws -> [String: Any] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let rows = try #require(object["learners"] as? [[String: Any]])
            return try #require(rows.first { ($0["name"] as? String)?.unicodeScalars.elementsEqual(name.unicodeScalars) == true })
        }
    }

    // MARK: - Numbers

    @Test func twoRecordsOfTheLargestAttemptCountNeitherCrashNorCount() throws {
        let room = try Self.room()
        let huge = "9223372036854775807"
        for lesson in ["01-alpha", "02-beta"] {
            try Self.commit(
                on: "learner/max", in: room, files: ["exercises/\(lesson).py": ScratchCourse.solution(lesson)],
                message: Self.record(lesson, trailers: ["Asynclings-Checks: \(huge)/\(huge)", "Asynclings-Attempts: \(huge)", "Asynclings-Hints: \(huge)"]))
        }
        let matrix = try Self.read(room)
        let max = try Self.row(matrix, "max")
        #expect(max.cells.prefix(2).map(\.state) == [.passed, .passed])
        #expect(max.cells.prefix(2).map { $0.record?.attempts } == [0, 0])
        #expect(max.cells.prefix(2).map { $0.record?.checksTotal } == [0, 0])
        #expect((max.attempts, max.hints) == (0, 0))
        let views = Views(matrix)
        try views.expectInert()
        #expect(views.plain.contains("2/3"))
        // Even a matrix built by hand (or decoded) with such counts sums without trapping.
        var forged = matrix
        for index in 0..<2 { forged.learners[0].cells[index].record?.attempts = Int.max }
        #expect(forged.learners[0].attempts == Int.max)
        #expect(Views(forged).plain.contains("\(Int.max)"))
    }

    @Test(arguments: ["-5", "+3", "1e9", "nine", "٣", "3 4", "0x10", "99999999", "1000001", ""])
    func aCountThatIsNotPlainDigitsWithinBoundsReadsAsZero(value: String) throws {
        let room = try Self.room()
        try Self.commit(
            on: "learner/odd", in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution()],
            message: Self.record(trailers: ["Asynclings-Attempts: \(value)", "Asynclings-Hints: \(value)", "Asynclings-Checks: \(value)/\(value)"]))
        let record = try #require(try Self.row(try Self.read(room), "odd").cells[0].record)
        #expect((record.attempts, record.hints, record.checksPassed, record.checksTotal) == (0, 0, 0, 0))
    }

    @Test(arguments: ["9/3", "-1/9", "9/-1", "1/2/3", "/9", "9/"])
    func checksThatDoNotAddUpReadAsNone(value: String) throws {
        let room = try Self.room()
        try Self.commit(
            on: "learner/odd", in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution()],
            message: Self.record(trailers: ["Asynclings-Checks: \(value)", "Asynclings-Attempts: 4"]))
        let record = try #require(try Self.row(try Self.read(room), "odd").cells[0].record)
        #expect((record.checksPassed, record.checksTotal, record.attempts) == (0, 0, 4))
    }

    @Test func aCommitTimeNoCalendarHoldsIsShownAsUnknown() throws {
        let room = try Self.room()
        try Self.commit(
            on: "learner/future", in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution()], message: Self.record(),
            environment: ["GIT_COMMITTER_DATE": "@9223372036854775807 +0000", "GIT_AUTHOR_DATE": "@9223372036854775807 +0000"])
        let matrix = try Self.read(room)
        let row = try Self.row(matrix, "future")
        #expect(row.cells[0].state == .passed)
        #expect(row.cells[0].record?.date == nil)
        #expect(row.lastPass == nil)
        let views = Views(matrix)
        try views.expectInert()
        #expect(views.plain.split(separator: "\n").contains { $0.hasPrefix("future") && $0.hasSuffix("—") })
    }

    @Test func aHugeTrailerValueIsBoundedEverywhere() throws {
        let room = try Self.room()
        let digits = String(repeating: "9", count: 1 << 20)
        let id = "01-" + String(repeating: "a", count: 1 << 20)
        try Self.commit(
            on: "learner/huge", in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution()],
            message: Self.record(trailers: ["Asynclings-Attempts: \(digits)", "Asynclings-Hints: \(digits)"]))
        try Self.commit(on: "learner/huge", in: room, message: Self.record(id))
        let matrix = try Self.read(room)
        #expect(matrix.lessons.map(\.id) == ScratchCourse.lessons)  // no column for the made-up id
        let row = try Self.row(matrix, "huge")
        #expect(row.cells[0].record?.attempts == 0)
        guard case .recordsWithoutLesson(let ids)? = row.warnings.first(where: { $0.kind == "records-without-lesson" }) else {
            Issue.record("the record of \(id.prefix(10))… is not listed: \(row.warnings)")
            return
        }
        #expect(ids.map(\.count) == [LearnerWarning.maximumShownIDLength])
        let views = Views(matrix)
        try views.expectInert()
        for text in [views.plain, views.json, views.html] { #expect(text.utf8.count < 64 << 10) }
    }

    @Test func madeUpLessonIdsWidenTheTableOnlySoFar() throws {
        let room = try Self.room()
        for number in 10..<(10 + ClassReader.maximumExtraColumns + 4) {
            try Self.commit(on: "learner/many", in: room, message: Self.record("\(number)-made-up"))
        }
        let matrix = try Self.read(room)
        #expect(matrix.lessons.count == ScratchCourse.lessons.count + ClassReader.maximumExtraColumns)
        let row = try Self.row(matrix, "many")
        #expect(row.warnings.contains(.recordsWithoutLesson((26..<30).map { "\($0)-made-up" })))
    }

    // MARK: - Passes without a file

    @Test func aRecordNamingTheReadmeIsNoPass() throws {
        let room = try Self.room()
        try Self.commit(on: "learner/readme", in: room, files: ["README.md": "# mine\n"], message: Self.record(file: "README.md"))
        let matrix = try Self.read(room)
        let cell = try Self.row(matrix, "readme").cells[0]
        #expect(cell.file == .missing)
        #expect(cell.record?.recordedFile == false)
        #expect(cell.state == .missingFile)
        #expect(matrix.summary.passed == 0)
        #expect(matrix.summary.missingFile == 1)
        let views = Views(matrix)
        #expect(views.plain.contains("∅ NO FILE"))
        #expect(views.plain.contains("readme · 01-alpha: a pass was recorded on a commit without the lesson's exercise file, and the branch tip has no exercise file"))
        let cells = try #require(try views.jsonRow("readme")["cells"] as? [[String: Any]])
        #expect(cells[0]["state"] as? String == "missing-file")
        #expect(views.html.contains("<td class=\"cell s-missing-file\""))
        #expect(!views.html.contains("<td class=\"cell s-passed\""))
    }

    @Test func aRecordNamingAnotherFileDoesNotVouchForTheExercise() throws {
        let room = try Self.room()
        // The pass is recorded on a commit that holds a solution somewhere else; the
        // exercise file comes later, unrecorded.
        try Self.commit(
            on: "learner/elsewhere", in: room, files: ["mine/solution.py": ScratchCourse.solution()],
            message: Self.record(file: "mine/solution.py"))
        try Self.commit(on: "learner/elsewhere", in: room, files: ["exercises/01-alpha.py": SampleLesson.starter], message: "work\n")
        let cell = try Self.row(try Self.read(room), "elsewhere").cells[0]
        #expect(cell.record?.recordedFile == false)
        #expect(cell.record?.isCurrent == false)
        #expect(cell.state == .missingFile)
    }

    @Test func aDeletedExerciseFileIsNoPass() throws {
        let room = try Self.room()
        try Self.commit(
            on: "learner/gone", in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution()], message: Self.record())
        try Self.commit(on: "learner/gone", in: room, removing: ["exercises/01-alpha.py"], message: "tidy up\n")
        let matrix = try Self.read(room)
        let cell = try Self.row(matrix, "gone").cells[0]
        #expect(cell.record?.recordedFile == true)
        #expect(cell.state == .missingFile)
        #expect(Views(matrix).plain.contains("gone · 01-alpha: a pass was recorded, but the branch tip has no exercise file"))
    }

    // MARK: - Text that drives a terminal

    /// Git refuses ASCII control characters in reference names, so an ESC cannot be in a
    /// branch name; the C1 CSI (U+009B) and the bidi controls can.
    @Test func controlAndBidiCharactersInBranchNamesAreSpelledOut() throws {
        let room = try Self.room()
        let names = ["learner/" + Hostile.c1ClearScreen + "x", "learner/" + Hostile.rightToLeftOverride + "ada", "learner/z\u{2066}o\u{2069}e"]
        for name in names {
            try Self.commit(on: name, in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution(name)], message: Self.record())
        }
        let matrix = try Self.read(room)
        #expect(matrix.learners.count == 3)
        let views = Views(matrix)
        try views.expectInert()
        #expect(views.plain.contains("\\x9b2Jx"))
        #expect(views.plain.contains("\\u202eada"))
        #expect(views.html.contains("\\u202eada"))
        // The JSON keeps every name exactly, in escapes a terminal does not act on.
        for name in names {
            let row = try views.jsonRow(String(name.dropFirst("learner/".count)))
            #expect((row["branch"] as? String)?.unicodeScalars.elementsEqual(name.unicodeScalars) == true)
        }
        #expect(views.json.contains("\\u202e") || views.json.contains("\\u202E"))
    }

    @Test func escapeSequencesInTrailersAreSpelledOut() throws {
        let room = try Self.room()
        let lesson = "01-alpha" + Hostile.clearScreen
        var message = "asynclings: pass\n\nAsynclings-Lesson: \(lesson)\nAsynclings-Status: pass\(Hostile.setTitle)\n"
        message += "Asynclings-Attempts: 3\(Hostile.c1ClearScreen)\nAsynclings-File: exercises/\(Hostile.hyperlink).py\n"
        try Self.commit(on: "learner/trailers", in: room, message: message)
        let matrix = try Self.read(room)
        #expect(matrix.lessons.map(\.id) == ScratchCourse.lessons)
        let row = try Self.row(matrix, "trailers")
        #expect(row.warnings == [.recordsWithoutLesson([lesson])])
        let views = Views(matrix)
        try views.expectInert()
        #expect(views.plain.contains("01-alpha\\x1b[2J"))
    }

    @Test func checkIdsAndMessagesOfARegradeAreSpelledOut() throws {
        let room = try Self.room()
        for name in ["learner/fails", "learner/errors"] {
            try Self.commit(on: name, in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution(name)], message: Self.record())
        }
        var matrix = try Self.read(room)
        // What a grade of hostile code can bring back: its exception text in an error,
        // and (from a forged report) any check id.
        let attacks = Hostile.sequences.joined(separator: " ")
        matrix.learners[0].cells[0].regrade = .error(message: "behaviour: ValueError: " + attacks)
        matrix.learners[1].cells[0].regrade = .fail(checksPassed: 0, checksTotal: 1, failed: ["behaviour" + Hostile.setTitle])
        let views = Views(matrix)
        try views.expectInert()
        #expect(views.plain.contains("could not re-grade: behaviour: ValueError: \\x1b[2J"))
        #expect(views.plain.contains("re-graded: fails behaviour\\x1b]0;owned\\x07"))
    }

    @Test func nonUTF8BytesInTrailersNeitherCrashNorNameALesson() throws {
        let room = try Self.room()
        var message = Data("asynclings: pass 01-alpha\n\nAsynclings-Lesson: 01-".utf8) + Data([0xFF, 0xFE]) + Data("alpha\n".utf8)
        message += Data("Asynclings-Status: pass\nAsynclings-Attempts: 3".utf8) + Data([0xC0, 0x80]) + Data("\n".utf8)
        message += Data("Asynclings-File: exercises/01-alpha.py\n".utf8)
        try Self.commit(on: "learner/bytes", in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution()], message: message)
        let matrix = try Self.read(room)
        #expect(matrix.lessons.map(\.id) == ScratchCourse.lessons)
        let row = try Self.row(matrix, "bytes")
        #expect(row.cells[0].record == nil)
        guard case .recordsWithoutLesson(let ids)? = row.warnings.first else {
            Issue.record("the record is not listed: \(row.warnings)")
            return
        }
        #expect(ids.count == 1 && ids[0].hasPrefix("01-") && ids[0].hasSuffix("alpha"))
        try Views(matrix).expectInert()
    }

    // MARK: - Names that pass for another

    @Test func aCyrillicHomoglyphIsFlaggedInEveryView() throws {
        let room = try Self.room()
        for name in ["learner/ada", "learner/\u{430}da", "learner/ace", "learner/\u{430}\u{441}\u{435}"] {
            try Self.commit(on: name, in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution(name)], message: Self.record())
        }
        let matrix = try Self.read(room)
        let impostor = try Self.row(matrix, "\u{430}da")
        #expect(impostor.warnings.contains(.mixedScripts(scripts: ["Latin", "Cyrillic"], letters: ["U+0430 CYRILLIC SMALL LETTER A"])))
        #expect(impostor.warnings.contains(.looksLike("ada")))
        #expect(try Self.row(matrix, "ada").warnings == [.looksLike("\u{430}da")])
        // All Cyrillic: one script, but drawn as "ace".
        #expect(try Self.row(matrix, "\u{430}\u{441}\u{435}").warnings == [.looksLike("ace")])
        #expect(matrix.summary.flaggedLearners == 4)

        let views = Views(matrix)
        try views.expectInert()
        #expect(views.plain.contains("! \u{430}da"))
        #expect(views.plain.contains("the name mixes Latin and Cyrillic letters (U+0430 CYRILLIC SMALL LETTER A) (spelled \\u0430da)"))
        let warnings = try #require(try views.jsonRow("\u{430}da")["warnings"] as? [[String: Any]])
        #expect(warnings.compactMap { $0["kind"] as? String } == ["mixed-scripts", "looks-like"])
        #expect(views.html.contains("<th scope=\"row\" class=\"name flagged\""))
        #expect(views.html.contains("spelled <code>\\u0430da</code>"))
    }

    @Test func invisibleCharactersInANameAreFlagged() throws {
        let room = try Self.room()
        let names = ["ada", "a\u{200D}da", "a\u{200B}da", Hostile.rightToLeftOverride + "ada", "ad\u{A0}a", "ａda"]
        for name in names {
            try Self.commit(on: "learner/" + name, in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution(name)], message: Self.record())
        }
        let matrix = try Self.read(room)
        #expect(try Self.row(matrix, "a\u{200D}da").warnings.contains(.invisibleCharacters(["U+200D ZERO WIDTH JOINER"])))
        #expect(try Self.row(matrix, "a\u{200B}da").warnings.contains(.invisibleCharacters(["U+200B ZERO WIDTH SPACE"])))
        #expect(try Self.row(matrix, Hostile.rightToLeftOverride + "ada").warnings.contains(.invisibleCharacters(["U+202E RIGHT-TO-LEFT OVERRIDE"])))
        #expect(try Self.row(matrix, "ad\u{A0}a").warnings.contains(.invisibleCharacters(["U+00A0 NO-BREAK SPACE"])))
        // Fullwidth letters are Latin (no mixed scripts) but draw as "ada".
        #expect(try Self.row(matrix, "ａda").warnings == [.looksLike("ada")])
        for name in names.dropFirst() {
            #expect(try Self.row(matrix, name).warnings.contains { if case .looksLike = $0 { true } else { false } }, "\(name.debugDescription)")
        }
        let views = Views(matrix)
        try views.expectInert()
        #expect(views.plain.contains("(spelled a\\u200dda)"))
    }

    /// Flagging is precise: in a room with an impostor, honest names in any script (and
    /// the scripts that go together, like Japanese kana with Latin) stay unflagged.
    @Test(arguments: ["zoë", "team-a/Дмитрий", "Ελένη", "李雷", "やまだ-yamada", "김민준", "o-brien_2"])
    func honestNamesInAnyScriptAreNotFlagged(name: String) throws {
        let room = try Self.room()
        for branch in ["learner/" + name, "learner/bob", "learner/b\u{43E}b"] {
            try Self.commit(on: branch, in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution(branch)], message: Self.record())
        }
        let matrix = try Self.read(room)
        #expect(try Self.row(matrix, name).warnings.isEmpty)
        #expect(try Self.row(matrix, "b\u{43E}b").warnings.contains { $0.kind == "mixed-scripts" })
        #expect(matrix.summary.flaggedLearners == 2)  // bob and the one who looks like him
        #expect(!Views(matrix).plain.contains("! \(name)"))
    }

    @Test func aNameSpelledTwoWaysIsTwoNamesThatLookAlike() throws {
        let room = try Self.room()
        for name in ["zo\u{EB}", "zoe\u{308}"] {
            try Self.commit(on: "learner/" + name, in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution(name)], message: Self.record())
        }
        let matrix = try Self.read(room)
        #expect(matrix.learners.count == 2)
        #expect(matrix.learners.allSatisfy { $0.warnings.count == 1 && $0.warnings[0].kind == "looks-like" })
    }

    // MARK: - Branches that are not what they seem

    @Test func aBranchWithAnotherHistoryIsFlaggedAndItsOwnChecksAreNotTheCourse() throws {
        let room = try Self.room()
        try Self.commit(on: "learner/ada", in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution()], message: Self.record())
        // An orphan branch: its own lessons folder, a pass recorded against it.
        try Git.run(["switch", "-q", "--orphan", "learner/orphan"], in: room)
        try Git.run(["rm", "-rqf", "--ignore-unmatch", "."], in: room)
        try Scratch.write("print('anything')\n", to: "exercises/01-alpha.py", in: room)
        try Scratch.write("CHECKS = []\n", to: "lessons/01-alpha/check.py", in: room)
        try Git.run(["add", "-A"], in: room)
        try Git.run(["commit", "-qm", Self.record()], in: room)
        try Git.run(["switch", "-qf", "main"], in: room)

        let matrix = try Self.read(room)
        #expect(try Self.row(matrix, "orphan").warnings == [.unrelatedHistory(course: "main")])
        #expect(try Self.row(matrix, "ada").warnings.isEmpty)
        let views = Views(matrix)
        #expect(views.plain.contains("orphan · the branch shares no history with the course (main)"))
        // A regrade trusts main's checks, never the branch's.
        let repository = try GitStore.Repository(discoveringFrom: room.path)
        let trusted = try TrustedCourse.materialise(from: repository, reference: "main")
        #expect(try String(contentsOf: trusted.directory.appendingPathComponent("lessons/01-alpha/check.py"), encoding: .utf8) == SampleLesson.check)
    }

    @Test func aBranchThatIsNotACommitLeavesTheRoomReadable() throws {
        let room = try Self.room()
        try Self.commit(on: "learner/ada", in: room, files: ["exercises/01-alpha.py": ScratchCourse.solution()], message: Self.record())
        // Git refuses to point a branch at anything but a commit; a reference file
        // written by hand (or by another tool) does not ask.
        let blob = try Git.run(["rev-parse", "main:README.md"], in: room).trimmingCharacters(in: .whitespacesAndNewlines)
        let tree = try Git.run(["rev-parse", "main^{tree}"], in: room).trimmingCharacters(in: .whitespacesAndNewlines)
        let heads = room.appendingPathComponent(".git/refs/heads/learner")
        try (blob + "\n").write(to: heads.appendingPathComponent("blob"), atomically: true, encoding: .utf8)
        try (tree + "\n").write(to: heads.appendingPathComponent("tree"), atomically: true, encoding: .utf8)
        try (String(repeating: "1", count: 40) + "\n").write(to: heads.appendingPathComponent("nothing"), atomically: true, encoding: .utf8)

        let matrix = try Self.read(room)
        #expect(try Self.row(matrix, "blob").warnings == [.notACommit(kind: "blob")])
        #expect(try Self.row(matrix, "tree").warnings == [.notACommit(kind: "tree")])
        #expect(try Self.row(matrix, "nothing").warnings == [.notACommit(kind: "missing object")])
        #expect(try Self.row(matrix, "blob").cells.map(\.state) == [.none, .none, .none])
        #expect(try Self.row(matrix, "ada").cells[0].state == .passed)
        let views = Views(matrix)
        try views.expectInert()
        #expect(views.plain.contains("blob · the branch points at a blob, not a commit: nothing on it was read"))
    }
}
