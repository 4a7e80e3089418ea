import Grading
import TerminalKit
import Testing

@testable import Views

@Suite("Grade report")
struct ReportRendererTests {
    @Test func theLastLineSaysWhichTimeIsVirtualAndThatItCoversEveryScenario() throws {
        let report = GradeReport(
            lesson: "02-gather", file: "exercises/02-gather.py", status: .pass,
            checks: [GradeReport.Check(id: "concurrency", status: .pass, message: "took 1 s")],
            virtualSeconds: 30.5, wallSeconds: 1.04)
        let text = ReportRenderer(style: TerminalRenderer.Style(color: false, width: 100)).render(report, hints: 0)
        let last = try #require(text.split(separator: "\n").last.map(String.init))
        #expect(last == "1/1 checks passed · virtual time 30.5 s, all scenarios together · real time 1.04 s", "\(text)")
    }
}
