/// Renders parsed Markdown for a terminal: ANSI styles in colour mode, plain readable text
/// (no escape sequences at all) otherwise, every line at most ``Style/width`` columns.
///
/// Layout decisions:
/// - Prose is word-wrapped by display width (see ``TextWrap/wrap(_:width:)``).
/// - Code is never reflowed. A line wider than the block is *soft-wrapped*: it continues
///   on the next line behind a `↪` marker in the gutter. Clipping would hide code the
///   learner has to read or type, so wrapping with a visible marker is the readable choice.
/// - Tables give the space they lack to the columns that need it most and wrap cell
///   text; when the columns could not even keep their words whole, each row is shown as
///   `Header: value` lines instead of a grid.
/// - Containers (quotes, list items) that would leave under ``minimumContentWidth``
///   columns for their content drop their indentation instead.
public struct TerminalRenderer: Sendable {
    /// How to render: with colour or plain, and for how many columns.
    public struct Style: Sendable, Equatable {
        /// Whether to use ANSI escape sequences. When false the output contains none.
        public var color: Bool
        /// The width of the terminal in columns.
        public var width: Int

        public init(color: Bool, width: Int) {
            self.color = color
            self.width = width
        }
    }

    /// The narrowest column any content is given; also the smallest width rendered at.
    public static let minimumContentWidth = 10

    public var style: Style

    public init(style: Style) {
        self.style = style
    }

    /// Renders `blocks` as terminal text: lines separated and ended by `"\n"` (the empty
    /// string for no blocks).
    public func render(_ blocks: [Markdown.Block]) -> String {
        let width = max(style.width, Self.minimumContentWidth)
        let lines = renderBlocks(blocks, width: width, depth: 0, tight: false)
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// Parses and renders Markdown source; see ``render(_:)``.
    public func render(markdown: String) -> String {
        render(Markdown.parse(markdown))
    }

    // MARK: - Blocks

    private func renderBlocks(_ blocks: [Markdown.Block], width: Int, depth: Int, tight: Bool) -> [String] {
        var lines: [String] = []
        for block in blocks {
            let rendered = renderBlock(block, width: width, depth: depth)
            guard !rendered.isEmpty else { continue }
            if !lines.isEmpty && !tight { lines.append("") }
            lines += rendered
        }
        return lines
    }

    private func renderBlock(_ block: Markdown.Block, width: Int, depth: Int) -> [String] {
        switch block {
        case .heading(let level, let inlines):
            return renderHeading(level: level, inlines, width: width)
        case .paragraph(let inlines):
            return TextWrap.wrap(inlineText(inlines), width: width)
        case .codeBlock(let language, let code):
            return renderCode(language: language, code: code, width: width)
        case .blockQuote(let blocks):
            return renderQuote(blocks, width: width, depth: depth)
        case .list(let ordered, let start, let tight, let items):
            return renderList(ordered: ordered, start: start, tight: tight, items: items, width: width, depth: depth)
        case .table(let alignments, let header, let rows):
            return renderTable(alignments: alignments, header: header, rows: rows, width: width)
        case .thematicBreak:
            return [styled(String(repeating: "─", count: width), .dim)]
        case .htmlBlock(let html):
            return renderHTML(html, width: width)
        }
    }

    private func renderHeading(level: Int, _ inlines: [Markdown.Inline], width: Int) -> [String] {
        if style.color {
            let attributes: [ANSI.SGR]
            switch level {
            case 1: attributes = [.bold, .underline, .foreground(.brightCyan)]
            case 2: attributes = [.bold, .foreground(.brightCyan)]
            case 3: attributes = [.bold, .foreground(.cyan)]
            case 4: attributes = [.bold]
            default: attributes = [.bold, .italic]
            }
            return TextWrap.wrap(inlineText(inlines, base: attributes), width: width)
        }
        // Plain: setext underlines for the two main levels, ATX hashes below them.
        switch level {
        case 1, 2:
            let lines = TextWrap.wrap(inlineText(inlines), width: width)
            let rule = lines.map { ANSI.visibleWidth(of: $0) }.max() ?? 0
            return lines + [String(repeating: level == 1 ? "=" : "-", count: max(rule, 3))]
        default:
            let marker = String(repeating: "#", count: level) + " "
            return hang(TextWrap.wrap(inlineText(inlines), width: width - marker.count), first: marker)
        }
    }

    private func renderQuote(_ blocks: [Markdown.Block], width: Int, depth: Int) -> [String] {
        guard width - 2 >= Self.minimumContentWidth else {
            return renderBlocks(blocks, width: width, depth: depth, tight: false)
        }
        let body = renderBlocks(blocks, width: width - 2, depth: depth, tight: false)
        let bar = styled("│", .foreground(.brightBlack))
        return body.map { $0.isEmpty ? bar : bar + " " + $0 }
    }

    private func renderList(
        ordered: Bool, start: Int, tight: Bool, items: [Markdown.ListItem], width: Int, depth: Int
    ) -> [String] {
        let bullets = ["•", "◦", "▪"]
        let numberWidth = ordered ? String(start + max(items.count - 1, 0)).count : 0
        let hasTasks = items.contains { $0.task != nil }
        var lines: [String] = []
        for (offset, item) in items.enumerated() {
            // The marker: a right-aligned number or a bullet per depth, then the checkbox,
            // which replaces the bullet of a task item.
            var plainMarker = ""
            var marker = ""
            if ordered {
                let number = String(start + offset) + "."
                let padded = String(repeating: " ", count: max(0, numberWidth - (number.count - 1))) + number
                plainMarker += padded + " "
                marker += styled(padded, .foreground(.cyan)) + " "
            }
            switch item.task {
            case .checked?:
                plainMarker += "[✓] "
                marker += styled("[✓]", .bold, .foreground(.green)) + " "
            case .unchecked?:
                plainMarker += "[ ] "
                marker += styled("[ ]", .foreground(.brightBlack)) + " "
            case nil:
                if !ordered {
                    // Keep task and plain items aligned within one list.
                    let bullet = bullets[depth % bullets.count]
                    let text = hasTasks ? bullet + "   " : bullet + " "
                    plainMarker += text
                    marker += styled(bullet, .foreground(.cyan)) + String(text.dropFirst())
                } else if hasTasks {
                    plainMarker += "    "
                    marker += "    "
                }
            }
            let indent = ANSI.visibleWidth(of: plainMarker)
            if !lines.isEmpty && !tight { lines.append("") }
            if width - indent < Self.minimumContentWidth {
                // Too deep for a hanging indent: the marker gets its own line.
                lines.append(marker.trimmingTrailingSpaces())
                lines += renderBlocks(item.blocks, width: width, depth: depth + 1, tight: tight)
                continue
            }
            let body = renderBlocks(item.blocks, width: width - indent, depth: depth + 1, tight: tight)
            lines += body.isEmpty ? [marker.trimmingTrailingSpaces()] : hang(body, first: marker, width: indent)
        }
        return lines
    }

    private func renderHTML(_ html: String, width: Int) -> [String] {
        let trimmed = html.trimmingTrailingNewlines()
        // Comments are notes for authors, not for learners.
        if trimmed.hasPrefix("<!--") && trimmed.hasSuffix("-->") { return [] }
        return TextWrap.lines(sanitize(trimmed, keepNewlines: true)).flatMap { line in
            TextWrap.hardWrap(expandTabs(line), width: width).map { styled($0, .foreground(.brightBlack)) }
        }
    }

    // MARK: - Code

    private static let pythonLanguages: Set<String> = ["python", "py", "python3", "py3", "asyncio"]
    private static let consoleLanguages: Set<String> = ["pycon", "pyrepl", "python-repl"]

    private func renderCode(language: String?, code: String, width: Int) -> [String] {
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
                for (index, piece) in TextWrap.hardWrap(line, width: contentWidth).enumerated() {
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
    private func highlightConsole(_ source: String) -> String {
        source.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            for prompt in [">>> ", "... "] where line.hasPrefix(prompt) {
                return styled(prompt, .foreground(.brightBlack))
                    + PythonHighlighter.highlight(String(line.dropFirst(prompt.count)))
            }
            if line == ">>>" || line == "..." { return styled(String(line), .foreground(.brightBlack)) }
            return String(line)
        }.joined(separator: "\n")
    }

    // MARK: - Tables

    private func renderTable(
        alignments: [Markdown.Alignment], header: [[Markdown.Inline]], rows: [[[Markdown.Inline]]], width: Int
    ) -> [String] {
        let columns = alignments.count
        guard columns > 0 else { return [] }
        let headerCells = header.map { inlineText($0, base: [.bold]) }
        let bodyCells = rows.map { row in row.map { inlineText($0) } }
        let allRows = (headerCells.isEmpty ? [] : [headerCells]) + bodyCells

        // Natural width: the widest line of any cell. Minimum: the widest word, so that a
        // column at least never breaks words (capped, or one URL would force records).
        var natural = Array(repeating: 1, count: columns)
        var minimum = Array(repeating: 1, count: columns)
        for row in allRows {
            for (column, cell) in row.enumerated() where column < columns {
                let cellWidth = TextWrap.lines(cell).map { ANSI.visibleWidth(of: $0) }.max() ?? 0
                natural[column] = max(natural[column], cellWidth)
                let longestWord =
                    ANSI.strip(cell).split(whereSeparator: { $0 == " " || $0 == "\n" })
                    .map { ANSI.visibleWidth(of: String($0)) }.max() ?? 0
                minimum[column] = max(minimum[column], min(longestWord, Self.longestUnbrokenCell))
            }
        }

        // "│ " + cells joined by " │ " + " │"
        let budget = width - (3 * columns + 1)
        guard budget >= minimum.reduce(0, +) else {
            // A grid this narrow would break words in every cell: records read better.
            return renderTableAsRecords(header: headerCells, rows: bodyCells, width: width)
        }
        let widths = Self.columnWidths(natural: natural, minimum: minimum, budget: budget)

        let border = { (left: String, middle: String, right: String) -> String in
            self.styled(
                left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right,
                .foreground(.brightBlack))
        }
        let bar = styled("│", .foreground(.brightBlack))

        func renderRow(_ cells: [String]) -> [String] {
            let wrapped = (0..<columns).map { column in
                TextWrap.wrap(column < cells.count ? cells[column] : "", width: widths[column])
            }
            let height = wrapped.map(\.count).max() ?? 1
            return (0..<height).map { lineIndex in
                let parts = (0..<columns).map { column -> String in
                    let text = lineIndex < wrapped[column].count ? wrapped[column][lineIndex] : ""
                    return ANSI.pad(text, to: widths[column], alignment: Self.alignment(alignments[column]))
                }
                return bar + " " + parts.joined(separator: " " + bar + " ") + " " + bar
            }
        }

        var lines = [border("┌", "┬", "┐")]
        if !headerCells.isEmpty {
            lines += renderRow(headerCells)
            lines.append(border("├", "┼", "┤"))
        }
        let renderedRows = bodyCells.map(renderRow)
        // Rules between rows only when some row wraps: otherwise rows are easy to tell apart.
        let separateRows = renderedRows.contains { $0.count > 1 }
        for (index, row) in renderedRows.enumerated() {
            if index > 0 && separateRows { lines.append(border("├", "┼", "┤")) }
            lines += row
        }
        if headerCells.isEmpty && bodyCells.isEmpty { return [] }
        lines.append(border("└", "┴", "┘"))
        return lines
    }

    /// The widest word a table column is guaranteed to keep whole.
    static let longestUnbrokenCell = 16

    /// Column widths within `budget` (which must be at least the sum of `minimum`): every
    /// column gets its minimum, and the space left is shared in proportion to how much
    /// each column still lacks of its natural width (the CSS automatic table layout).
    static func columnWidths(natural: [Int], minimum: [Int], budget: Int) -> [Int] {
        guard natural.reduce(0, +) > budget else { return natural }
        var widths = minimum
        let lacking = natural.indices.map { max(0, natural[$0] - minimum[$0]) }
        let totalLacking = lacking.reduce(0, +)
        let spare = budget - minimum.reduce(0, +)
        guard totalLacking > 0, spare > 0 else { return widths }
        var given = 0
        for column in natural.indices {
            let share = spare * lacking[column] / totalLacking
            widths[column] += share
            given += share
        }
        // Rounding leftovers go to the columns that lack the most.
        for column in natural.indices.sorted(by: { lacking[$0] > lacking[$1] }) where given < spare {
            if widths[column] < natural[column] {
                widths[column] += 1
                given += 1
            }
        }
        return widths
    }

    private static func alignment(_ alignment: Markdown.Alignment) -> ANSI.Alignment {
        switch alignment {
        case .none, .left: return .left
        case .center: return .center
        case .right: return .right
        }
    }

    /// A table too wide for any grid: each row as `Header: value` lines, rows separated
    /// by a short rule.
    private func renderTableAsRecords(header: [String], rows: [[String]], width: Int) -> [String] {
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            if index > 0 {
                lines.append(styled(String(repeating: "─", count: min(width, 8)), .foreground(.brightBlack)))
            }
            for (column, cell) in row.enumerated() {
                let label = column < header.count ? header[column] : ""
                let text = label.isEmpty ? cell : label + ": " + cell
                lines += hang(TextWrap.wrap(text, width: width - 2), first: "", width: 2, indentFirst: false)
            }
        }
        return lines
    }

    // MARK: - Inlines

    /// The inlines as one styled string (newlines only for hard breaks), ready to wrap.
    private func inlineText(_ inlines: [Markdown.Inline], base: [ANSI.SGR] = []) -> String {
        var writer = InlineWriter(color: style.color, base: base)
        write(inlines, to: &writer)
        return writer.finish()
    }

    private func write(_ inlines: [Markdown.Inline], to writer: inout InlineWriter) {
        for inline in inlines {
            switch inline {
            case .text(let text):
                writer.text(sanitize(text, keepNewlines: false))
            case .code(let code):
                writer.wrapped(in: [.foreground(.yellow)], plainMark: "`") {
                    $0.text(sanitize(code, keepNewlines: false))
                }
            case .emphasis(let children):
                writer.wrapped(in: [.italic], plainMark: "*") { write(children, to: &$0) }
            case .strong(let children):
                writer.wrapped(in: [.bold], plainMark: "**") { write(children, to: &$0) }
            case .strikethrough(let children):
                writer.wrapped(in: [.strikethrough], plainMark: "~~") { write(children, to: &$0) }
            case .link(let destination, let children):
                let url = sanitize(destination, keepNewlines: false)
                if !children.isEmpty {
                    writer.wrapped(in: [.underline, .foreground(.blue)], plainMark: "") { write(children, to: &$0) }
                }
                if !Self.linkShowsItself(text: Self.plainText(children), destination: destination) {
                    writer.wrapped(in: [.foreground(.brightBlack)], plainMark: "") {
                        $0.text((children.isEmpty ? "<" : " <") + url + ">")
                    }
                }
            case .image(let source, let alt):
                writer.wrapped(in: [.italic], plainMark: "") {
                    $0.text("[image")
                    if !alt.isEmpty {
                        $0.text(": ")
                        write(alt, to: &$0)
                    }
                    $0.text("]")
                }
                if !source.isEmpty {
                    writer.wrapped(in: [.foreground(.brightBlack)], plainMark: "") {
                        $0.text(" <" + sanitize(source, keepNewlines: false) + ">")
                    }
                }
            case .lineBreak:
                writer.text("\n")
            case .softBreak:
                writer.text(" ")
            case .html(let html):
                let lowered = html.lowercased().filter { $0 != " " }
                if lowered == "<br>" || lowered == "<br/>" {
                    writer.text("\n")
                } else if !lowered.hasPrefix("<!--") {
                    writer.wrapped(in: [.foreground(.brightBlack)], plainMark: "") {
                        $0.text(sanitize(html, keepNewlines: false))
                    }
                }
            }
        }
    }

    /// Whether printing a link's destination after its text would only repeat it
    /// (autolinks, `<https://…>`, `www.…` which GFM prefixes with `http://`).
    static func linkShowsItself(text: String, destination: String) -> Bool {
        text == destination || "http://" + text == destination || "https://" + text == destination
            || "mailto:" + text == destination
    }

    private static func plainText(_ inlines: [Markdown.Inline]) -> String {
        inlines.map { inline -> String in
            switch inline {
            case .text(let text), .code(let text), .html(let text): return text
            case .emphasis(let children), .strong(let children), .strikethrough(let children),
                .link(_, let children), .image(_, let children):
                return plainText(children)
            case .lineBreak, .softBreak: return " "
            }
        }.joined()
    }

    // MARK: - Helpers

    /// `text` styled when colour is on, unchanged otherwise.
    private func styled(_ text: String, _ attributes: ANSI.SGR...) -> String {
        ANSI.styled(text, attributes, enabled: style.color)
    }

    /// Prefixes the first line with `first` and indents the rest to line up under it.
    private func hang(_ lines: [String], first: String, width: Int? = nil, indentFirst: Bool = true) -> [String] {
        let indentWidth = width ?? ANSI.visibleWidth(of: first)
        let indent = String(repeating: " ", count: indentWidth)
        return lines.enumerated().map { index, line in
            if index == 0 { return indentFirst ? first + line : line }
            return line.isEmpty ? "" : indent + line
        }
    }

    /// Replaces control characters with visible symbols, so text from a lesson can never
    /// emit its own escape sequences (and plain mode stays free of them).
    private func sanitize(_ text: String, keepNewlines: Bool) -> String {
        guard text.unicodeScalars.contains(where: Self.isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A where keepNewlines, 0x09:
                result.append(scalar)
            case 0x0A, 0x0D:
                result.append(" ")
            case 0x00..<0x20:
                // U+2400 block: ␀ … ␟, so ESC shows as ␛.
                result.append(Unicode.Scalar(0x2400 + scalar.value) ?? "\u{FFFD}")
            case 0x7F:
                result.append("\u{2421}")
            case 0x80..<0xA0:
                result.append("\u{FFFD}")
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
    }

    /// Tabs to spaces at 4-column stops, per line, so code keeps its shape.
    private func expandTabs(_ text: String) -> String {
        guard text.contains("\t") else { return text }
        var result = ""
        var column = 0
        for character in text {
            switch character {
            case "\t":
                let spaces = 4 - column % 4
                result += String(repeating: " ", count: spaces)
                column += spaces
            case "\n":
                result.append(character)
                column = 0
            default:
                result.append(character)
                column += ANSI.width(of: character)
            }
        }
        return result
    }
}

/// Builds one styled string from nested inline styles.
///
/// SGR has no "pop": turning bold off (22) also turns off a heading's bold around it. So
/// closing a style resets everything and re-applies the enclosing styles.
private struct InlineWriter {
    let color: Bool
    private(set) var output = ""
    private var stack: [[ANSI.SGR]]

    init(color: Bool, base: [ANSI.SGR]) {
        self.color = color
        self.stack = [base]
        if color { output += ANSI.sgr(base) }
    }

    mutating func text(_ text: String) {
        output += text
    }

    /// Runs `body` inside `attributes` (colour) or between `plainMark`s (plain).
    mutating func wrapped(in attributes: [ANSI.SGR], plainMark: String, _ body: (inout InlineWriter) -> Void) {
        guard color else {
            output += plainMark
            body(&self)
            output += plainMark
            return
        }
        stack.append(attributes)
        output += ANSI.sgr(attributes)
        body(&self)
        stack.removeLast()
        output += ANSI.reset + ANSI.sgr(stack.flatMap { $0 })
    }

    func finish() -> String {
        guard color, stack.contains(where: { !$0.isEmpty }) else { return output }
        return output + ANSI.reset
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }

    fileprivate func trimmingTrailingNewlines() -> String {
        var result = self
        while result.last == "\n" { result.removeLast() }
        return result
    }
}
