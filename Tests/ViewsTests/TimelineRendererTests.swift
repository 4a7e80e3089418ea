import Foundation
import Grading
import Testing

@testable import TerminalKit
@testable import Views

@Suite("Timeline chart")
struct TimelineRendererTests {
    typealias Span = GradeReport.Span

    static func span(_ kind: String, _ label: String, _ start: Double, _ end: Double?, task: String = "") -> Span {
        Span(kind: kind, label: label, start: start, end: end, task: task)
    }

    /// What the harness reports for `for uid in ids: await fetch_user(uid)`.
    static let sequential = GradeReport.Timeline(
        scenario: "fetch_all_users starts every fetch at once",
        spans: [
            span("io", "fetch_user(4)", 0, 0.4, task: "grader"),
            span("io", "fetch_user(1)", 0.4, 0.5, task: "grader"),
            span("io", "fetch_user(3)", 0.5, 0.8, task: "grader"),
            span("io", "fetch_user(2)", 0.8, 1.0, task: "grader"),
        ])

    /// Tasks that each made one call, all at once.
    static let together = GradeReport.Timeline(
        scenario: "together",
        spans: [
            span("task", "fetch_user", 0, 0.4), span("task", "fetch_user", 0, 0.1),
            span("io", "fetch_user(4)", 0, 0.4, task: "fetch_user"),
            span("io", "fetch_user(1)", 0, 0.1, task: "fetch_user"),
        ])

    let plain = TerminalRenderer.Style(color: false, width: 60)

    @Test func sequentialCallsMakeAStaircase() throws {
        let lines = TimelineRenderer(style: plain).render(Self.sequential)
        let bars = lines.filter { $0.contains("█") && !$0.contains("in flight") }
        #expect(bars.count == 4)
        // Each bar starts where the previous one ended.
        let starts = bars.map { line in line.distance(from: line.startIndex, to: line.firstIndex(of: "█")!) }
        #expect(starts == starts.sorted() && Set(starts).count == 4)
        #expect(lines.joined(separator: "\n").contains("at most 1 of 4 running at once"))
        #expect(lines.joined(separator: "\n").contains("they ran one after another"))
    }

    @Test func concurrentCallsStartInTheSameColumnAndShareTheirTaskRow() {
        let lines = TimelineRenderer(style: plain).render(Self.together)
        let bars = lines.filter { $0.hasPrefix("  fetch_user(") }
        #expect(bars.count == 2, "a task and its call share one row: \(lines)")
        let starts = Set(bars.map { $0.distance(from: $0.startIndex, to: $0.firstIndex(of: "█")!) })
        #expect(starts.count == 1)
        #expect(lines.joined(separator: " ").contains("as long as"))
    }

    @Test func anUnfinishedTaskRunsToTheEdgeWithAnArrow() {
        let timeline = GradeReport.Timeline(
            scenario: "deadlock", spans: [Self.span("task", "worker", 0, nil), Self.span("task", "producer", 0, 0.5)])
        let lines = TimelineRenderer(style: plain).render(timeline)
        let worker = lines.first { $0.contains("worker") } ?? ""
        #expect(worker.hasSuffix("→"))
        #expect(lines.joined().contains("1 never finished"))
    }

    @Test func manyRowsAreCappedAndTheDensityRowKeepsThePattern() {
        let spans = (0..<50).map { index in
            Self.span("task", "fetch_user", Double(index / 10) * 0.6, Double(index / 10) * 0.6 + 0.5)
        }
        let lines = TimelineRenderer(style: plain, maximumRows: 8).render(GradeReport.Timeline(scenario: "batches", spans: spans))
        #expect(lines.contains { $0.contains("… 43 more rows") })
        let density = lines.first { $0.contains("in flight") } ?? ""
        #expect(density.contains(" "), "gaps between the batches: \(density)")
        #expect(lines.joined(separator: "\n").contains("at most 10 of 50"))
    }

    @Test(arguments: [20, 40, 80, 132])
    func noLineIsWiderThanTheStyle(width: Int) {
        for timeline in [Self.sequential, Self.together] {
            for color in [false, true] {
                let style = TerminalRenderer.Style(color: color, width: width)
                for line in TimelineRenderer(style: style).render(timeline) {
                    #expect(ANSI.visibleWidth(of: line) <= width, "\(line)")
                }
            }
        }
    }

    @Test(arguments: [
        ("run_pipeline.<locals>.worker", 24, "worker"),
        ("fetch('https://example.com/page/7')", 24, "fetch(…com/page/7')"),
        ("short(1)", 24, "short(1)"),
        ("download_everything_in_parallel_with_retries", 24, "download_everything_in…"),
        ("fetch_user_profile_with_cache(12345)", 24, "fetch_user_profile_with…"),
        ("run_pipeline.<locals>.worker_that_retries_forever", 16, "worker…forever"),
    ] as [(String, Int, String)])
    func labelsAreCutBetweenWordsAndSaySo(label: String, width: Int, expected: String) {
        let shortened = TimelineRenderer.shorten(label, to: width)
        #expect(ANSI.visibleWidth(of: shortened) <= width)
        #expect(shortened == expected)
    }

    @Test func theLabelColumnFitsTheLabelsWithinACapAndCutsNoNameThatFits() throws {
        let name = "consume_with_retries_and_backoff"  // 32 columns: wider than the old fixed 24
        let timeline = GradeReport.Timeline(
            scenario: "two workers",
            spans: [Self.span("task", name, 0, 1), Self.span("task", "short", 0, 0.5)])
        let wide = TimelineRenderer(style: TerminalRenderer.Style(color: false, width: 120)).render(timeline)
        #expect(wide.contains { $0.hasPrefix("  " + name + "  ") }, "\(wide)")
        // Narrow: the label is cut between words and marked, and the bars keep their room.
        let narrow = TimelineRenderer(style: TerminalRenderer.Style(color: false, width: 48)).render(timeline)
        let row = try #require(narrow.first { $0.contains("consume") })
        #expect(row.hasPrefix("  consume…backoff  "), "\(narrow)")
        #expect(narrow.allSatisfy { ANSI.visibleWidth(of: $0) <= 48 })
    }

    @Test(arguments: [
        (1.0, "1"), (1.0000000000000002, "1"), (0.9999999, "1"), (2.575, "2.575"), (0.25, "0.25"), (1.2004, "1.2"),
    ] as [(Double, String)])
    func secondsAreShortAndNeverEndInADot(value: Double, expected: String) {
        #expect(TimelineRenderer.seconds(value) == expected)
    }

    @Test func plainStyleHasNoEscapes() {
        let text = TimelineRenderer(style: plain).render(Self.sequential).joined(separator: "\n")
        #expect(!text.contains("\u{1B}"))
    }

    @Test func everythingAtZeroSaysSo() {
        let timeline = GradeReport.Timeline(
            scenario: "never awaited", spans: [Self.span("task", "a", 0, 0), Self.span("task", "b", 0, 0)])
        let lines = TimelineRenderer(style: plain).render(timeline)
        #expect(lines.contains { $0.contains("everything happened at 0 s") })
    }

    @Test func theReportShowsTheTimelineUnderItsChecks() {
        var report = GradeReport(
            lesson: "02-gather", file: "exercises/02-gather.py", status: .fail,
            checks: [GradeReport.Check(id: "concurrency", status: .fail, message: "one at a time")])
        report.timeline = Self.sequential
        let text = ReportRenderer(style: plain).render(report)
        #expect(text.contains("timeline: fetch_all_users starts every fetch at once"))
        #expect(text.contains("fetch_user(4)"))
        #expect(!ReportRenderer(style: plain).render(report, timeline: false).contains("timeline:"))
    }
}
