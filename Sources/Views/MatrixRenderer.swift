import Classroom
import Course
import Foundation
import TerminalKit

/// The class matrix for a terminal (or a projector showing one): a row per learner, a
/// column per lesson, a glyph per cell, then the legend and the cells that need a look.
///
/// Every state has a distinct glyph, so the matrix reads the same without colour
/// (`NO_COLOR`, a pipe, a colour-blind reader); colour only adds emphasis.
///
/// Names, lesson ids from records, check ids and messages come from learner branches:
/// each is sanitised (``ANSI/sanitized(_:keepingLineBreaks:)``) before it is measured,
/// padded or styled, so no escape sequence reaches the terminal and no bidi control
/// reorders a row. A name that may pass for another is marked `!` and explained under
/// the table.
public struct MatrixRenderer: Sendable {
    public var style: TerminalRenderer.Style
    /// The time zone dates are shown in.
    public var timeZone: TimeZone

    /// Put before a name with a warning.
    static let flag = "!"

    public init(style: TerminalRenderer.Style, timeZone: TimeZone = .current) {
        self.style = style
        self.timeZone = timeZone
    }

    public func render(_ matrix: ClassMatrix, now: Date = Date()) -> String {
        let width = style.width
        var lines: [String] = []
        let summary = matrix.summary
        var heading = "\(summary.learners) learner\(summary.learners == 1 ? "" : "s") × \(summary.lessons) lesson\(summary.lessons == 1 ? "" : "s")"
        if let regrade = matrix.regrade {
            heading += String(
                format: " · re-graded with %@ (%@): %d grade%@ in %.1f s, %d at a time", ANSI.sanitized(regrade.courseRef),
                String(regrade.courseCommit.prefix(7)), regrade.grades, regrade.grades == 1 ? "" : "s", regrade.seconds,
                regrade.parallelism)
        }
        lines += TextWrap.wrap(paint(heading, .bold), width: width)
        guard !matrix.learners.isEmpty else {
            lines += TextWrap.wrap(
                "No learner branches found. Learners push `learner/NAME` branches; fetch them with --fetch.", width: width)
            return finish(lines)
        }
        lines.append("")
        lines += table(matrix, now: now, width: width)

        lines.append("")
        let present = Set(matrix.learners.flatMap { $0.cells.map(\.state) })
        var legend = CellState.allCases.filter { present.contains($0) }.map { state in
            paint(state.glyph, attributes(state)) + " " + (state == .none ? "nothing recorded" : state.label)
        }
        if matrix.learners.contains(where: { !$0.warnings.isEmpty }) { legend.append("\(Self.flag) see the warnings below") }
        lines += Self.pack(legend, separator: "   ", width: width)
        let lessonNames = matrix.lessons.enumerated().map { index, column in
            (index == 0 ? "lessons: " : "") + ANSI.sanitized("\(column.shortID) \(Lesson.slug(ofID: column.id) ?? column.id)")
        }
        lines += Self.pack(lessonNames, separator: " · ", width: width).map { paint($0, .dim) }

        let problems = matrix.problems
        let flagged = matrix.learners.filter { !$0.warnings.isEmpty }
        if !problems.isEmpty || !flagged.isEmpty {
            lines.append("")
            lines.append(paint("Needs a look:", .bold))
            for learner in flagged {
                let name = ANSI.sanitized(learner.name)
                // The name spelled out once, with the first warning about it.
                var spelling = LearnerNames.spelledOut(learner.name)
                for warning in learner.warnings {
                    var line = paint(Self.flag, .foreground(.magenta), .bold) + " \(name) · " + ANSI.sanitized(warning.description)
                    if warning.isAboutTheName, let spelled = spelling {
                        line += " (spelled \(spelled))"
                        spelling = nil
                    }
                    lines += Self.indented(line, width: width)
                }
            }
            for (learner, lesson, cell) in problems {
                let state = cell.state
                lines += Self.indented(
                    paint(state.glyph, attributes(state)) + " \(ANSI.sanitized(learner.name)) · \(ANSI.sanitized(lesson.id)): "
                        + ANSI.sanitized(Self.explain(cell)), width: width)
            }
        }
        return finish(lines)
    }

    /// Lines without trailing spaces, joined.
    private func finish(_ lines: [String]) -> String {
        lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }

    /// The table: a header, a row per learner and the totals, in one block when the lessons
    /// fit the width, else in several stacked blocks of lessons (see ``TableLayout``).
    func table(_ matrix: ClassMatrix, now: Date, width: Int) -> [String] {
        let clock = WallClock(timeZone: timeZone)
        let stats = [
            StatColumn(title: "passed", values: matrix.learners.map { "\($0.passedCount)/\(matrix.lessons.count)" }),
            StatColumn(title: "attempts", values: matrix.learners.map { String($0.attempts) }),
            StatColumn(title: "hints", values: matrix.learners.map { String($0.hints) }),
            StatColumn(
                title: "last pass", alignment: .left,
                values: matrix.learners.map { learner in
                    learner.lastPass.map { clock.format($0, dateStyle: clock.sameDay($0, now) ? .none : .short) } ?? "—"
                }),
        ]
        let layout = TableLayout.fitting(
            width: width, headers: columnHeaders(matrix.lessons).map { ANSI.sanitized($0) },
            names: matrix.learners.map(shownName), stats: stats)
        var lines: [String] = []
        for (number, block) in layout.blocks.enumerated() {
            let last = number == layout.blocks.count - 1
            let shownStats = last ? Array(stats.prefix(layout.statCount)) : []
            let gap = String(repeating: " ", count: layout.gap)
            if number > 0 { lines.append("") }
            var header = ANSI.pad(ANSI.truncate(TableLayout.nameTitle, to: layout.nameWidth), to: layout.nameWidth)
            for index in block { header += gap + ANSI.pad(layout.headers[index], to: layout.cellWidth, alignment: .center) }
            for stat in shownStats { header += gap + ANSI.pad(stat.title, to: stat.width, alignment: stat.alignment) }
            lines.append(paint(header, .bold))
            for (row, learner) in matrix.learners.enumerated() {
                var line = ANSI.pad(layout.names[row], to: layout.nameWidth)
                for index in block {
                    let state = learner.cells[index].state
                    line += gap + paint(ANSI.pad(state.glyph, to: layout.cellWidth, alignment: .center), attributes(state))
                }
                for stat in shownStats { line += gap + ANSI.pad(stat.values[row], to: stat.width, alignment: stat.alignment) }
                lines.append(line)
            }
            var totals = ANSI.pad(ANSI.truncate("passed", to: layout.nameWidth), to: layout.nameWidth)
            for index in block {
                let count = matrix.learners.filter { $0.cells[index].state == .passed }.count
                totals += gap + ANSI.pad(String(count), to: layout.cellWidth, alignment: .center)
            }
            lines.append(paint(totals, .dim))
        }
        return lines
    }

    /// Items joined by `separator`, as many to a line as fit `width` (an item wider than
    /// the line is wrapped on its own).
    static func pack(_ items: [String], separator: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for item in items {
            let candidate = line.isEmpty ? item : line + separator + item
            if ANSI.visibleWidth(of: candidate) <= width {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            let wrapped = TextWrap.wrap(item, width: width)
            lines += wrapped.dropLast()
            line = wrapped.last ?? ""
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// A line of the list under the table: indented by two, continued under its text.
    static func indented(_ text: String, width: Int) -> [String] {
        TextWrap.wrap(text, width: max(1, width - 4)).enumerated().map { ($0.offset == 0 ? "  " : "    ") + $0.element }
    }

    /// The learner's name as the table shows it: sanitised, flagged when it has warnings.
    func shownName(_ learner: LearnerRow) -> String {
        let name = ANSI.sanitized(learner.name)
        return learner.warnings.isEmpty ? name : Self.flag + " " + name
    }

    /// One sentence on a cell that needs a look, for the terminal and the HTML hover
    /// text. It quotes check ids and grader messages: views sanitise it.
    public static func explain(_ cell: Cell) -> String {
        var parts: [String] = []
        if case .refused(let reason) = cell.file {
            parts.append("the exercise file is \(reason.description)")
        }
        if let record = cell.record {
            let checks = record.checksTotal > 0 ? " (\(record.checksPassed)/\(record.checksTotal))" : ""
            let noFileAtTip = cell.file == .missing
            if record.status == "pass" && (!record.recordedFile || noFileAtTip) {
                var text = "a pass was recorded\(checks)"
                if !record.recordedFile { text += " on a commit without the lesson's exercise file" }
                if noFileAtTip { text += (record.recordedFile ? ", but" : ", and") + " the branch tip has no exercise file" }
                parts.append(text)
            } else if record.isCurrent {
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
        case .missingFile: [.foreground(.red), .bold, .underline]
        case .changed: [.foreground(.yellow)]
        case .regressed: [.foreground(.red), .bold]
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
