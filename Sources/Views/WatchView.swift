import Course
import Grading
import TerminalKit
import Workshop

/// Draws a ``WatchModel`` as the lines of one screen: a header (lesson, progress, goal,
/// file status), a scrollable body, and a footer naming the keys.
///
/// Pure, like the model: the app passes in what it read from disk (the learner's code,
/// the solution) and how files are being watched. Text that can come from the learner's
/// side (their branch name, git's and the grader's messages, the report) is sanitised
/// (``ANSI/sanitized(_:keepingLineBreaks:)``) before it is styled.
public struct WatchView: Sendable {
    public var style: TerminalRenderer.Style
    public var rows: Int
    /// How saves are noticed, e.g. `watching (inotify)` or `polling every 0.5 s: …`.
    public var watchStatus: String
    /// Where progress goes, e.g. `recording on learner/ann`.
    public var storeStatus: String
    /// The learner's file as it passed, and the reference solution, for the pass screen.
    public var learnerCode: String?
    public var solutionCode: String?

    public init(
        style: TerminalRenderer.Style, rows: Int, watchStatus: String = "", storeStatus: String = "",
        learnerCode: String? = nil, solutionCode: String? = nil
    ) {
        self.style = style
        self.rows = rows
        self.watchStatus = watchStatus
        self.storeStatus = storeStatus
        self.learnerCode = learnerCode
        self.solutionCode = solutionCode
    }

    /// The screen's lines (at most `rows`, each at most `style.width` columns) and the
    /// scroll position actually used (clamped to the body).
    public func render(_ model: WatchModel) -> (lines: [String], scroll: Int) {
        let width = style.width
        var header = headerLines(model)
        header.append(paint(String(repeating: "─", count: width), .dim))
        let body = bodyLines(model)
        var footer = [paint(String(repeating: "─", count: width), .dim)]
        let bodyHeight = max(1, rows - header.count - 2)
        let scrollable = body.count > bodyHeight
        footer.append(footerLine(model, scrollable: scrollable))

        let maximumScroll = max(0, body.count - bodyHeight)
        let scroll = min(max(0, model.scroll), maximumScroll)
        var visible = Array(body.dropFirst(scroll).prefix(bodyHeight))
        if scrollable, scroll + bodyHeight < body.count, let last = visible.indices.last {
            visible[last] = paint("  ↓ \(body.count - scroll - bodyHeight) more line(s): ↓ or PgDn", .dim)
        }
        while visible.count < bodyHeight { visible.append("") }
        let lines = (header + visible + footer).prefix(max(1, rows)).map { ANSI.truncate($0, to: width) }
        return (Array(lines), scroll)
    }

    /// The line watch mode leaves on the normal screen: the lessons passed and what
    /// `asynclings` opens next time (`resume`, nil when all passed), and how to come back
    /// to `current` when that is another, unpassed lesson.
    public static func farewell(passed: Int, of total: Int, resume: String?, current: String?) -> String {
        var text = "asynclings: \(passed) of \(total) lessons passed."
        guard let resume else { return text + " Every lesson is done." }
        text += " Run `asynclings` to continue with \(resume)"
        if let current, current != resume {
            text += " (the first lesson not passed yet), or `asynclings watch \(current)` to come back to \(current)"
        }
        return text + "."
    }

    // MARK: - Header

    private func headerLines(_ model: WatchModel) -> [String] {
        let width = style.width
        var lines: [String] = []
        let title: String
        if let lesson = model.currentLesson {
            title = paint(" asynclings ", .bold, .inverse) + " " + paint(lesson.id, .bold) + "  " + lesson.title
        } else {
            title = paint(" asynclings ", .bold, .inverse)
        }
        lines.append(title)
        if model.screen == .loading {
            // Until progress is read the count is unknown: show none rather than a wrong one.
            lines.append(paint("reading your progress…", .dim))
        } else {
            let bar = ProgressBar.render(
                done: model.lessons.filter { model.passed.contains($0.id) }.count, total: model.lessons.count,
                width: min(48, width / 2), color: style.color)
            lines.append(bar + (storeStatus.isEmpty ? "" : paint("  · " + ANSI.sanitized(storeStatus), .dim)))
        }
        if let lesson = model.currentLesson, model.screen != .finished {
            let goal = TextWrap.wrap(paint("Goal: ", .bold) + lesson.summary, width: width)
            lines += goal.prefix(3)
            var status = paint(lesson.exercisePath, .foreground(.cyan))
            if model.grading {
                status += "  " + paint("⟳ grading…", .bold, .foreground(.yellow))
            } else {
                status += paint("  save it to grade · ", .dim)
            }
            status += paint(ANSI.sanitized(model.grading ? "  " + watchStatus : watchStatus), .dim)
            // Wrapped, not cut: on a narrow terminal the status takes a second line.
            lines += TextWrap.wrap(status, width: width)
        }
        return lines
    }

    // MARK: - Footer

    private func footerLine(_ model: WatchModel, scrollable: Bool) -> String {
        if model.quitting {
            return paint("Finishing the grade in progress… (q again quits now)", .bold, .foreground(.yellow))
        }
        let keys: [(String, String)]
        switch model.screen {
        case .loading:
            keys = [("q", "quit")]
        case .lesson:
            keys = [("h", "hint"), ("l", "lessons"), ("n", "next"), ("r", "re-run"), ("s", "text"), ("q", "quit")]
        case .passed:
            keys = [("n", "next lesson"), ("r", "re-run"), ("h", "hint"), ("l", "lessons"), ("s", "text"), ("q", "quit")]
        case .list where model.listQuery != nil:
            keys = [("type", "to filter"), ("enter", "open"), ("esc", "clear"), ("ctrl-c", "quit")]
        case .list:
            keys = [("↑↓", "move"), ("enter", "open"), ("/", "search"), ("esc", "back"), ("q", "quit")]
        case .text:
            keys = [("↑↓ PgUp PgDn", "scroll"), ("esc", "back"), ("q", "quit")]
        case .finished:
            keys = [("l", "lessons"), ("q", "quit")]
        }
        // Narrow terminals: tighter spacing, then the keys alone, rather than losing `q quit`.
        let roomy = keys.map { paint($0.0, .bold) + " " + $0.1 }.joined(separator: "  ")
        let tight = keys.map { paint($0.0, .bold) + " " + $0.1 }.joined(separator: " ")
        let scroll = scrollable && model.screen != .text ? paint("  ↑↓ scroll", .dim) : ""
        for candidate in [roomy + scroll, roomy, tight] where ANSI.visibleWidth(of: candidate) <= style.width {
            return candidate
        }
        return keys.map { paint($0.0, .bold) }.joined(separator: " ")
    }

    // MARK: - Body

    private func bodyLines(_ model: WatchModel) -> [String] {
        var lines: [String] = []
        if let notice = model.notice {
            lines += TextWrap.wrap(paint(ANSI.sanitized(notice, keepingLineBreaks: true), .foreground(.yellow)), width: style.width)
            lines.append("")
        }
        switch model.screen {
        case .loading:
            lines.append("Finding where you left off…")
        case .lesson:
            lines += hintLines(model)
            lines += verdictLines(model)
        case .passed:
            lines += passLines(model)
            let shownHints = hintLines(model)
            if !shownHints.isEmpty { lines += [""] + shownHints }
        case .list(let selection):
            lines += listLines(model, selection: selection)
        case .text:
            if let lesson = model.currentLesson {
                let markdown = LessonText.markdown(lesson)
                lines += TerminalRenderer(style: style).render(markdown: markdown).split(separator: "\n", omittingEmptySubsequences: false)
                    .map(String.init)
            }
        case .finished:
            lines.append(paint("Every lesson has passed: \(model.lessons.count) of \(model.lessons.count).", .bold, .foreground(.green)))
            lines.append("")
            lines += TextWrap.wrap(
                "Press l to open any lesson again (your files stay as they are), or q to quit. "
                    + "`asynclings reset LESSON` puts a starter back if you want to try one afresh.", width: style.width)
        }
        return lines
    }

    private func hintLines(_ model: WatchModel) -> [String] {
        guard let lesson = model.currentLesson, let shown = model.hints[lesson.id], !shown.isEmpty else { return [] }
        var lines: [String] = []
        let total = model.hintTotals[lesson.id] ?? shown.count
        for (index, hint) in shown.enumerated() {
            let label = paint("Hint \(index + 1) of \(total): ", .bold, .foreground(.yellow))
            let wrapped = TextWrap.wrap(label + inlineMarkdown(hint), width: style.width - 2)
            lines += wrapped.map { "  " + $0 }
        }
        lines.append("")
        return lines
    }

    private func verdictLines(_ model: WatchModel) -> [String] {
        guard let lesson = model.currentLesson else { return [] }
        switch model.verdict {
        case .none:
            return [paint(model.grading ? "Grading \(lesson.exercisePath)…" : "Not graded yet: save the file or press r.", .dim)]
        case .unavailable(let message):
            return TextWrap.wrap(
                paint("Could not grade: ", .bold, .foreground(.red)) + ANSI.sanitized(message, keepingLineBreaks: true), width: style.width)
        case .graded(let check):
            var lines = ReportRenderer(style: style)
                .render(
                    check.report, hints: lesson.hints.count,
                    // Hints taken since the grade count too: the line counts down as `h` is pressed.
                    hintsSeen: max(check.hintsSeen, model.hints[lesson.id]?.count ?? 0),
                    hintAdvice: "press h for a hint"
                )
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if case .attemptCounted(let attempts) = check.recording {
                lines.append(paint("Attempt \(attempts) on this branch.", .dim))
            }
            return lines
        }
    }

    private func passLines(_ model: WatchModel) -> [String] {
        guard let lesson = model.currentLesson, case .graded(let check) = model.verdict else { return [] }
        var lines: [String] = []
        let report = check.report
        lines.append(
            paint("✓ \(lesson.id) passed", .bold, .foreground(.green))
                + paint(" — \(report.passedCount) of \(report.checks.count) checks", .dim))
        switch check.recording {
        case .recorded(let branch, let commit, let attempts, let hints):
            let short = String(commit.prefix(7))
            let counts = "\(attempts) attempt\(attempts == 1 ? "" : "s"), \(hints) hint\(hints == 1 ? "" : "s")"
            lines.append("Recorded on \(paint(ANSI.sanitized(branch), .bold)) as commit \(paint(short, .foreground(.yellow))) (\(counts)).")
        case .notRecorded(let reason):
            lines += TextWrap.wrap(paint("Not recorded in git: \(ANSI.sanitized(reason.description, keepingLineBreaks: true))", .dim), width: style.width)
        case .attemptCounted:
            break
        }
        lines.append("")
        if let learner = learnerCode, let solution = solutionCode {
            lines.append(paint("Your code beside the reference solution", .bold))
            lines += SolutionDiffRenderer(style: style).render(learner: learner, solution: solution, notes: lesson.explanations)
            lines.append("")
        }
        if let next = model.nextUnfinished() {
            let upcoming = model.lessons[next]
            lines += TextWrap.wrap(
                "Press " + paint("n", .bold) + " for the next lesson (\(upcoming.id): \(upcoming.title)) when you are ready. "
                    + "Saving the file grades it again.", width: style.width)
        } else {
            lines.append(paint("That was the last lesson left: press n.", .bold))
        }
        return lines
    }

    private func listLines(_ model: WatchModel, selection: Int) -> [String] {
        var lines = [paint("Lessons", .bold) + paint("  ✓ passed  ▸ current", .dim)]
        if let query = model.listQuery {
            lines.append(paint("/", .bold) + query + paint("▏", .foreground(.cyan)))
        }
        lines.append("")
        let idWidth = min(30, model.lessons.map(\.id.count).max() ?? 10)
        let listed = model.listedLessons
        if listed.isEmpty { lines.append(paint("  no lesson matches", .dim)) }
        for index in listed {
            let lesson = model.lessons[index]
            let mark =
                model.passed.contains(lesson.id)
                ? paint("✓", .foreground(.green)) : (index == model.current ? paint("▸", .foreground(.cyan)) : " ")
            let text = " \(mark) \(ANSI.pad(lesson.id, to: idWidth))  \(lesson.title)"
            lines.append(index == selection ? highlight(text) : text)
        }
        return lines
    }

    private func highlight(_ text: String) -> String {
        guard style.color else { return ">" + String(text.dropFirst()) }
        return ANSI.styled(ANSI.pad(ANSI.strip(text), to: style.width), [.inverse])
    }

    /// Hints are short markdown: render their inline code and emphasis.
    private func inlineMarkdown(_ text: String) -> String {
        let rendered = TerminalRenderer(style: TerminalRenderer.Style(color: style.color, width: 10_000)).render(markdown: text)
        return rendered.split(separator: "\n").joined(separator: " ")
    }

    private func paint(_ text: String, _ attributes: ANSI.SGR...) -> String {
        ANSI.styled(text, attributes, enabled: style.color)
    }
}
