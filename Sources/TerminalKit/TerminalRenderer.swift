/// Renders parsed Markdown for a terminal: ANSI styles in colour mode, plain readable text
/// (no escape sequences at all) otherwise, every line at most ``Style/width`` columns
/// (but for code lines in a pipe, see ``Style/terminal``).
///
/// Layout decisions:
/// - Prose is word-wrapped by display width (see ``TextWrap/wrap(_:width:)``).
/// - Code is never reflowed. On a terminal a line wider than the block is *soft-wrapped*:
///   it continues on the next line behind a `↪` marker in the gutter. Clipping would hide code the
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
        /// Whether a terminal shows the output; false for a pipe or a file. Plain text for a
        /// terminal marks emphasis and code with Markdown's own marks (`**`, backticks), its
        /// only way to show them, and soft-wraps long code lines behind `↪`; plain text for
        /// a pipe drops the marks and leaves code lines whole, to read or copy as they are.
        public var terminal: Bool

        public init(color: Bool, width: Int, terminal: Bool = true) {
            self.color = color
            self.width = width
            self.terminal = terminal
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

    func renderBlocks(_ blocks: [Markdown.Block], width: Int, depth: Int, tight: Bool) -> [String] {
        var lines: [String] = []
        for block in blocks {
            let rendered = renderBlock(block, width: width, depth: depth)
            guard !rendered.isEmpty else { continue }
            if !lines.isEmpty && !tight { lines.append("") }
            lines += rendered
        }
        return lines
    }

    func renderBlock(_ block: Markdown.Block, width: Int, depth: Int) -> [String] {
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

    func renderHeading(level: Int, _ inlines: [Markdown.Inline], width: Int) -> [String] {
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

    func renderQuote(_ blocks: [Markdown.Block], width: Int, depth: Int) -> [String] {
        guard width - 2 >= Self.minimumContentWidth else {
            return renderBlocks(blocks, width: width, depth: depth, tight: false)
        }
        let body = renderBlocks(blocks, width: width - 2, depth: depth, tight: false)
        let bar = styled("│", .foreground(.brightBlack))
        return body.map { $0.isEmpty ? bar : bar + " " + $0 }
    }

    func renderList(
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

    func renderHTML(_ html: String, width: Int) -> [String] {
        let trimmed = html.trimmingTrailingNewlines()
        // Comments are notes for authors, not for learners.
        if trimmed.hasPrefix("<!--") && trimmed.hasSuffix("-->") { return [] }
        return TextWrap.lines(sanitize(trimmed, keepNewlines: true)).flatMap { line in
            TextWrap.hardWrap(expandTabs(line), width: width).map { styled($0, .foreground(.brightBlack)) }
        }
    }

    // MARK: - Helpers

    /// `text` styled when colour is on, unchanged otherwise.
    func styled(_ text: String, _ attributes: ANSI.SGR...) -> String {
        ANSI.styled(text, attributes, enabled: style.color)
    }

    /// Prefixes the first line with `first` and indents the rest to line up under it.
    func hang(_ lines: [String], first: String, width: Int? = nil, indentFirst: Bool = true) -> [String] {
        let indentWidth = width ?? ANSI.visibleWidth(of: first)
        let indent = String(repeating: " ", count: indentWidth)
        return lines.enumerated().map { index, line in
            if index == 0 { return indentFirst ? first + line : line }
            return line.isEmpty ? "" : indent + line
        }
    }

    /// Replaces control characters with visible symbols, so text from a lesson can never
    /// emit its own escape sequences (and plain mode stays free of them).
    func sanitize(_ text: String, keepNewlines: Bool) -> String {
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

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
    }

    /// Tabs to spaces at 4-column stops, per line, so code keeps its shape.
    func expandTabs(_ text: String) -> String {
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
