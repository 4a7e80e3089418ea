import CCmarkGFM
import Foundation

/// GitHub-flavoured Markdown parsed by cmark-gfm into a plain Swift value tree.
///
/// The tree is `Sendable` and `Equatable`, so it can cross tasks, be cached, and be tested
/// with `==`:
///
/// ```swift
/// Markdown.parse("# Hi") == [.heading(level: 1, [.text("Hi")])]
/// ```
public enum Markdown {
    /// A block-level element.
    public indirect enum Block: Sendable, Equatable {
        /// An ATX (`#`) or setext (`===`) heading, level 1–6.
        case heading(level: Int, [Inline])
        case paragraph([Inline])
        /// A fenced or indented code block. `language` is the first word of the fence's
        /// info string (nil when there is none); `code` has no trailing newline.
        case codeBlock(language: String?, code: String)
        case blockQuote([Block])
        /// A bulleted (`ordered == false`) or numbered list. `start` is the first number
        /// (1 for bulleted lists); `tight` lists have no blank lines between items.
        case list(ordered: Bool, start: Int, tight: Bool, items: [ListItem])
        /// A GFM table. Every row has exactly `alignments.count` cells.
        case table(alignments: [Alignment], header: [[Inline]], rows: [[[Inline]]])
        case thematicBreak
        /// Raw HTML, as written (including its trailing newline, if any).
        case htmlBlock(String)
    }

    /// An inline element.
    public indirect enum Inline: Sendable, Equatable {
        /// Text; adjacent text nodes are merged, and smart punctuation is applied
        /// (“quotes”, ’apostrophes’, – and — dashes, … ellipses).
        case text(String)
        case code(String)
        case emphasis([Inline])
        case strong([Inline])
        case strikethrough([Inline])
        /// A link; GFM autolinks (`https://…`, `www.…`) are links whose text is the address.
        case link(destination: String, [Inline])
        /// An image: its source and alternative text.
        case image(source: String, alt: [Inline])
        /// A hard line break (two trailing spaces or a backslash).
        case lineBreak
        /// A line ending inside a paragraph; rendered as a space.
        case softBreak
        /// Inline raw HTML, as written.
        case html(String)
    }

    /// One item of a list.
    public struct ListItem: Sendable, Equatable {
        /// The checkbox of a GFM task list item (`- [x]`), nil for an ordinary item.
        public var task: TaskState?
        public var blocks: [Block]

        public init(task: TaskState? = nil, _ blocks: [Block]) {
            self.task = task
            self.blocks = blocks
        }
    }

    /// The state of a task list item's checkbox.
    public enum TaskState: Sendable, Equatable {
        case checked, unchecked
    }

    /// A table column's alignment, from its delimiter row (`:--`, `:-:`, `--:`).
    public enum Alignment: Sendable, Equatable {
        case none, left, center, right
    }

    /// Parses GitHub-flavoured Markdown: CommonMark with smart punctuation, plus tables,
    /// strikethrough, task lists and autolinks. Raw HTML is kept as `htmlBlock`/`html`.
    ///
    /// Parsing never fails: any text is some Markdown.
    /// - Parameter text: The Markdown source (without front matter).
    /// - Returns: The document's top-level blocks.
    public static func parse(_ text: String) -> [Block] {
        // cmark-gfm toggles process-global tables on every parse
        // (`cmark_manage_extensions_special_characters` writes `SPECIAL_CHARS`/`SKIP_CHARS`
        // in inlines.c) and registers extensions without a lock, so two parses on
        // different threads race. Parses take well under a millisecond: serialize them.
        parseLock.withLock { parseUnlocked(text) }
    }

    private static func parseUnlocked(_ text: String) -> [Block] {
        cmark_gfm_core_extensions_ensure_registered()
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT | CMARK_OPT_SMART) else { return [] }
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "tasklist", "autolink"] {
            // Registered by the call above; a nil here would mean a broken library build,
            // in which case we still parse plain CommonMark rather than crash.
            if let extensionHandle = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, extensionHandle)
            }
        }
        var source = text
        source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress {
                    cmark_parser_feed(parser, base, chars.count)
                }
            }
        }
        guard let document = cmark_parser_finish(parser) else { return [] }
        defer { cmark_node_free(document) }
        return blocks(in: document)
    }

    private static let parseLock = NSLock()

    // MARK: - Tree conversion

    private typealias Node = OpaquePointer

    private static func children(of node: Node) -> [Node] {
        var result: [Node] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            result.append(current)
            child = cmark_node_next(current)
        }
        return result
    }

    /// The node's type name. Extension node types (table, strikethrough …) are runtime
    /// values behind C globals that Swift 6 rejects as unsafe, so every type is matched by
    /// name, the one mechanism that works for core and extension nodes alike.
    private static func typeName(_ node: Node) -> String {
        guard let name = cmark_node_get_type_string(node) else { return "" }
        return String(cString: name)
    }

    private static func literal(_ node: Node) -> String {
        guard let text = cmark_node_get_literal(node) else { return "" }
        return String(cString: text)
    }

    private static func blocks(in node: Node) -> [Block] {
        children(of: node).flatMap(blocks(from:))
    }

    /// Converts one block node; returns several blocks only for unknown containers whose
    /// children are kept, and none for nodes with nothing to show.
    private static func blocks(from node: Node) -> [Block] {
        switch typeName(node) {
        case "paragraph":
            return [.paragraph(inlines(in: node))]
        case "heading":
            return [.heading(level: Int(cmark_node_get_heading_level(node)), inlines(in: node))]
        case "code_block":
            return [codeBlock(node)]
        case "block_quote":
            return [.blockQuote(blocks(in: node))]
        case "list":
            return [list(node)]
        case "table":
            return [table(node)]
        case "thematic_break":
            return [.thematicBreak]
        case "html_block":
            return [.htmlBlock(literal(node))]
        default:
            // Custom blocks, footnote definitions (not enabled) and anything a future
            // extension adds: keep the content rather than lose it.
            return blocks(in: node)
        }
    }

    private static func codeBlock(_ node: Node) -> Block {
        var code = literal(node)
        if code.hasSuffix("\n") { code.removeLast() }
        var language: String?
        if let info = cmark_node_get_fence_info(node) {
            let word = String(cString: info).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            language = word.map(String.init)
        }
        return .codeBlock(language: language, code: code)
    }

    private static func list(_ node: Node) -> Block {
        let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
        let items = children(of: node).map { item -> ListItem in
            var task: TaskState?
            // The tasklist extension re-labels checkbox items "tasklist" (type stays ITEM).
            if typeName(item) == "tasklist" {
                task = cmark_gfm_extensions_get_tasklist_item_checked(item) ? .checked : .unchecked
            }
            return ListItem(task: task, blocks(in: item))
        }
        return .list(
            ordered: ordered,
            start: ordered ? Int(cmark_node_get_list_start(node)) : 1,
            tight: cmark_node_get_list_tight(node) != 0,
            items: items)
    }

    private static func table(_ node: Node) -> Block {
        let columns = Int(cmark_gfm_extensions_get_table_columns(node))
        var alignments: [Alignment] = []
        if let raw = cmark_gfm_extensions_get_table_alignments(node) {
            for column in 0..<columns {
                switch UInt8(raw[column]) {
                case UInt8(ascii: "l"): alignments.append(.left)
                case UInt8(ascii: "c"): alignments.append(.center)
                case UInt8(ascii: "r"): alignments.append(.right)
                default: alignments.append(.none)
                }
            }
        } else {
            alignments = Array(repeating: .none, count: columns)
        }
        var header: [[Inline]] = []
        var rows: [[[Inline]]] = []
        for row in children(of: node) {
            var cells = children(of: row).map { inlines(in: $0) }
            // cmark-gfm pads short rows already; normalize anyway so renderers can index.
            if cells.count < columns {
                cells += Array(repeating: [], count: columns - cells.count)
            } else if cells.count > columns {
                cells.removeLast(cells.count - columns)
            }
            if typeName(row) == "table_header" || cmark_gfm_extensions_get_table_row_is_header(row) != 0 {
                header = cells
            } else {
                rows.append(cells)
            }
        }
        return .table(alignments: alignments, header: header, rows: rows)
    }

    private static func inlines(in node: Node) -> [Inline] {
        var result: [Inline] = []
        for child in children(of: node) {
            for inline in inlines(from: child) {
                // cmark splits text at every special character and smart quote, and the
                // autolink extension leaves empty text nodes: merge and drop so that equal
                // documents give equal trees.
                if case .text(let more) = inline, more.isEmpty { continue }
                if case .text(let more) = inline, case .text(let text)? = result.last {
                    result[result.count - 1] = .text(text + more)
                } else {
                    result.append(inline)
                }
            }
        }
        return result
    }

    private static func inlines(from node: Node) -> [Inline] {
        switch typeName(node) {
        case "text":
            return [.text(literal(node))]
        case "code":
            return [.code(literal(node))]
        case "emph":
            return [.emphasis(inlines(in: node))]
        case "strong":
            return [.strong(inlines(in: node))]
        case "strikethrough":
            return [.strikethrough(inlines(in: node))]
        case "link":
            return [.link(destination: url(node), inlines(in: node))]
        case "image":
            return [.image(source: url(node), alt: inlines(in: node))]
        case "linebreak":
            return [.lineBreak]
        case "softbreak":
            return [.softBreak]
        case "html_inline":
            return [.html(literal(node))]
        default:
            // Unknown inline extensions: keep their text.
            let nested = inlines(in: node)
            return nested.isEmpty && !literal(node).isEmpty ? [.text(literal(node))] : nested
        }
    }

    private static func url(_ node: Node) -> String {
        guard let url = cmark_node_get_url(node) else { return "" }
        return String(cString: url)
    }
}
