import Foundation
import TerminalKit
import Workshop

/// `asynclings progress`: the lessons passed on a branch, for a terminal or as JSON.
public enum ProgressText {
    /// The report as one JSON object (`branch`, `tip`, `passed`, `total`, `lessons`).
    public static func json(_ report: ProgressReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(JSONBody(report: report)), as: UTF8.self)
    }

    struct JSONBody: Encodable {
        let report: ProgressReport
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(report.branch, forKey: .branch)
            try container.encode(report.tip, forKey: .tip)
            try container.encode(report.passedCount, forKey: .passed)
            try container.encode(report.lessons.count, forKey: .total)
            try container.encode(report.lessons, forKey: .lessons)
        }
        enum Keys: String, CodingKey { case branch, tip, passed, total, lessons }
    }

    /// The report for a terminal: a line per lesson, dates in this machine's time zone.
    public static func render(_ report: ProgressReport, style: TerminalRenderer.Style) -> String {
        func paint(_ text: String, _ attributes: ANSI.SGR...) -> String { ANSI.styled(text, attributes, enabled: style.color) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        // Branch names and the lesson ids of records are whatever the branch's author wrote.
        var lines = [paint("\(ANSI.sanitized(report.branch)): \(report.passedCount)/\(report.lessons.count) lessons passed", .bold)]
        if report.tip == nil { lines.append(paint("(no commit yet: your first pass creates one)", .dim)) }
        let ids = report.lessons.map { ANSI.sanitized($0.id) }
        let width = ids.map { ANSI.visibleWidth(of: $0) }.max() ?? 10
        for (entry, shown) in zip(report.lessons, ids) {
            let id = ANSI.pad(shown, to: width)
            switch entry.state {
            case .passed:
                var detail = "passed"
                if let date = entry.date { detail += " " + formatter.string(from: date) }
                if let attempts = entry.attempts { detail += " · \(attempts) attempt\(attempts == 1 ? "" : "s")" }
                if let hints = entry.hints { detail += " · \(hints) hint\(hints == 1 ? "" : "s")" }
                if let checks = entry.checks { detail += " · \(checks) checks" }
                lines.append(paint("✓", .foreground(.green), .bold) + " \(id)  \(detail)")
            case .changed:
                lines.append(paint("~", .foreground(.yellow)) + " \(id)  passed once, but the file changed in a later commit: "
                    + "`asynclings check \(shown)` records it again")
            case .notPassed:
                var detail = "not passed"
                if entry.pendingAttempts > 0 || entry.pendingHints > 0 {
                    detail += " · \(entry.pendingAttempts) attempt\(entry.pendingAttempts == 1 ? "" : "s"), "
                        + "\(entry.pendingHints) hint\(entry.pendingHints == 1 ? "" : "s") so far"
                }
                lines.append(paint("·", .dim) + " \(id)  " + paint(detail, .dim))
            }
        }
        return lines.joined(separator: "\n")
    }
}
