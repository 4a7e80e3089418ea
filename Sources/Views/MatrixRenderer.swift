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

    /// The widest learner name column; longer names are cut with `…`.
    static let maximumNameWidth = 28
    /// The widest column header (a lesson id, when numbers are not unique).
    static let maximumHeaderWidth = 12
    /// Put before a name with a warning.
    static let flag = "!"

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
                format: " · re-graded with %@ (%@): %d grade%@ in %.1f s, %d at a time", ANSI.sanitized(regrade.courseRef),
                String(regrade.courseCommit.prefix(7)), regrade.grades, regrade.grades == 1 ? "" : "s", regrade.seconds,
                regrade.parallelism)
        }
        lines.append(paint(heading, .bold))
        guard !matrix.learners.isEmpty else {
            lines.append("No learner branches found. Learners push `learner/NAME` branches; fetch them with --fetch.")
            return lines.joined(separator: "\n")
        }
        lines.append("")

        let headers = columnHeaders(matrix.lessons).map { ANSI.truncate(ANSI.sanitized($0), to: Self.maximumHeaderWidth) }
        let cellWidth = max(3, headers.map { ANSI.visibleWidth(of: $0) }.max() ?? 2)
        let shownNames = matrix.learners.map(shownName)
        let nameWidth = min(Self.maximumNameWidth, max("learner".count, shownNames.map { ANSI.visibleWidth(of: $0) }.max() ?? 0))
        var header = ANSI.pad("learner", to: nameWidth)
        for title in headers { header += "  " + ANSI.pad(title, to: cellWidth, alignment: .center) }
        header += "  passed  attempts  hints  last pass"
        lines.append(paint(header, .bold))
        let clock = WallClock(timeZone: timeZone)
        for (learner, name) in zip(matrix.learners, shownNames) {
            var line = ANSI.pad(ANSI.truncate(name, to: nameWidth), to: nameWidth)
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
        var legendLine = legend.joined(separator: "   ")
        if matrix.learners.contains(where: { !$0.warnings.isEmpty }) { legendLine += "   \(Self.flag) see the warnings below" }
        lines.append(legendLine)
        lines.append(
            paint(
                "lessons: " + matrix.lessons.map { column in
                    let slug = Lesson.slug(ofID: column.id) ?? column.id
                    return ANSI.sanitized("\(column.shortID) \(slug)")
                }.joined(separator: " · "), .dim))

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
                    var line = "  " + paint(Self.flag, .foreground(.magenta), .bold) + " \(name) · " + ANSI.sanitized(warning.description)
                    if warning.isAboutTheName, let spelled = spelling {
                        line += " (spelled \(spelled))"
                        spelling = nil
                    }
                    lines.append(line)
                }
            }
            for (learner, lesson, cell) in problems {
                let state = cell.state
                lines.append(
                    "  " + paint(state.glyph, attributes(state)) + " \(ANSI.sanitized(learner.name)) · \(ANSI.sanitized(lesson.id)): "
                        + ANSI.sanitized(Self.explain(cell)))
            }
        }
        return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
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
