/// Inline text: emphasis, code spans and links, styled or marked in plain text.
extension TerminalRenderer {
    /// The inlines as one styled string (newlines only for hard breaks), ready to wrap.
    func inlineText(_ inlines: [Markdown.Inline], base: [ANSI.SGR] = []) -> String {
        var writer = InlineWriter(color: style.color, marks: style.terminal, base: base)
        write(inlines, to: &writer)
        return writer.finish()
    }

    func write(_ inlines: [Markdown.Inline], to writer: inout InlineWriter) {
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

    static func plainText(_ inlines: [Markdown.Inline]) -> String {
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
}

/// Builds one styled string from nested inline styles.
///
/// SGR has no "pop": turning bold off (22) also turns off a heading's bold around it. So
/// closing a style resets everything and re-applies the enclosing styles.
struct InlineWriter {
    let color: Bool
    /// Plain text only: whether emphasis and code keep their Markdown marks.
    let marks: Bool
    private(set) var output = ""
    private var stack: [[ANSI.SGR]]

    init(color: Bool, marks: Bool, base: [ANSI.SGR]) {
        self.color = color
        self.marks = marks
        self.stack = [base]
        if color { output += ANSI.sgr(base) }
    }

    mutating func text(_ text: String) {
        output += text
    }

    /// Runs `body` inside `attributes` (colour), between `plainMark`s (plain, on a terminal) or bare.
    mutating func wrapped(in attributes: [ANSI.SGR], plainMark: String, _ body: (inout InlineWriter) -> Void) {
        guard color else {
            if marks { output += plainMark }
            body(&self)
            if marks { output += plainMark }
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
