import Foundation
import Grading
import TerminalKit

/// Renders a grade report for the terminal: one line per check, the failing checks'
/// explanations underneath, and a summary line.
///
/// Everything in a report can come from the graded code (check ids and messages of an
/// error, what it printed, its stderr, a forged report), so every string from it is
/// sanitised (``ANSI/sanitized(_:keepingLineBreaks:)``) before it is styled.
public struct ReportRenderer: Sendable {
    public var style: TerminalRenderer.Style

    public init(style: TerminalRenderer.Style) {
        self.style = style
    }

    /// Renders `report`.
    /// - Parameters:
    ///   - report: The grade report.
    ///   - hints: How many hints the lesson has (a failing report says how to see them).
    ///   - hintsSeen: How many of them the learner has seen (a failing report counts those left).
    ///   - hintAdvice: What to do for a hint; defaults to the `asynclings hint` command.
    ///   - timeline: Whether to draw the report's timeline, when it has one.
    public func render(
        _ report: GradeReport, hints: Int = 0, hintsSeen: Int = 0, hintAdvice: String? = nil, timeline: Bool = true
    ) -> String {
        var lines: [String] = []
        let verdict: String
        switch report.status {
        case .pass: verdict = paint("PASS", .bold, .foreground(.green))
        case .fail: verdict = paint("FAIL", .bold, .foreground(.red))
        case .error: verdict = paint("ERROR", .bold, .foreground(.magenta))
        }
        lines.append("\(paint(ANSI.sanitized(report.lesson), .bold))  \(ANSI.sanitized(report.file))  \(verdict)")
        let width = max(20, style.width - 6)
        for check in report.checks {
            let (mark, attributes): (String, [ANSI.SGR]) =
                switch check.status {
                case .pass: ("✓", [.foreground(.green)])
                case .fail: ("✗", [.foreground(.red), .bold])
                case .error: ("!", [.foreground(.magenta), .bold])
                case .skip: ("·", [.dim])
                }
            let label = paint("\(mark) \(ANSI.sanitized(check.id))", attributes)
            let message = ANSI.sanitized(check.message, keepingLineBreaks: true)
            switch check.status {
            case .pass:
                lines.append("  \(label)  \(paint(message, .dim))")
            case .skip:
                lines.append("  \(label)  \(paint(message.isEmpty ? "skipped" : message, .dim))")
            case .fail, .error:
                lines.append("  \(label)")
                for paragraph in message.split(separator: "\n", omittingEmptySubsequences: false) {
                    let text = String(paragraph)
                    let indent = String(text.prefix { $0 == " " })
                    for wrapped in TextWrap.wrap(String(text.dropFirst(indent.count)), width: max(10, width - indent.count)) {
                        lines.append("      \(indent)\(wrapped)")
                    }
                }
            }
        }
        if timeline, let chart = report.timeline {
            let chartStyle = TerminalRenderer.Style(color: style.color, width: max(20, style.width - 2))
            lines += TimelineRenderer(style: chartStyle).render(chart).map { "  " + $0 }
        }
        if let notes = report.notes {
            for note in notes { lines.append(paint("  note: \(ANSI.sanitized(note, keepingLineBreaks: true))", .dim)) }
        }
        if report.status != .pass, let output = report.output, !output.isEmpty {
            lines.append(paint("  your code printed:", .dim))
            for line in ANSI.sanitized(output, keepingLineBreaks: true).split(separator: "\n", omittingEmptySubsequences: false).prefix(12) {
                lines.append(paint("    │ ", .dim) + String(line))
            }
        }
        if report.status != .pass, let stderr = report.stderr, !stderr.isEmpty {
            lines.append(paint("  stderr:", .dim))
            for line in ANSI.sanitized(stderr, keepingLineBreaks: true).split(separator: "\n", omittingEmptySubsequences: false).suffix(12) {
                lines.append(paint("    │ ", .dim) + String(line))
            }
        }
        let passed = report.checks.filter { $0.status == .pass }.count
        // A check's "took 1 s" is one scenario on the virtual clock; this is every scenario
        // together, beside what the grade took on the wall clock.
        var summary = String(
            format: "%d/%d checks passed · virtual time %@ s, all scenarios together · real time %.2f s", passed,
            report.checks.count, formatted(report.virtualSeconds), report.wallSeconds)
        if report.seed != 0 { summary += " · seed \(report.seed)" }
        lines.append(paint(summary, .dim))
        if report.status == .fail, hints > 0 {
            let left = max(0, hints - hintsSeen)
            let advice = hintAdvice ?? "`asynclings hint \(ANSI.sanitized(report.lesson))` shows one"
            if left == hints {
                lines.append(paint("Stuck? \(advice) (\(hints) hint\(hints == 1 ? "" : "s") available).", .dim))
            } else if left > 0 {
                lines.append(paint("Stuck? \(advice) (\(left) of \(hints) hints left).", .dim))
            } else {
                lines.append(paint("Stuck? You have seen all \(hints) hint\(hints == 1 ? "" : "s"); the last names the fix.", .dim))
            }
        }
        return lines.joined(separator: "\n")
    }

    private func paint(_ text: String, _ attributes: ANSI.SGR...) -> String {
        ANSI.styled(text, attributes, enabled: style.color)
    }

    private func paint(_ text: String, _ attributes: [ANSI.SGR]) -> String {
        ANSI.styled(text, attributes, enabled: style.color)
    }

    private func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.3g", seconds)
    }
}
