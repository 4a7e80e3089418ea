import Foundation
import Rendering

/// The class matrix for a terminal (or a projector showing one): a row per learner, a
/// column per lesson, a glyph per cell, then the legend and the cells that need a look.
///
/// Every state has a distinct glyph, so the matrix reads the same without colour
/// (`NO_COLOR`, a pipe, a colour-blind reader); colour only adds emphasis.
public struct MatrixRenderer: Sendable {
    public var style: TerminalRenderer.Style
    /// The time zone dates are shown in.
    public var timeZone: TimeZone

    /// The widest learner name column; longer names are cut with `…`.
    static let maximumNameWidth = 28

    public init(style: TerminalRenderer.Style, timeZone: TimeZone = .current) {
        self.style = style
        self.timeZone = timeZone
    }

    public func render(_ matrix: ClassMatrix, now: Date = Date()) -> String {
        var lines: [String] = []
        let summary = matrix.summary
        var heading = "\(summary.learners) learner\(summary.learners == 1 ? "" : "s") × \(summary.lessons) lesson\(summary.lessons == 1 ? "" : "s")"
        if let regrade = matrix.regrade {
            heading += String(
                format: " · re-graded with %@ (%@): %d grade%@ in %.1f s, %d at a time", regrade.courseRef,
                String(regrade.courseCommit.prefix(7)), regrade.grades, regrade.grades == 1 ? "" : "s", regrade.seconds,
                regrade.parallelism)
        }
        lines.append(paint(heading, .bold))
        guard !matrix.learners.isEmpty else {
            lines.append("No learner branches found. Learners push `learner/NAME` branches; fetch them with --fetch.")
            return lines.joined(separator: "\n")
        }
        lines.append("")

        let headers = columnHeaders(matrix.lessons)
        let cellWidth = max(3, headers.map { ANSI.visibleWidth(of: $0) }.max() ?? 2)
        let nameWidth = min(Self.maximumNameWidth, max("learner".count, matrix.learners.map { ANSI.visibleWidth(of: $0.name) }.max() ?? 0))
        var header = ANSI.pad("learner", to: nameWidth)
        for title in headers { header += "  " + ANSI.pad(title, to: cellWidth, alignment: .center) }
        header += "  passed  attempts  hints  last pass"
        lines.append(paint(header, .bold))
        let clock = WallClock(timeZone: timeZone)
        for learner in matrix.learners {
            var line = ANSI.pad(ANSI.truncate(learner.name, to: nameWidth), to: nameWidth)
            for cell in learner.cells {
                let state = cell.state
                line += "  " + paint(ANSI.pad(state.glyph, to: cellWidth, alignment: .center), attributes(state))
            }
            let passed = "\(learner.passedCount)/\(matrix.lessons.count)"
            line += "  " + ANSI.pad(passed, to: 6, alignment: .right)
            line += "  " + ANSI.pad(String(learner.attempts), to: 8, alignment: .right)
            line += "  " + ANSI.pad(String(learner.hints), to: 5, alignment: .right)
            line += "  " + (learner.lastPass.map { clock.format($0, dateStyle: clock.sameDay($0, now) ? .none : .short) } ?? "—")
            lines.append(line)
        }
        var totals = ANSI.pad("passed", to: nameWidth)
        for index in matrix.lessons.indices {
            let count = matrix.learners.filter { $0.cells[index].state == .passed }.count
            totals += "  " + ANSI.pad(String(count), to: cellWidth, alignment: .center)
        }
        lines.append(paint(totals, .dim))

        lines.append("")
        let present = Set(matrix.learners.flatMap { $0.cells.map(\.state) })
        let legend = CellState.allCases.filter { present.contains($0) }.map { state in
            paint(state.glyph, attributes(state)) + " " + (state == .none ? "nothing recorded" : state.label)
        }
        lines.append(legend.joined(separator: "   "))
        lines.append(
            paint(
                "lessons: " + matrix.lessons.map { column in
                    let slug = column.id.split(separator: "-", maxSplits: 1).dropFirst().first.map(String.init) ?? column.id
                    return "\(column.shortID) \(slug)"
                }.joined(separator: " · "), .dim))

        let problems = matrix.problems
        if !problems.isEmpty {
            lines.append("")
            lines.append(paint("Needs a look:", .bold))
            for (learner, lesson, cell) in problems {
                let state = cell.state
                lines.append("  " + paint(state.glyph, attributes(state)) + " \(learner.name) · \(lesson.id): " + Self.explain(cell))
            }
        }
        return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }

    /// One sentence on a cell that needs a look, for the terminal and the HTML hover text.
    public static func explain(_ cell: Cell) -> String {
        var parts: [String] = []
        if case .refused(let reason) = cell.file {
            parts.append("the exercise file is \(reason.description)")
        }
        if let record = cell.record {
            let checks = record.checksTotal > 0 ? " (\(record.checksPassed)/\(record.checksTotal))" : ""
            if record.isCurrent {
                parts.append("recorded pass\(checks) after \(record.attempts) attempt\(record.attempts == 1 ? "" : "s"), \(record.hints) hint\(record.hints == 1 ? "" : "s")")
            } else {
                parts.append("a pass was recorded\(checks), the file changed since")
            }
        }
        switch cell.regrade {
        case .pass(let passed, let total)?:
            parts.append("re-graded: passes \(passed)/\(total)")
        case .fail(let passed, let total, let failed)?:
            parts.append("re-graded: fails \(failed.joined(separator: ", ")) (\(passed)/\(total) checks pass)")
        case .error(let message)?:
            parts.append("could not re-grade: \(message)")
        case nil:
            break
        }
        if parts.isEmpty { return cell.state.meaning }
        return parts.joined(separator: "; ")
    }

    /// Column titles: the lesson numbers when they are unique, else the ids.
    func columnHeaders(_ lessons: [LessonColumn]) -> [String] {
        let short = lessons.map(\.shortID)
        return Set(short).count == short.count ? short : lessons.map(\.id)
    }

    func attributes(_ state: CellState) -> [ANSI.SGR] {
        switch state {
        case .passed: [.foreground(.green), .bold]
        case .failsNow: [.foreground(.brightWhite), .background(.red), .bold]
        case .changed: [.foreground(.yellow)]
        case .passing: [.foreground(.cyan)]
        case .failing: [.foreground(.red)]
        case .refused, .error: [.foreground(.magenta), .bold]
        case .none: [.dim]
        }
    }

    private func paint(_ text: String, _ attributes: ANSI.SGR...) -> String {
        ANSI.styled(text, attributes, enabled: style.color)
    }

    private func paint(_ text: String, _ attributes: [ANSI.SGR]) -> String {
        ANSI.styled(text, attributes, enabled: style.color)
    }
}
