@testable import Classroom
@testable import Views
import Foundation
import GitStore
import TerminalKit
import Testing

@Suite("Class matrix model")
struct ClassMatrixTests {
    static func record(current: Bool = true, status: String = "pass") -> RecordedPass {
        RecordedPass(
            status: status, isCurrent: current, attempts: 3, hints: 1, checksPassed: 9, checksTotal: 9,
            date: Date(timeIntervalSince1970: 1_800_000_000), commit: String(repeating: "a", count: 40))
    }

    static let file = ExerciseFile.regular(blob: String(repeating: "b", count: 40), bytes: 120)
    static let pass = RegradeVerdict.pass(checksPassed: 9, checksTotal: 9)
    static let fail = RegradeVerdict.fail(checksPassed: 7, checksTotal: 9, failed: ["concurrency", "behaviour"])
    static let error = RegradeVerdict.error(message: "no python")

    static let table: [(Cell, CellState)] = [
        (Cell(record: record(), file: file), .passed),
        (Cell(record: record(), file: file, regrade: pass), .passed),
        (Cell(record: record(), file: file, regrade: fail), .failsNow),
        (Cell(record: record(), file: file, regrade: error), .error),
        (Cell(record: record(current: false), file: file), .changed),
        (Cell(record: record(current: false), file: file, regrade: fail), .regressed),
        (Cell(record: record(current: false), file: file, regrade: pass), .passing),
        (Cell(record: record(status: "fail"), file: file), .changed),
        (Cell(record: nil, file: file, regrade: pass), .passing),
        (Cell(record: nil, file: file, regrade: fail), .failing),
        (Cell(record: nil, file: .missing), .none),
        (Cell(record: nil, file: file), .none),
        (Cell(record: record(), file: .refused(reason: .binary)), .refused),
        (Cell(record: nil, file: .refused(reason: .symlink)), .refused),
    ]

    @Test(arguments: table)
    func cellState(cell: Cell, expected: CellState) {
        #expect(cell.state == expected)
    }

    @Test func everyStateHasItsOwnGlyphAndWord() {
        let glyphs = CellState.allCases.map(\.glyph)
        let labels = CellState.allCases.map(\.label)
        #expect(Set(glyphs).count == glyphs.count)
        #expect(Set(labels).count == labels.count)
    }

    @Test func jsonRoundTripsAndCarriesStatesAndSummary() throws {
        var matrix = ClassMatrix(
            lessons: [LessonColumn(id: "01-alpha", title: "Alpha"), LessonColumn(id: "02-beta")],
            learners: [
                LearnerRow(
                    name: "zoë", branch: "origin/learner/zoë", reference: "refs/remotes/origin/learner/zoë", isLocal: false,
                    tip: String(repeating: "c", count: 40),
                    cells: [
                        Cell(record: Self.record(), file: Self.file, regrade: Self.fail),
                        Cell(record: nil, file: .refused(reason: .tooLarge(bytes: 52_428_800))),
                    ])
            ],
            generated: Date(timeIntervalSince1970: 1_800_000_000))
        matrix.regrade = RegradeSummary(courseRef: "origin/main", courseCommit: "d", cells: 1, grades: 1, parallelism: 2, seconds: 0.5)
        let json = matrix.json()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(ClassMatrix.self, from: Data(json.utf8)) == matrix)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["fails_now"] as? Int == 1)
        #expect(summary["refused"] as? Int == 1)
        let cells = try #require((object["learners"] as? [[String: Any]])?.first?["cells"] as? [[String: Any]])
        #expect(cells.map { $0["state"] as? String } == ["fails-now", "refused"])
        #expect((cells[1]["file"] as? [String: Any])?["kind"] as? String == "too-large")
        #expect(matrix.problems.count == 2)
    }

    /// A pass recorded, the file edited since, and the edit fails: the terminal, the HTML
    /// page and the JSON all show it as a regression that needs a look.
    @Test func aChangedFileThatFailsNowIsARegressionInEveryView() throws {
        let cell = Cell(record: Self.record(current: false), file: Self.file, regrade: Self.fail)
        let matrix = ClassMatrix(
            lessons: [LessonColumn(id: "01-alpha")],
            learners: [
                LearnerRow(
                    name: "ada", branch: "learner/ada", reference: "refs/heads/learner/ada", isLocal: true,
                    tip: String(repeating: "c", count: 40), cells: [cell])
            ],
            regrade: RegradeSummary(courseRef: "main", courseCommit: "d", cells: 1, grades: 1, parallelism: 1, seconds: 0.1))
        #expect(matrix.problems.count == 1)
        #expect(matrix.summary.regressed == 1)

        let text = MatrixRenderer(style: .init(color: false, width: 200)).render(matrix)
        let parts = text.components(separatedBy: "Needs a look:")
        #expect(parts.count == 2)
        let needsALook = parts.last ?? ""
        #expect(needsALook.contains("~✗ ada · 01-alpha"))
        #expect(needsALook.contains("re-graded: fails concurrency, behaviour"))

        let html = HTMLReport().render(matrix)
        let section = try #require(html.components(separatedBy: "<section class=\"problems\">").dropFirst().first)
        #expect(section.contains("REGRESSED"))
        #expect(html.contains("changed file failing now"))

        let object = try #require(try JSONSerialization.jsonObject(with: Data(matrix.json().utf8)) as? [String: Any])
        let cells = try #require((object["learners"] as? [[String: Any]])?.first?["cells"] as? [[String: Any]])
        #expect(cells.first?["state"] as? String == "regressed")
        #expect((object["summary"] as? [String: Any])?["regressed"] as? Int == 1)
    }

    @Test func terminalMatrixReadsWithoutColourAndListsWhatNeedsALook() {
        let matrix = ClassMatrix(
            lessons: [LessonColumn(id: "01-alpha"), LessonColumn(id: "02-beta")],
            learners: [
                LearnerRow(
                    name: "ada", branch: "learner/ada", reference: "refs/heads/learner/ada", isLocal: true,
                    tip: String(repeating: "c", count: 40),
                    cells: [Cell(record: Self.record(), file: Self.file, regrade: Self.pass), Cell(record: nil, file: .missing)]),
                LearnerRow(
                    name: "a-very-long-learner-name-that-does-not-fit", branch: "learner/x", reference: "refs/heads/learner/x",
                    isLocal: true, tip: String(repeating: "d", count: 40),
                    cells: [Cell(record: Self.record(), file: Self.file, regrade: Self.fail), Cell(record: nil, file: .refused(reason: .symlink))]),
            ])
        let text = MatrixRenderer(style: .init(color: false, width: 200), timeZone: TimeZone(identifier: "UTC")!)
            .render(matrix, now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(!text.contains("\u{1B}["))
        #expect(text.contains("2 learners × 2 lessons"))
        #expect(text.contains("a-very-long-learner-name-th…"))
        #expect(text.contains("✓ pass"))
        #expect(text.contains("✗! FAILS NOW"))
        #expect(text.contains("re-graded: fails concurrency, behaviour (7/9 checks pass)"))
        #expect(text.contains("the exercise file is a symbolic link (not followed)"))
        #expect(text.split(separator: "\n").allSatisfy { !$0.hasSuffix(" ") })
        // Rows line up: every row of the matrix is as wide as the header up to the totals.
        let rows = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("ada ") || $0.hasPrefix("a-very") }
        let columns: [Int] = rows.map { row in
            guard let range = row.range(of: "/2") else { return -1 }
            return row.distance(from: row.startIndex, to: range.lowerBound)
        }
        #expect(columns.count == 2)
        #expect(columns.first == columns.last)

        let colour = MatrixRenderer(style: .init(color: true, width: 100)).render(matrix)
        #expect(colour.contains("\u{1B}["))
    }
}

@Suite("Choosing and naming learner branches")
struct BranchNamingTests {
    @Test(arguments: [
        ("learner/*", "learner/zoë", true),
        ("learner/*", "learner/team-a/zoë", true),
        ("learner/*", "main", false),
        ("learner/team-a/*", "learner/team-b/ada", false),
        ("*", "anything/at/all", true),
        ("learner/zo?", "learner/zoë", false),
    ])
    func globsMatchAcrossSlashes(glob: String, name: String, matches: Bool) {
        #expect(ClassReader.matches(glob, name) == matches)
    }

    @Test func theLongestRemoteNameWins() {
        #expect(ClassReader.splitRemote("origin/learner/zoë", remotes: ["origin"])! == ("origin", "learner/zoë"))
        #expect(ClassReader.splitRemote("room/a/learner/zoë", remotes: ["room", "room/a"])! == ("room/a", "learner/zoë"))
        #expect(ClassReader.splitRemote("gone/learner/x", remotes: [])! == ("gone", "learner/x"))
        #expect(ClassReader.splitRemote("origin", remotes: ["origin"]) == nil)
    }
}

@Suite("Class table widths")
struct ClassTableWidthTests {
    /// A full-day room: 29 lessons, every state, long names, wide characters, a flagged
    /// learner, and a regrade summary in the heading.
    static func room(uniqueNumbers: Bool = true) -> ClassMatrix {
        let file = ExerciseFile.regular(blob: String(repeating: "b", count: 40), bytes: 120)
        let fail = RegradeVerdict.fail(checksPassed: 7, checksTotal: 9, failed: ["concurrency", "behaviour", "leaked-tasks"])
        let variety: [Cell] = [
            Cell(record: ClassMatrixTests.record(), file: file, regrade: .pass(checksPassed: 9, checksTotal: 9)),
            Cell(record: ClassMatrixTests.record(), file: file, regrade: fail),
            Cell(record: ClassMatrixTests.record(current: false), file: file, regrade: fail),
            Cell(record: nil, file: file, regrade: .pass(checksPassed: 9, checksTotal: 9)),
            Cell(record: nil, file: file, regrade: fail),
            Cell(record: nil, file: .refused(reason: .symlink)),
            Cell(record: nil, file: file, regrade: .error(message: "the grader stopped: " + String(repeating: "x", count: 150))),
            Cell(record: nil, file: .missing),
        ]
        let lessons = (1...29).map { number in
            LessonColumn(id: String(format: "%02d-a-rather-long-lesson-slug-%d", uniqueNumbers ? number : 7, number))
        }
        let names = [
            "ada", "a-learner-with-a-name-much-longer-than-any-column-allows", "李雷李雷李雷李雷李雷李雷李雷李雷", "team-a/zoë",
        ]
        let learners = names.enumerated().map { row, name in
            LearnerRow(
                name: name, branch: "learner/\(name)", reference: "refs/heads/learner/\(name)", isLocal: true,
                tip: String(repeating: "c", count: 40), cells: (0..<29).map { variety[($0 + row) % variety.count] },
                warnings: row == 3 ? [.mixedScripts(scripts: ["Latin", "Cyrillic"], letters: ["а"]), .looksLike("team-a/zoe")] : [])
        }
        return ClassMatrix(
            lessons: lessons, learners: learners,
            regrade: RegradeSummary(courseRef: "origin/main", courseCommit: String(repeating: "e", count: 40), cells: 116, grades: 80, parallelism: 2, seconds: 12.5),
            generated: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test(arguments: [80, 100, 132, 200], [true, false])
    func noLineIsWiderThanTheTerminal(width: Int, uniqueNumbers: Bool) {
        for color in [false, true] {
            let text = MatrixRenderer(style: .init(color: color, width: width), timeZone: TimeZone(identifier: "UTC")!)
                .render(Self.room(uniqueNumbers: uniqueNumbers), now: Date(timeIntervalSince1970: 1_800_000_000))
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let wide = lines.filter { ANSI.visibleWidth(of: $0) > width }
            #expect(wide.isEmpty, "\(width) columns: \(wide)")
            // Nothing is lost: every learner's 29 cells are on screen, and each lesson is named.
            let cells = lines.filter { $0.hasPrefix("ada ") }.map { ANSI.strip($0) }.joined()
            #expect(cells.filter { $0 == "✓" || $0 == "·" || $0 == "∅" || $0 == "⚠" || $0 == "?" || $0 == "✗" }.count >= 29 - 4)
            #expect(ANSI.strip(text).contains("29 a-rather-long-lesson-slug-29") || !uniqueNumbers)
        }
    }

    @Test func wideTerminalsShowOneTableAndNarrowOnesStackTheLessons() {
        func headers(_ width: Int) -> Int {
            MatrixRenderer(style: .init(color: false, width: width)).render(Self.room())
                .split(separator: "\n").filter { $0.hasPrefix("learner") }.count
        }
        #expect(headers(200) == 1)
        #expect(headers(80) > 1)
    }

    @Test func twoRowsOfOneLearnerStayApartWhenCut() {
        #expect(TableLayout.cut("a-learner-with-a-long-name (origin)", to: 20) == "a-learner-… (origin)")
        #expect(TableLayout.cut("a-learner-with-a-long-name (local)", to: 20) == "a-learner-w… (local)")
        #expect(TableLayout.cut("ada (origin)", to: 20) == "ada (origin)")
        #expect(TableLayout.cut("a-learner-with-a-long-name (origin)", to: 14) == "a-le… (origin)")
        #expect(TableLayout.cut("a-learner-with-a-long-name (origin)", to: 12) == "a-learner-w…")
    }

    @Test func longNamesAreCutWithAnEllipsis() {
        let text = MatrixRenderer(style: .init(color: false, width: 80)).render(Self.room())
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("a-learner-w") }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.hasPrefix("a-learner-wit… ") })
    }

    /// The projector screen: the room cut to the terminal's rows, every line within its
    /// columns, the status line last and always whole.
    @Test(arguments: [(80, 24), (200, 50)])
    func theWatchScreenFitsTheTerminal(columns: Int, rows: Int) {
        let view = ClassWatchView(color: false, interval: 30, timeZone: TimeZone(identifier: "UTC")!)
        let read = Date(timeIntervalSince1970: 1_800_000_000)
        let failure = "fetching origin failed: " + String(repeating: "a long reason ", count: 20)
        for status in [RefreshStatus.loaded(at: read), .failed(message: failure, at: read.addingTimeInterval(30))] {
            let lines = view.render(Self.room(), status: status, columns: columns, rows: rows, now: read)
            #expect(lines.count <= rows)
            #expect(lines.allSatisfy { ANSI.visibleWidth(of: $0) <= columns }, "\(lines)")
            let bottom = lines.last ?? ""
            #expect(ANSI.visibleWidth(of: bottom) == columns)
            if case .failed = status {
                #expect(bottom.hasPrefix("✗ 08:00:30 (showing 08:00:00) fetching origin failed"), "\(bottom)")
            } else {
                #expect(bottom.hasPrefix("updated 08:00:00 · every 30 s"), "\(bottom)")
            }
        }
        let before = view.render(nil, status: .failed(message: "no such remote", at: read), columns: columns, rows: rows)
        #expect(before.first == "Could not read the room: no such remote")
    }
}
