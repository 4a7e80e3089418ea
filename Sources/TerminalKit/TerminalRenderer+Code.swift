/// Code blocks: highlighted, never reflowed, soft-wrapped behind a `↪` marker on a terminal.
extension TerminalRenderer {
    private static let pythonLanguages: Set<String> = ["python", "py", "python3", "py3", "asyncio"]
    private static let consoleLanguages: Set<String> = ["pycon", "pyrepl", "python-repl"]

    func renderCode(language: String?, code: String, width: Int) -> [String] {
        let source = expandTabs(sanitize(code, keepNewlines: true))
        let key = language?.lowercased() ?? ""
        let highlighted: String
        if style.color && Self.pythonLanguages.contains(key) {
            highlighted = PythonHighlighter.highlight(source)
        } else if style.color && Self.consoleLanguages.contains(key) {
            highlighted = highlightConsole(source)
        } else {
            highlighted = source
        }
        let label = language.map { sanitize($0, keepNewlines: false) }

        guard style.color else {
            // Plain: indented like Markdown's own indented code, a label line above.
            let contentWidth = width - 4
            var lines: [String] = []
            if let label { lines.append("  [" + ANSI.truncate(label, to: width - 4) + "]") }
            for line in TextWrap.lines(highlighted) {
                // A pipe has no right edge: a code line stays whole, to copy as it is.
                let pieces = style.terminal ? TextWrap.hardWrap(line, width: contentWidth) : [line]
                for (index, piece) in pieces.enumerated() {
                    let gutter = index == 0 ? "    " : "  ↪ "
                    lines.append(piece.isEmpty ? "" : gutter + piece)
                }
            }
            return lines
        }

        // Colour: a box open on the right, so no padding is needed and long lines stay
        // easy to select; the gutter holds the continuation marker.
        let contentWidth = width - 2
        let bar = styled("│", .foreground(.brightBlack))
        let marker = styled("↪", .foreground(.brightBlack))
        var body: [String] = []
        var widest = 0
        for line in TextWrap.lines(highlighted) {
            for (index, piece) in TextWrap.hardWrap(line, width: contentWidth).enumerated() {
                widest = max(widest, ANSI.visibleWidth(of: piece))
                if index == 0 {
                    body.append(ANSI.visibleWidth(of: piece) == 0 ? bar : bar + " " + piece)
                } else {
                    body.append(marker + " " + piece)
                }
            }
        }
        let ruleWidth = min(width, max(widest + 2, 24))
        var top = "╭"
        if let label {
            let shown = ANSI.truncate(label, to: max(1, ruleWidth - 6))
            let dashes = max(1, ruleWidth - 4 - ANSI.visibleWidth(of: shown))
            top =
                styled("╭─ ", .foreground(.brightBlack)) + styled(shown, .bold)
                + styled(" " + String(repeating: "─", count: dashes), .foreground(.brightBlack))
        } else {
            top = styled("╭" + String(repeating: "─", count: ruleWidth - 1), .foreground(.brightBlack))
        }
        let bottom = styled("╰" + String(repeating: "─", count: ruleWidth - 1), .foreground(.brightBlack))
        return [top] + body + [bottom]
    }

    /// An interactive session: prompts dimmed and their input highlighted, output plain.
    func highlightConsole(_ source: String) -> String {
        source.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            for prompt in [">>> ", "... "] where line.hasPrefix(prompt) {
                return styled(prompt, .foreground(.brightBlack))
                    + PythonHighlighter.highlight(String(line.dropFirst(prompt.count)))
            }
            if line == ">>>" || line == "..." { return styled(String(line), .foreground(.brightBlack)) }
            return String(line)
        }.joined(separator: "\n")
    }
}
