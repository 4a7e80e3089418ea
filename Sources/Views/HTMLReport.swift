import Classroom
import Course
import Foundation
import TerminalKit

/// The class matrix as one self-contained HTML page to put on a projector: a heatmap of
/// learners × lessons.
///
/// - No network: styles are inline, there are no scripts, fonts, or images.
/// - Colour-blind safe: the palette follows Okabe and Ito, and every cell also carries a
///   glyph and a word (`✓ pass`, `✗! FAILS NOW`); the alarming states add a pattern.
/// - Projector-sized: large type, strong contrast, a light background; the header row
///   and the name column stay in view while scrolling.
/// - Hovering a cell shows the details, including the ids of the failing checks
///   (`title` attributes, so it works without scripts).
///
/// Everything that comes from a branch (names, check ids, messages) is escaped: a learner
/// chooses their branch name. Control characters and bidi controls are spelled out as in
/// the terminal (``ANSI/sanitized(_:keepingLineBreaks:)``), names sit in `<bdi>` so a
/// right-to-left name cannot reorder what follows it, and a name that may pass for
/// another is flagged with its warnings.
public struct HTMLReport: Sendable {
    /// The page's `<title>` and heading.
    public var title: String
    /// The time zone dates are shown in.
    public var timeZone: TimeZone

    /// When set, the page reloads itself this often (`<meta http-equiv="refresh">`), so a
    /// browser showing it on the projector follows the file as `class --watch` rewrites it.
    public var refreshSeconds: Int?

    public init(title: String = "asynclings · class view", timeZone: TimeZone = .current, refreshSeconds: Int? = nil) {
        self.title = title
        self.timeZone = timeZone
        self.refreshSeconds = refreshSeconds.map { max(1, $0) }
    }

    public func render(_ matrix: ClassMatrix) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="asynclings class">\(refreshSeconds.map { "\n<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
            <title>\(escape(title))</title>
            <style>
            \(Self.styleSheet)
            </style>
            </head>
            <body>
            <header>
            <h1>\(escape(title))</h1>
            <p class="summary">\(escape(summaryLine(matrix)))</p>
            </header>

            """
        html += legend(matrix)
        if matrix.learners.isEmpty {
            html += "<p class=\"empty\">No learner branches yet. Learners push <code>learner/NAME</code> branches.</p>\n"
        } else {
            html += table(matrix)
            html += problems(matrix)
        }
        var footer = "Generated \(format(matrix.generated))."
        if let refreshSeconds { footer += " Reloads every \(refreshSeconds) s." }
        html += "<footer>\(escape(footer)) Hover a cell for details.</footer>\n"
        html += "</body>\n</html>\n"
        return html
    }

    // MARK: - Parts

    func summaryLine(_ matrix: ClassMatrix) -> String {
        let summary = matrix.summary
        var parts = [
            "\(summary.learners) learner\(summary.learners == 1 ? "" : "s") × \(summary.lessons) lesson\(summary.lessons == 1 ? "" : "s")",
            "\(summary.passed) pass\(summary.passed == 1 ? "" : "es")",
        ]
        if let regrade = matrix.regrade {
            parts.append("re-graded with \(regrade.courseRef) (\(regrade.courseCommit.prefix(7)))")
            parts.append("\(summary.failsNow) recorded pass\(summary.failsNow == 1 ? "" : "es") failing now")
            if summary.regressed > 0 {
                parts.append("\(summary.regressed) changed file\(summary.regressed == 1 ? "" : "s") failing now")
            }
        }
        if summary.missingFile > 0 {
            parts.append("\(summary.missingFile) recorded pass\(summary.missingFile == 1 ? "" : "es") without an exercise file")
        }
        if summary.flaggedLearners > 0 {
            parts.append("\(summary.flaggedLearners) learner\(summary.flaggedLearners == 1 ? "" : "s") flagged")
        }
        if summary.refused > 0 { parts.append("\(summary.refused) refused file\(summary.refused == 1 ? "" : "s")") }
        return parts.joined(separator: " · ")
    }

    func legend(_ matrix: ClassMatrix) -> String {
        var states: [CellState] = [.passed, .changed, .missingFile, .refused, .none]
        if matrix.regrade != nil {
            states = [.passed, .failsNow, .regressed, .changed, .passing, .failing, .missingFile, .refused, .error, .none]
        }
        var html = "<ul class=\"legend\" aria-label=\"Legend\">\n"
        for state in states {
            html += "<li><span class=\"cell s-\(state.rawValue)\"><span class=\"g\">\(escape(state.glyph))</span>"
            if state != .none { html += " <span class=\"l\">\(escape(state.label))</span>" }
            html += "</span> \(escape(state.meaning))</li>\n"
        }
        return html + "</ul>\n"
    }

    func table(_ matrix: ClassMatrix) -> String {
        var html = "<div class=\"scroll\">\n<table class=\"matrix\">\n<thead>\n<tr><th scope=\"col\" class=\"name\">Learner</th>"
        for column in matrix.lessons {
            let slug = Lesson.slug(ofID: column.id) ?? ""
            let tip = column.title.map { "\(column.id): \($0)" } ?? column.id
            html += "<th scope=\"col\" title=\"\(escape(tip))\"><span class=\"num\">\(escape(column.shortID))</span>"
            if !slug.isEmpty { html += "<span class=\"slug\">\(escape(slug))</span>" }
            html += "</th>"
        }
        html += "<th scope=\"col\">Passed</th><th scope=\"col\">Attempts</th><th scope=\"col\">Hints</th><th scope=\"col\">Last pass</th></tr>\n</thead>\n<tbody>\n"
        for learner in matrix.learners {
            var nameTitle = learner.branch + " @ " + String(learner.tip.prefix(7))
            for warning in learner.warnings { nameTitle += "\n⚑ " + warning.description }
            let flagged = learner.warnings.isEmpty ? "" : " flagged"
            let mark = learner.warnings.isEmpty ? "" : "<span class=\"flag\" aria-label=\"flagged\">⚑</span> "
            html += "<tr><th scope=\"row\" class=\"name\(flagged)\" title=\"\(escape(nameTitle))\">\(mark)<bdi>\(escape(learner.name))</bdi></th>"
            for (index, cell) in learner.cells.enumerated() {
                let state = cell.state
                let hover = "\(learner.name) · \(matrix.lessons[index].id)\n\(state.label): \(hoverText(cell))"
                html += "<td class=\"cell s-\(state.rawValue)\" title=\"\(escape(hover))\">"
                html += "<span class=\"g\">\(escape(state.glyph))</span>"
                // An empty cell stays quiet: a room of "none" labels would drown the rest.
                if state != .none { html += "<span class=\"l\">\(escape(state.label))</span>" }
                if let detail = detail(cell) { html += "<span class=\"d\">\(escape(detail))</span>" }
                html += "</td>"
            }
            html += "<td class=\"n\">\(learner.passedCount)/\(matrix.lessons.count)</td>"
            html += "<td class=\"n\">\(learner.attempts)</td><td class=\"n\">\(learner.hints)</td>"
            html += "<td class=\"n\">\(escape(learner.lastPass.map(format) ?? "—"))</td></tr>\n"
        }
        html += "</tbody>\n<tfoot>\n<tr><th scope=\"row\" class=\"name\">Passed</th>"
        for index in matrix.lessons.indices {
            let count = matrix.learners.filter { $0.cells[index].state == .passed }.count
            html += "<td class=\"n\">\(count)/\(matrix.learners.count)</td>"
        }
        html += "<td></td><td></td><td></td><td></td></tr>\n</tfoot>\n</table>\n</div>\n"
        return html
    }

    func problems(_ matrix: ClassMatrix) -> String {
        let problems = matrix.problems
        let flagged = matrix.learners.filter { !$0.warnings.isEmpty }
        guard !problems.isEmpty || !flagged.isEmpty else { return "" }
        var html = "<section class=\"problems\">\n<h2>Needs a look</h2>\n<ul>\n"
        for learner in flagged {
            var spelling = LearnerNames.spelledOut(learner.name)
            for warning in learner.warnings {
                html += "<li class=\"warning w-\(warning.kind)\"><span class=\"flag\">⚑</span> <strong><bdi>\(escape(learner.name))</bdi></strong> · "
                html += escape(warning.description)
                if warning.isAboutTheName, let spelled = spelling {
                    html += " (spelled <code>\(escape(spelled))</code>)"
                    spelling = nil
                }
                html += "</li>\n"
            }
        }
        for (learner, lesson, cell) in problems {
            html += "<li><span class=\"cell s-\(cell.state.rawValue)\"><span class=\"g\">\(escape(cell.state.glyph))</span> "
            html += "<span class=\"l\">\(escape(cell.state.label))</span></span> <strong><bdi>\(escape(learner.name))</bdi></strong> · "
            html += "\(escape(lesson.id)): \(escape(MatrixRenderer.explain(cell)))</li>\n"
        }
        return html + "</ul>\n</section>\n"
    }

    /// The small line under the label: attempts for a pass, failing checks for a failure.
    func detail(_ cell: Cell) -> String? {
        switch cell.state {
        case .passed:
            guard let record = cell.record else { return nil }
            return "\(record.attempts) tr\(record.attempts == 1 ? "y" : "ies")" + (record.hints > 0 ? ", \(record.hints) hint\(record.hints == 1 ? "" : "s")" : "")
        case .failsNow, .regressed, .failing:
            if case .fail(_, _, let failed)? = cell.regrade { return failed.joined(separator: " ") }
            return nil
        case .refused:
            if case .refused(let reason) = cell.file { return reason.kind }
            return nil
        default:
            return nil
        }
    }

    /// The hover text: the explanation plus, for a failure, the failing check ids alone
    /// on a line.
    func hoverText(_ cell: Cell) -> String {
        var text = MatrixRenderer.explain(cell)
        if case .fail(_, _, let failed)? = cell.regrade, !failed.isEmpty {
            text += "\nfailing checks: " + failed.joined(separator: ", ")
        }
        if let record = cell.record, let date = record.date {
            text += "\nrecorded \(format(date))"
        }
        return text
    }

    func format(_ date: Date) -> String {
        WallClock(timeZone: timeZone).format(date, dateStyle: .full)
    }

    /// Escapes text for an element body or a double-quoted attribute (``MarkupText``).
    public func escape(_ text: String) -> String {
        MarkupText.escaped(text)
    }

    /// Okabe–Ito colours (distinguishable with the common colour vision deficiencies),
    /// darkened where white text sits on them so the contrast stays at 4.5:1 or more.
    static let styleSheet = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 1.5rem; font: 20px/1.35 system-ui, "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif;
               color: #111; background: #fff; }
        h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
        h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
        .summary { margin: 0 0 1rem; font-size: 1.1rem; }
        .legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; list-style: none; padding: 0; margin: 0 0 1rem;
                  font-size: .8rem; }
        .legend .cell, .problems .cell { display: inline-block; padding: .1rem .4rem; border-radius: .25rem;
                  min-width: 0; }
        .scroll { overflow: auto; max-height: 80vh; border: 2px solid #222; }
        table.matrix { border-collapse: separate; border-spacing: 3px; }
        th { font-weight: 700; text-align: center; padding: .3rem .4rem; background: #fff; }
        thead th { position: sticky; top: 0; z-index: 2; border-bottom: 2px solid #222; }
        thead th .num { display: block; font-size: 1.3rem; }
        thead th .slug { display: block; font-size: .7rem; font-weight: 400; max-width: 7.5em; overflow: hidden;
                         text-overflow: ellipsis; white-space: nowrap; }
        th.name { text-align: left; position: sticky; left: 0; z-index: 1; max-width: 14em; overflow: hidden;
                  text-overflow: ellipsis; white-space: nowrap; }
        thead th.name { z-index: 3; }
        td.cell { min-width: 5.2em; height: 3.2rem; text-align: center; vertical-align: middle; border-radius: .3rem;
                  border: 2px solid transparent; cursor: help; }
        .cell .g { font-size: 1.25rem; font-weight: 700; }
        td.cell .g, td.cell .l, td.cell .d { display: block; line-height: 1.1; }
        .cell .l { font-size: .72rem; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
        .cell .d { font-size: .62rem; }
        td.n { text-align: right; padding: 0 .5rem; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tfoot td.n, tfoot th { text-align: center; font-size: .85rem; color: #333; border-top: 2px solid #222; }
        .s-passed { background: #00785a; color: #fff; }
        .s-fails-now { background: repeating-linear-gradient(135deg, #a4161a 0 10px, #7a0f12 10px 20px); color: #fff;
                       border-color: #000 !important; }
        .s-changed { background: #f0e442; color: #111; }
        .s-regressed { background: repeating-linear-gradient(135deg, #f0e442 0 10px, #e69f00 10px 20px); color: #111;
                       border-color: #7a0f12 !important; }
        .s-passing { background: #56b4e9; color: #0b1f33; }
        .s-failing { background: #e69f00; color: #111; }
        .s-refused { background: #cc79a7; color: #111; border: 2px dashed #111 !important; }
        .s-error { background: #555; color: #fff; }
        .s-missing-file { background: #fff; color: #7a0f12; border: 3px dotted #7a0f12 !important; }
        th.name.flagged { color: #7a0f12; background: #fff3f3; }
        .flag { color: #7a0f12; font-weight: 700; }
        .problems li.warning { list-style: none; margin-left: -1.2rem; }
        .s-none { background: #eee; color: #555; }
        .problems ul { padding-left: 1.2rem; }
        .problems li { margin: .3rem 0; }
        .empty { font-size: 1.2rem; }
        footer { margin-top: 1.5rem; font-size: .8rem; color: #444; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        @media (max-width: 900px) { body { font-size: 16px; margin: .5rem; } }
        @media print { .scroll { overflow: visible; max-height: none; border: 0; } }
        """
}
