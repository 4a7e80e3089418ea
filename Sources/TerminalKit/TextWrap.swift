/// Line breaking by display width for text that may contain ANSI escape sequences.
///
/// Every function here measures with ``ANSI/width(of:)`` (escapes 0, CJK and emoji 2,
/// combining marks 0), never splits an escape sequence or a grapheme cluster, and returns
/// self-contained lines: attributes still active at the end of a line are reset there and
/// switched on again at the start of the next, so a caller can add gutters or indents
/// without them picking up the style.
public enum TextWrap {
    /// Characters after which a word too long for a line is preferably broken (URLs, paths).
    public static let wordBreakCharacters: Set<Character> = ["/", "-", "_", ".", "?", "&", "=", "#", ",", ";"]

    /// Characters after which a code line is preferably broken.
    public static let codeBreakCharacters: Set<Character> = [" ", ",", "(", "[", "{", ";"]

    /// Word-wraps `text` so that no line is wider than `width` columns.
    ///
    /// - Runs of spaces are kept inside a line and dropped where the line is broken.
    /// - Newlines are hard breaks; spaces right after one (indentation) are kept if they fit.
    /// - A word wider than `width` is broken, after one of ``wordBreakCharacters`` when one
    ///   falls in the second half of the line, else at the last character that fits.
    /// - CJK ideographs may be broken between, as they are written without spaces.
    /// - A tab becomes one space (its real width depends on the column it lands in).
    ///
    /// The only way a line can exceed `width` is a single character wider than `width`
    /// (a wide character with `width` 1).
    /// - Parameters:
    ///   - text: The text; may contain escape sequences and newlines.
    ///   - width: The maximum width of a line in columns (at least 1 is used).
    /// - Returns: The lines, without newline characters; `[""]` for empty text.
    public static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        var builder = LineBuilder()
        var word: [Atom] = []
        var wordWidth = 0
        var gap: [Atom] = []

        // Places `word` (preceded by `gap`) on the current line or the next.
        func flushWord() {
            guard !word.isEmpty else { return }
            let gapWidth = gap.reduce(0) { $0 + $1.width }
            if !builder.hasContent {
                let keepSpaces = !builder.softWrapped && gapWidth + wordWidth <= width
                builder.append(contentsOf: keepSpaces ? gap : gap.filter(\.isEscape))
            } else if builder.lineWidth + gapWidth + wordWidth <= width {
                builder.append(contentsOf: gap)
            } else {
                // Break first, then replay the gap's escapes, so a style that opens before
                // this word opens on the line that shows it.
                builder.endLine(soft: true)
                builder.append(contentsOf: gap.filter(\.isEscape))
            }
            if builder.lineWidth + wordWidth <= width {
                builder.append(contentsOf: word)
            } else {
                appendBreaking(word, width: width, preferring: wordBreakCharacters, to: &builder)
            }
            word.removeAll(keepingCapacity: true)
            wordWidth = 0
            gap.removeAll(keepingCapacity: true)
        }

        // Escapes right after a word's last glyph. If another glyph follows they are inside
        // the word; if a space follows, those up to the last reset close the word's style and
        // stay with it, while later ones open the next word's style and go with the gap.
        var trailing: [Atom] = []
        // Ends the current word; returns the escapes that belong to the gap after it.
        func endWord() -> [Atom] {
            let lastReset = trailing.lastIndex {
                if case .escape(let sequence) = $0 { return ANSI.isSGRReset(sequence) }
                return false
            }
            let split = lastReset.map { $0 + 1 } ?? 0
            word += trailing[..<split]
            let opening = Array(trailing[split...])
            trailing.removeAll(keepingCapacity: true)
            flushWord()
            return opening
        }

        for atom in atoms(of: text) {
            if case .glyph = atom, !trailing.isEmpty {
                word += trailing
                trailing.removeAll(keepingCapacity: true)
            }
            switch atom {
            case .glyph(_, let glyphWidth, let breakable):
                if breakable {
                    flushWord()
                    word = [atom]
                    wordWidth = glyphWidth
                    flushWord()
                } else {
                    word.append(atom)
                    wordWidth += glyphWidth
                }
            case .escape:
                // Escapes travel with the word they touch, so a style that opens before a
                // word moves to the next line together with it.
                if word.isEmpty { gap.append(atom) } else { trailing.append(atom) }
            case .space:
                let opening = endWord()
                gap += opening
                gap.append(atom)
            case .newline:
                let opening = endWord()
                builder.append(contentsOf: gap.filter(\.isEscape))
                builder.append(contentsOf: opening)
                gap.removeAll(keepingCapacity: true)
                builder.endLine(soft: false)
            }
        }
        word += trailing
        flushWord()
        builder.append(contentsOf: gap.filter(\.isEscape))
        return builder.finish()
    }

    /// Breaks one line into pieces of at most `width` columns, keeping every character,
    /// whitespace included (used for code, which must not be reflowed).
    ///
    /// A break goes after one of `breakCharacters` when one falls in the second half of the
    /// piece, else after the last character that fits. Joining the pieces and stripping
    /// escapes gives back `line` (tabs become single spaces: expand them first).
    /// - Parameters:
    ///   - line: One line of text (newlines, if any, also break).
    ///   - width: The maximum width of a piece in columns (at least 1 is used).
    ///   - breakCharacters: Preferred characters to break after.
    /// - Returns: The pieces, at least one.
    public static func hardWrap(
        _ line: String, width: Int, preferringBreaksAfter breakCharacters: Set<Character> = codeBreakCharacters
    ) -> [String] {
        let width = max(1, width)
        var builder = LineBuilder()
        var run: [Atom] = []
        for atom in atoms(of: line) {
            if case .newline = atom {
                appendBreaking(run, width: width, preferring: breakCharacters, to: &builder)
                run.removeAll()
                builder.endLine(soft: false)
            } else {
                run.append(atom)
            }
        }
        appendBreaking(run, width: width, preferring: breakCharacters, to: &builder)
        return builder.finish()
    }

    /// Splits `text` at newlines, carrying attributes across: a style open at the end of a
    /// line (a triple-quoted string in highlighted code) is reset there and re-opened on the
    /// next line. Nothing else changes; tabs are kept.
    public static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var line = ""
        var active = SGRState()
        for segment in ANSI.segments(of: text) {
            switch segment {
            case .escape(let sequence):
                line += sequence
                active.apply(sequence)
            case .text(let piece):
                var parts = piece.split(separator: "\n", omittingEmptySubsequences: false)[...]
                line += parts.removeFirst()
                for part in parts {
                    if !active.isEmpty { line += ANSI.reset }
                    lines.append(line)
                    line = active.opening + part
                }
            }
        }
        lines.append(line)
        return lines
    }

    // MARK: - Internals

    /// The smallest units the wrapper moves around.
    enum Atom {
        /// A visible grapheme; `breakable` ones (CJK ideographs) allow a break on either side.
        case glyph(Character, width: Int, breakable: Bool)
        /// A breaking space.
        case space(Character, width: Int)
        /// A whole escape sequence (zero width).
        case escape(String)
        case newline

        var width: Int {
            switch self {
            case .glyph(_, let width, _), .space(_, let width): return width
            case .escape, .newline: return 0
            }
        }

        var isEscape: Bool {
            if case .escape = self { return true }
            return false
        }
    }

    static func atoms(of text: String) -> [Atom] {
        var result: [Atom] = []
        result.reserveCapacity(text.utf8.count)
        for segment in ANSI.segments(of: text) {
            switch segment {
            case .escape(let sequence):
                result.append(.escape(sequence))
            case .text(let piece):
                let bytes = piece.utf8
                var index = bytes.startIndex
                while index < bytes.endIndex {
                    let byte = bytes[index]
                    let next = bytes.index(after: index)
                    // Fast path: an ASCII byte not followed by a combining mark (anything
                    // non-ASCII might be one) is a whole grapheme cluster by itself.
                    if byte >= 0x20 && byte < 0x7F && (next == bytes.endIndex || bytes[next] < 0x80) {
                        if byte == 0x20 {
                            result.append(.space(" ", width: 1))
                        } else {
                            result.append(.glyph(Character(Unicode.Scalar(byte)), width: 1, breakable: false))
                        }
                        index = next
                        continue
                    }
                    let character = piece[index...].first ?? " "
                    index = piece.index(after: index)
                    switch character {
                    case "\n", "\r\n", "\r":
                        result.append(.newline)
                    case " ", "\t":
                        result.append(.space(" ", width: 1))
                    default:
                        if isBreakingSpace(character) {
                            result.append(.space(character, width: ANSI.width(of: character)))
                        } else {
                            let width = ANSI.width(of: character)
                            let breakable =
                                width == 2
                                && character.unicodeScalars.first.map { ANSI.isWide($0.value) } == true
                            result.append(.glyph(character, width: width, breakable: breakable))
                        }
                    }
                }
            }
        }
        return result
    }

    /// Space separators other than the no-break ones (U+00A0, U+2007, U+202F).
    private static func isBreakingSpace(_ character: Character) -> Bool {
        let scalars = character.unicodeScalars
        guard let scalar = scalars.first, scalars.count == 1 else { return false }
        // The Zs category, spelled out (a property lookup is slow).
        switch scalar.value {
        case 0x20, 0x1680, 0x2000...0x2006, 0x2008...0x200A, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Appends `atoms` starting on the current line, breaking lines so none exceeds `width`.
    private static func appendBreaking(
        _ atoms: [Atom], width: Int, preferring breakCharacters: Set<Character>,
        to builder: inout LineBuilder
    ) {
        var start = 0
        while start < atoms.count {
            let room = width - builder.lineWidth
            var end = start
            var used = 0
            var preferredEnd: Int?
            while end < atoms.count {
                let atomWidth = atoms[end].width
                if used + atomWidth > room { break }
                used += atomWidth
                end += 1
                if case .glyph(let character, _, _) = atoms[end - 1], breakCharacters.contains(character),
                    used * 2 >= room
                {
                    preferredEnd = end
                } else if case .space = atoms[end - 1], breakCharacters.contains(" "), used * 2 >= room {
                    preferredEnd = end
                }
            }
            if end == atoms.count {
                builder.append(contentsOf: atoms[start..<end])
                return
            }
            if let preferredEnd, preferredEnd > start {
                end = preferredEnd
            }
            if end == start || atoms[start..<end].allSatisfy({ $0.width == 0 }) {
                if builder.hasContent {
                    builder.endLine(soft: true)
                    continue
                }
                // Nothing fits on an empty line: a character wider than the whole width.
                // Place it anyway rather than loop forever.
                while end < atoms.count {
                    end += 1
                    if atoms[end - 1].width > 0 { break }
                }
            }
            builder.append(contentsOf: atoms[start..<end])
            builder.endLine(soft: true)
            start = end
        }
    }
}

/// The SGR sequences in effect at some point of a styled string.
struct SGRState {
    private var sequences: [String] = []

    var isEmpty: Bool { sequences.isEmpty }

    /// The sequences that switch the current attributes back on.
    var opening: String { sequences.joined() }

    mutating func apply(_ sequence: String) {
        guard ANSI.isSGR(sequence) else { return }
        if ANSI.isSGRReset(sequence) {
            // `ESC[0;1m` resets and then sets bold: replaying it alone restores the state.
            let onlyReset = sequence.allSatisfy { "\u{1B}\u{9B}[0;m".contains($0) }
            sequences = onlyReset ? [] : [sequence]
        } else {
            sequences.append(sequence)
        }
    }
}

/// Accumulates output lines and the attributes that must be carried from one to the next.
private struct LineBuilder {
    private(set) var lines: [String] = []
    private var line = ""
    private(set) var lineWidth = 0
    /// Whether the current line holds anything visible (zero-width marks included).
    private(set) var hasContent = false
    /// Whether the current line started because the previous one was too long.
    private(set) var softWrapped = false
    private var state = SGRState()

    mutating func append(_ atom: TextWrap.Atom) {
        switch atom {
        case .glyph(let character, let width, _), .space(let character, let width):
            line.append(character)
            lineWidth += width
            hasContent = true
        case .escape(let sequence):
            line += sequence
            state.apply(sequence)
        case .newline:
            break
        }
    }

    mutating func append<S: Sequence<TextWrap.Atom>>(contentsOf atoms: S) {
        for atom in atoms { append(atom) }
    }

    mutating func endLine(soft: Bool) {
        if !state.isEmpty { line += ANSI.reset }
        lines.append(line)
        line = state.opening
        lineWidth = 0
        hasContent = false
        softWrapped = soft
    }

    mutating func finish() -> [String] {
        if !state.isEmpty { line += ANSI.reset }
        lines.append(line)
        return lines
    }
}
