import Foundation
import Grading
import TerminalKit

/// Draws a grade report's timeline: the learner's tasks and the grader's fake calls
/// against virtual time, so "ran one after another" is a staircase and "ran together" is
/// a stack of bars starting at the same column.
///
/// ```
/// timeline: fetch_all_users starts every fetch at once (seconds of virtual time)
///   fetch_user(4)  ██████████
///   fetch_user(1)            ███
///   fetch_user(3)               ████████
///   fetch_user(2)                       █████
///   in flight      ▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄
///                  0             0.5        1
///   at most 1 of 4 calls in flight; 1 s in all, the sum of the calls.
/// ```
///
/// - A task that ran a call shares its row with it: `─` while the task is alive, `█`
///   during the call. A task or call that never finished runs to the right edge and ends
///   in `→`.
/// - Calls the learner awaited directly (no task of theirs) get a row each.
/// - The `in flight` row shows how many calls were running at each moment (`▁`…`█`),
///   which still shows the pattern when there are more rows than fit.
public struct TimelineRenderer: Sendable {
    public var style: TerminalRenderer.Style
    /// Most bar rows drawn; the rest are summarised in one line.
    public var maximumRows: Int

    public init(style: TerminalRenderer.Style, maximumRows: Int = 12) {
        self.style = style
        self.maximumRows = maximumRows
    }

    /// One row of the chart.
    struct Row: Equatable {
        var label: String
        /// The task's life, if the row is a task's.
        var life: (start: Double, end: Double?)?
        /// Calls made in this row.
        var calls: [(start: Double, end: Double?)]

        var start: Double { life?.start ?? calls.map(\.start).min() ?? 0 }

        static func == (lhs: Row, rhs: Row) -> Bool {
            lhs.label == rhs.label && lhs.life?.start == rhs.life?.start && lhs.life?.end == rhs.life?.end
                && lhs.calls.map(\.start) == rhs.calls.map(\.start) && lhs.calls.map(\.end) == rhs.calls.map(\.end)
        }
    }

    /// Pairs each call with the task that made it (same coroutine name, running at the
    /// call's start), and orders rows by start time.
    static func rows(_ spans: [GradeReport.Span]) -> [Row] {
        var rows: [Row] = spans.filter { $0.kind == "task" }.map {
            Row(label: $0.label, life: ($0.start, $0.end), calls: [])
        }
        var callLabels: [Int: [String]] = [:]
        var loose: [Row] = []
        for call in spans where call.kind != "task" {
            func madeIt(_ index: Int) -> Bool {
                guard let life = rows[index].life, rows[index].label == call.task else { return false }
                return life.start <= call.start + 1e-9 && (life.end.map { call.start <= $0 + 1e-9 } ?? true)
            }
            // Several tasks run the same coroutine: give each call to a task without one first.
            let owner =
                rows.indices.first { madeIt($0) && rows[$0].calls.isEmpty } ?? rows.indices.first { madeIt($0) }
            if let owner {
                rows[owner].calls.append((call.start, call.end))
                callLabels[owner, default: []].append(call.label)
            } else {
                loose.append(Row(label: call.label, life: nil, calls: [(call.start, call.end)]))
            }
        }
        // A task that made exactly one call is best known by that call (`fetch_user(4)`).
        for (index, labels) in callLabels where labels.count == 1 { rows[index].label = labels[0] }
        return (rows + loose).enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }
            .map(\.element)
    }

    /// The chart's lines (no trailing newline), or none when there is nothing to draw.
    public func render(_ timeline: GradeReport.Timeline) -> [String] {
        let spans = timeline.spans
        guard !spans.isEmpty else { return [] }
        let rows = Self.rows(spans)
        let work = Self.activities(rows)
        let total = max(spans.map { $0.end ?? $0.start }.max() ?? 0, spans.map(\.start).max() ?? 0)

        let shown = rows.count > maximumRows ? Array(rows.prefix(maximumRows - 1)) : rows
        let indent = "  "
        let available = max(14, style.width - indent.count - 2)
        let labelWidth = min(
            max(9, shown.map { ANSI.visibleWidth(of: Self.readable($0.label)) }.max() ?? 0), Self.labelCap(available: available),
            available - 10)
        let chartWidth = available - labelWidth
        var lines: [String] = []
        let title = paint("timeline: ", .bold) + ANSI.sanitized(timeline.scenario) + paint(" (seconds of virtual time)", .dim)
        lines += TextWrap.wrap(title, width: style.width)

        func column(_ time: Double) -> Int {
            guard total > 0 else { return 0 }
            return min(chartWidth - 1, Int((time / total * Double(chartWidth)).rounded(.down)))
        }
        func endColumn(_ start: Double, _ end: Double) -> Int {
            guard total > 0 else { return 1 }
            let exact = Int((end / total * Double(chartWidth)).rounded(.up))
            return min(chartWidth, max(column(start) + 1, exact))
        }

        for row in shown {
            var cells = Array(repeating: " ", count: chartWidth)
            var kinds = Array(repeating: 0, count: chartWidth)  // 0 empty, 1 life, 2 call, 3 unfinished
            if let life = row.life {
                let end = life.end.map { endColumn(life.start, $0) } ?? chartWidth
                for index in column(life.start)..<max(column(life.start) + 1, end) {
                    cells[index] = "─"
                    kinds[index] = 1
                }
            }
            for call in row.calls {
                let end = call.end.map { endColumn(call.start, $0) } ?? chartWidth
                for index in column(call.start)..<max(column(call.start) + 1, end) {
                    cells[index] = "█"
                    kinds[index] = 2
                }
            }
            let unfinished = row.life.map { $0.end == nil } == true || row.calls.contains { $0.end == nil }
            if unfinished {
                cells[chartWidth - 1] = "→"
                kinds[chartWidth - 1] = 3
            }
            let label = ANSI.pad(Self.shorten(row.label, to: labelWidth), to: labelWidth)
            lines.append(indent + label + "  " + paintCells(cells, kinds))
        }
        if shown.count < rows.count {
            let rest = rows.count - shown.count
            let more = "… \(rest) more row\(rest == 1 ? "" : "s") (see “in flight”)"
            lines += TextWrap.wrap(more, width: max(10, style.width - indent.count)).map { indent + paint($0, .dim) }
        }
        if work.count > 1, total > 0 {
            let label = ANSI.pad("in flight", to: labelWidth)
            lines.append(indent + paint(label, .dim) + "  " + paint(density(work, total: total, width: chartWidth), .foreground(.green)))
        }
        lines.append(indent + String(repeating: " ", count: labelWidth) + "  " + paint(axis(total: total, width: chartWidth), .dim))
        if total == 0 {
            let text = "everything happened at 0 s of virtual time: nothing waited for anything."
            lines += TextWrap.wrap(text, width: max(10, style.width - indent.count)).map { indent + $0 }
        } else if let summary = Self.summary(work) {
            for line in TextWrap.wrap(summary, width: max(10, style.width - indent.count)) {
                lines.append(indent + line)
            }
        }
        // The narrowest terminals cannot fit a 10-column chart beside a label: cut, never wrap.
        return lines.map { ANSI.truncate($0, to: max(1, style.width)) }
    }

    /// A coroutine's qualified name without the enclosing function's `<locals>`
    /// (`run_pipeline.<locals>.worker` → `worker`), sanitised: the learner names their
    /// coroutines and the arguments shown in a call's label.
    static func readable(_ label: String) -> String {
        guard let range = label.range(of: "<locals>.", options: .backwards) else { return ANSI.sanitized(label) }
        return ANSI.sanitized(String(label[range.upperBound...]))
    }

    /// The widest the label column grows: as wide as the longest label, up to two fifths of
    /// the chart's room (at least 16 columns, at most 40), so the bars keep the rest.
    static func labelCap(available: Int) -> Int {
        min(40, max(16, available * 2 / 5))
    }

    /// Characters a label's words are separated by: a cut falls only beside one of them.
    private static let wordSeparators: Set<Character> = ["_", ".", "/", " ", "(", ")", ",", "'", "\"", "-", ":", "=", "[", "]"]
    /// Separators not worth keeping beside the ellipsis (`fetch_all…`, not `fetch_all_…`).
    private static let trimmedAtCut: Set<Character> = ["_", ".", " ", "-", ","]

    /// Fits a label to `width`, cutting only between words and marking the cut with `…`,
    /// never in the middle of a name. A call keeps its name whole and as much of the end of
    /// its arguments as fits, as calls differ by their arguments
    /// (`fetch('https://example.com/7')` → `fetch(…com/7')`); other labels keep the most
    /// of their two ends (`download_everything_in_parallel` → `download_everything…`).
    static func shorten(_ label: String, to width: Int) -> String {
        let text = readable(label)
        guard ANSI.visibleWidth(of: text) > width else { return text }
        let characters = Array(text)
        let budget = width - 1  // the ellipsis
        // Cut points between words: beside a separator.
        let inside = (1..<characters.count).filter {
            wordSeparators.contains(characters[$0 - 1]) || wordSeparators.contains(characters[$0])
        }
        let cuts = [0] + inside + [characters.count]
        func head(_ end: Int) -> String {
            var piece = characters[..<end]
            while let last = piece.last, trimmedAtCut.contains(last) { piece.removeLast() }
            return String(piece)
        }
        func tail(_ start: Int) -> String {
            var piece = characters[start...]
            while let first = piece.first, trimmedAtCut.contains(first) { piece.removeFirst() }
            return String(piece)
        }
        // A call keeps its name up to its `(` (when it fits) and gives the rest to its end.
        let callName = characters.firstIndex(of: "(").map { $0 + 1 }.flatMap {
            ANSI.visibleWidth(of: head($0)) <= budget ? $0 : nil
        }
        var best: (head: String, tail: String, kept: Int)?
        for end in callName.map({ [$0] }) ?? cuts where end > 0 && end < characters.count {
            let front = head(end)
            let frontWidth = ANSI.visibleWidth(of: front)
            guard !front.isEmpty, frontWidth <= budget else { continue }
            let back = cuts.filter { $0 >= end }.map(tail).first { ANSI.visibleWidth(of: $0) <= budget - frontWidth } ?? ""
            let kept = frontWidth + ANSI.visibleWidth(of: back)
            if best.map({ kept >= $0.kept }) ?? true { best = (front, back, kept) }
        }
        // One word longer than the column: cut inside it, still marked.
        guard let best else { return ANSI.truncate(text, to: width) }
        return best.head + "…" + best.tail
    }

    /// `0`, the middle and the end of the time axis, placed under their columns.
    func axis(total: Double, width: Int) -> String {
        var cells = Array(repeating: Character(" "), count: width)
        func place(_ text: String, at position: Int) {
            let start = max(0, min(width - text.count, position))
            for (offset, character) in text.enumerated() where start + offset < width { cells[start + offset] = character }
        }
        place("0", at: 0)
        if total > 0 {
            if width >= 24 { place(Self.seconds(total / 2), at: width / 2 - Self.seconds(total / 2).count / 2) }
            place(Self.seconds(total) + " s", at: width - Self.seconds(total).count - 2)
        }
        return String(String(cells).reversed().drop { $0 == " " }.reversed())
    }

    /// What each row was busy with: its calls, or the task's whole life when it made none
    /// (the report keeps a bounded number of spans, so some tasks have lost their calls).
    static func activities(_ rows: [Row]) -> [Interval] {
        rows.flatMap { row -> [Interval] in
            if !row.calls.isEmpty { return row.calls.map { Interval(start: $0.start, end: $0.end) } }
            return row.life.map { [Interval(start: $0.start, end: $0.end)] } ?? []
        }
    }

    /// A stretch of virtual time; `end` nil when it never finished.
    struct Interval: Equatable {
        var start: Double
        var end: Double?
    }

    /// How many rows were busy in each column, as eighth blocks scaled to the peak.
    func density(_ calls: [Interval], total: Double, width: Int) -> String {
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let peak = Self.peak(calls)
        guard peak > 0 else { return String(repeating: " ", count: width) }
        var result = ""
        for index in 0..<width {
            let time = total > 0 ? (Double(index) + 0.5) / Double(width) * total : 0
            let running = calls.filter { call in
                if total == 0 { return true }
                return call.start <= time && (call.end.map { time < $0 } ?? true)
            }.count
            if running == 0 {
                result.append(" ")
            } else {
                let level = max(0, min(blocks.count - 1, Int((Double(running) / Double(peak) * Double(blocks.count)).rounded(.up)) - 1))
                result.append(blocks[level])
            }
        }
        while result.last == " " { result.removeLast() }
        return result
    }

    /// The most calls in flight at the same moment (a call ending when another starts does not overlap it).
    static func peak(_ calls: [Interval]) -> Int {
        var events: [(time: Double, delta: Int)] = []
        for call in calls {
            events.append((call.start, 1))
            events.append((call.end ?? .infinity, -1))
        }
        events.sort { ($0.time, $0.delta) < ($1.time, $1.delta) }
        var running = 0
        var peak = 0
        for event in events {
            running += event.delta
            peak = max(peak, running)
        }
        return peak
    }

    /// One sentence: the most calls in flight, and how the total compares with the calls.
    static func summary(_ calls: [Interval]) -> String? {
        guard calls.count > 1 else { return nil }
        let peak = peak(calls)
        let finished = calls.compactMap { call in call.end.map { $0 - call.start } }
        let first = calls.map(\.start).min() ?? 0
        var sentence = "at most \(peak) of \(calls.count) running at once"
        if finished.count == calls.count, let last = calls.compactMap(\.end).max() {
            let elapsed = last - first
            let sum = finished.reduce(0, +)
            let longest = finished.max() ?? 0
            if peak == 1, abs(elapsed - sum) < 1e-6 {
                sentence += "; \(seconds(elapsed)) s in all, the sum of their times: they ran one after another"
            } else if abs(elapsed - longest) < 1e-6 {
                sentence += "; \(seconds(elapsed)) s in all, as long as the slowest alone"
            } else {
                sentence += "; \(seconds(elapsed)) s in all (the slowest alone takes \(seconds(longest)) s)"
            }
        } else {
            let open = calls.count - finished.count
            sentence += "; \(open) never finished"
        }
        return sentence + "."
    }

    static func seconds(_ value: Double) -> String {
        if value == value.rounded() { return String(Int(value)) }
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }  // 1.0000000002 s is "1", not "1."
        return text
    }

    private func paintCells(_ cells: [String], _ kinds: [Int]) -> String {
        guard style.color else { return cells.joined().replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression) }
        var result = ""
        var index = 0
        while index < cells.count {
            let kind = kinds[index]
            var run = ""
            while index < cells.count, kinds[index] == kind {
                run += cells[index]
                index += 1
            }
            switch kind {
            case 1: result += paint(run, .foreground(.brightBlack))
            case 2: result += paint(run, .foreground(.cyan))
            case 3: result += paint(run, .bold, .foreground(.yellow))
            default: result += run
            }
        }
        return result.replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
    }

    private func paint(_ text: String, _ attributes: ANSI.SGR...) -> String {
        ANSI.styled(text, attributes, enabled: style.color)
    }
}
