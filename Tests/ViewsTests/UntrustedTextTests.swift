import Foundation
import Grading
import TestSupport
import Testing

@testable import TerminalKit
@testable import Views

@Suite("Learner text on the terminal")
struct UntrustedTextTests {
    @Test(arguments: Hostile.sequences)
    func everyAttackIsSpelledOutAndNothingElseIsLost(attack: String) {
        let shown = ANSI.sanitized("ada" + attack + "zoë")
        #expect(Hostile.activeContent(in: shown, allowingStyles: false).isEmpty, "\(shown.debugDescription)")
        #expect(shown.hasPrefix("ada"))
        #expect(shown.hasSuffix("zoë"))
    }

    @Test func theSpellingIsPythonsRepr() {
        #expect(ANSI.sanitized(Hostile.clearScreen) == "\\x1b[2J")
        #expect(ANSI.sanitized(Hostile.setTitle) == "\\x1b]0;owned\\x07")
        #expect(ANSI.sanitized(Hostile.c1ClearScreen) == "\\x9b2J")
        #expect(ANSI.sanitized("a\u{202E}b\u{2066}c\u{200F}d\u{061C}") == "a\\u202eb\\u2066c\\u200fd\\u061c")
        #expect(ANSI.sanitized("tab\there\r\nnext\u{7F}") == "tab\\there\\r\\nnext\\x7f")
        #expect(ANSI.sanitized("line one\nline two", keepingLineBreaks: true) == "line one\nline two")
        #expect(ANSI.sanitized("one\u{2028}two", keepingLineBreaks: true) == "one\\u2028two")
    }

    @Test(arguments: ["plain ascii", "zoë", "中文 かな 한국어", "аda", "👨‍👩‍👧 ❤️", "e\u{301}", ""])
    func lettersOfEveryScriptStayAsTheyAre(text: String) {
        #expect(ANSI.sanitized(text) == text)
        #expect(ANSI.sanitized(text, keepingLineBreaks: true) == text)
    }

    @Test func jsonStaysTheSameDataButCannotDriveATerminal() throws {
        let values = ["ok", "a\u{9B}2Jb", "\u{202E}evil", "del\u{7F}", Hostile.hyperlink, "zoë"]
        let encoded = String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
        #expect(!Hostile.activeContent(in: encoded, allowingStyles: false).isEmpty)  // what JSONEncoder alone leaves
        let safe = ANSI.terminalSafeJSON(encoded)
        #expect(Hostile.activeContent(in: safe, allowingStyles: false).isEmpty, "\(safe)")
        #expect(try JSONDecoder().decode([String].self, from: Data(safe.utf8)) == values)
    }

    /// A report as a forged or crashing grade could write it: every field a learner
    /// can reach carries an attack.
    static var hostileReport: GradeReport {
        let attacks = Hostile.sequences.joined(separator: " ")
        var report = GradeReport(
            lesson: "02-gather" + Hostile.clearScreen, file: "exercises/\(Hostile.setTitle)02.py", status: .fail,
            checks: [
                GradeReport.Check(id: "compile" + Hostile.c1ClearScreen, status: .pass, message: "fine " + attacks),
                GradeReport.Check(id: "behaviour", status: .fail, message: "first line " + attacks + "\nsecond " + Hostile.hyperlink),
                GradeReport.Check(id: "concurrency", status: .error, message: Hostile.rightToLeftOverride + "reversed"),
                GradeReport.Check(id: "leaked-tasks", status: .skip, message: Hostile.setTitle),
            ])
        report.notes = ["note " + attacks]
        report.output = "printed " + attacks + "\r\nprogress 50%\rprogress 100%\n"
        report.stderr = "Traceback " + Hostile.clearScreen + "\nValueError: " + Hostile.hyperlink
        report.timeline = GradeReport.Timeline(
            scenario: "scenario " + Hostile.setTitle,
            spans: [
                GradeReport.Span(kind: "task", label: "worker" + Hostile.clearScreen, start: 0, end: 1),
                GradeReport.Span(kind: "call", label: "fetch('\(Hostile.c1ClearScreen)')", start: 0, end: 0.5, task: "worker" + Hostile.clearScreen),
                GradeReport.Span(kind: "task", label: Hostile.rightToLeftOverride + "other", start: 0.5, end: 1),
            ])
        return report
    }

    @Test(arguments: [false, true])
    func aHostileReportReachesTheTerminalInert(color: Bool) {
        let text = ReportRenderer(style: .init(color: color, width: 100)).render(Self.hostileReport, hints: 3)
        #expect(Hostile.activeContent(in: text).isEmpty, "\(text.debugDescription)")
        if !color { #expect(!text.contains("\u{1B}")) }
        let plain = ANSI.strip(text)
        for spelled in ["02-gather\\x1b[2J", "exercises/\\x1b]0;owned\\x0702.py", "compile\\x9b2J", "\\u202ereversed",
                        "fetch('\\x9b2J')", "scenario \\x1b]0;owned\\x07", "progress 50%\\rprogress 100%"] {
            #expect(plain.contains(spelled), "\(spelled)")
        }
        // Line breaks in a message are kept, and the lines are still wrapped and indented.
        #expect(plain.contains("\n      second \\x1b]8;;https://evil.example/\\x1b\\click me"))
        // Our own styling still works around the learner's text.
        if color { #expect(text.contains(ANSI.sgr(.bold, .foreground(.red)) + "FAIL")) }
    }

    @Test(arguments: [false, true])
    func learnerCodeBesideTheSolutionIsInert(color: Bool) {
        let learner = "import asyncio\n\nasync def work() -> int:\n\tprint('\(Hostile.clearScreen)\(Hostile.rightToLeftOverride)')\n\treturn 42\n"
        let lines = SolutionDiffRenderer(style: .init(color: color, width: 120))
            .render(learner: learner, solution: "import asyncio\n\nasync def work() -> int:\n    return 42\n", notes: [])
        let text = lines.joined(separator: "\n")
        #expect(Hostile.activeContent(in: text).isEmpty, "\(text.debugDescription)")
        #expect(ANSI.strip(text).contains("print('\\x1b[2J\\u202e')"))
        #expect(ANSI.strip(text).contains("    return 42"))  // tabs are still indentation
    }
}
