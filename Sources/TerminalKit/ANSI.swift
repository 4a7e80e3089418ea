/// ANSI terminal escape sequences: SGR styling, and measuring strings that contain them.
///
/// Everything here treats escape sequences as zero-width and never splits one, so the
/// helpers work on already-styled text (lesson prose, grade reports, progress bars).
public enum ANSI {
    /// The escape character that starts every sequence.
    public static let escape = "\u{1B}"

    /// Turns every attribute off (`ESC [ 0 m`).
    public static let reset = "\u{1B}[0m"

    /// A terminal colour. The sixteen named colours follow the user's terminal theme,
    /// which is why the renderers prefer them over `palette` and `rgb`.
    public enum Color: Sendable, Hashable {
        case black, red, green, yellow, blue, magenta, cyan, white
        case brightBlack, brightRed, brightGreen, brightYellow
        case brightBlue, brightMagenta, brightCyan, brightWhite
        /// One of the 256 xterm palette entries.
        case palette(UInt8)
        /// A 24-bit colour; not every terminal supports it.
        case rgb(UInt8, UInt8, UInt8)

        /// SGR parameters for this colour as a foreground (`background == false`) or background.
        fileprivate func parameters(background: Bool) -> String {
            let base = background ? 40 : 30
            let brightBase = background ? 100 : 90
            switch self {
            case .black: return "\(base + 0)"
            case .red: return "\(base + 1)"
            case .green: return "\(base + 2)"
            case .yellow: return "\(base + 3)"
            case .blue: return "\(base + 4)"
            case .magenta: return "\(base + 5)"
            case .cyan: return "\(base + 6)"
            case .white: return "\(base + 7)"
            case .brightBlack: return "\(brightBase + 0)"
            case .brightRed: return "\(brightBase + 1)"
            case .brightGreen: return "\(brightBase + 2)"
            case .brightYellow: return "\(brightBase + 3)"
            case .brightBlue: return "\(brightBase + 4)"
            case .brightMagenta: return "\(brightBase + 5)"
            case .brightCyan: return "\(brightBase + 6)"
            case .brightWhite: return "\(brightBase + 7)"
            case .palette(let index): return "\(base + 8);5;\(index)"
            case .rgb(let r, let g, let b): return "\(base + 8);2;\(r);\(g);\(b)"
            }
        }
    }

    /// One SGR ("Select Graphic Rendition") attribute.
    public enum SGR: Sendable, Hashable {
        case bold, dim, italic, underline, inverse, strikethrough
        case foreground(Color)
        case background(Color)

        /// The numeric parameters of this attribute, e.g. `"1"` for bold, `"38;5;208"`.
        public var parameters: String {
            switch self {
            case .bold: return "1"
            case .dim: return "2"
            case .italic: return "3"
            case .underline: return "4"
            case .inverse: return "7"
            case .strikethrough: return "9"
            case .foreground(let color): return color.parameters(background: false)
            case .background(let color): return color.parameters(background: true)
            }
        }
    }

    /// The escape sequence that switches on `attributes` (empty string for none).
    public static func sgr(_ attributes: [SGR]) -> String {
        guard !attributes.isEmpty else { return "" }
        return "\u{1B}[" + attributes.map(\.parameters).joined(separator: ";") + "m"
    }

    /// The escape sequence that switches on `attributes` (empty string for none).
    public static func sgr(_ attributes: SGR...) -> String {
        sgr(attributes)
    }

    /// `text` wrapped in `attributes` and a final reset.
    ///
    /// Styled strings nest: a reset inside `text` (from an inner `styled` call) is followed
    /// by this call's attributes again, so `styled("a " + styled("b", .bold) + " c", .red)`
    /// keeps `" c"` red.
    /// - Parameters:
    ///   - text: The text to style; it may already contain escape sequences.
    ///   - attributes: The attributes to apply.
    ///   - enabled: Pass `false` (plain mode) to get `text` back unchanged.
    /// - Returns: The styled text.
    public static func styled(_ text: String, _ attributes: [SGR], enabled: Bool = true) -> String {
        guard enabled, !attributes.isEmpty, !text.isEmpty else { return text }
        let open = sgr(attributes)
        var body = ""
        for segment in segments(of: text) {
            switch segment {
            case .text(let piece):
                body += piece
            case .escape(let sequence):
                body += sequence
                if isSGRReset(sequence) { body += open }
            }
        }
        return open + body + reset
    }

    /// `text` wrapped in `attributes` and a final reset; see the array form.
    public static func styled(_ text: String, _ attributes: SGR..., enabled: Bool = true) -> String {
        styled(text, attributes, enabled: enabled)
    }

    /// `text` without any escape sequences.
    public static func strip(_ text: String) -> String {
        var result = ""
        for case .text(let piece) in segments(of: text) { result += piece }
        return result
    }

    /// How many terminal columns `text` occupies: escape sequences count 0, East Asian wide
    /// characters and emoji 2, combining marks 0 (see ``width(of:)``).
    ///
    /// The text is measured as one line; a newline counts 0.
    public static func visibleWidth(of text: String) -> Int {
        var total = 0
        for case .text(let piece) in segments(of: text) {
            total += width(ofText: piece)
        }
        return total
    }

    /// The width of text without escape sequences.
    static func width(ofText text: String) -> Int {
        // Prose is mostly printable ASCII, one column per byte: skip grapheme breaking.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var total = 0
        for character in text { total += width(of: character) }
        return total
    }

    /// How many terminal columns one grapheme cluster occupies (0, 1 or 2).
    ///
    /// A cluster is measured by its first scalar, as terminals do: a base letter with
    /// combining marks is 1, a lone combining mark or format character 0, CJK and
    /// fullwidth forms 2, emoji (default emoji presentation, or any emoji followed by
    /// VS16, flags, ZWJ sequences) 2. Control characters are 0.
    public static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        var iterator = scalars.makeIterator()
        guard let first = iterator.next() else { return 0 }
        guard iterator.next() != nil else { return width(ofSingle: first) }
        var hasVS15 = false
        var hasVS16 = false
        for scalar in scalars {
            if scalar.value == 0xFE0E { hasVS15 = true }
            if scalar.value == 0xFE0F { hasVS16 = true }
        }
        let properties = first.properties
        if !hasVS15 {
            if properties.isEmojiPresentation { return 2 }
            if hasVS16 && properties.isEmoji { return 2 }
        }
        return width(ofSingle: first)
    }

    /// The width of a cluster of one scalar (or of a cluster's base scalar).
    private static func width(ofSingle scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // Fast paths for the blocks lessons and reports are made of: Unicode property
        // lookups cost about 100 ns each, several times the rest of the work.
        switch value {
        // U+00AD SOFT HYPHEN (a format character) is drawn by most terminals: count it.
        case 0x20..<0x7F, 0xA0..<0x300: return 1
        case 0..<0x20, 0x7F..<0xA0: return 0
        case 0x300..<0x370: return 0  // combining diacritical marks
        case 0x2010...0x2027, 0x2030...0x205E, 0x2190...0x21FF, 0x2500...0x259F: return 1
        case 0x3099, 0x309A: return 0  // combining kana voicing marks
        case 0x3040...0x30FF, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xFF01...0xFF60: return 2
        default: break
        }
        let properties = scalar.properties
        if properties.isEmojiPresentation { return 2 }
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .control, .lineSeparator, .paragraphSeparator, .format:
            return 0
        default:
            break
        }
        // Hangul medial vowels and final consonants join the preceding syllable.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        return isWide(value) ? 2 : 1
    }

    /// Pads `text` with spaces to `width` columns (no-op when already that wide or wider).
    /// - Parameters:
    ///   - text: The text to pad; escape sequences are allowed.
    ///   - width: The target width in columns.
    ///   - alignment: Where the text sits inside the padded field.
    public static func pad(_ text: String, to width: Int, alignment: Alignment = .left) -> String {
        let missing = width - visibleWidth(of: text)
        guard missing > 0 else { return text }
        switch alignment {
        case .left:
            return text + String(repeating: " ", count: missing)
        case .right:
            return String(repeating: " ", count: missing) + text
        case .center:
            let left = missing / 2
            return String(repeating: " ", count: left) + text
                + String(repeating: " ", count: missing - left)
        }
    }

    /// Where text sits inside a wider field.
    public enum Alignment: Sendable, Hashable {
        case left, center, right
    }

    /// `text` cut to at most `width` columns, ending in `ellipsis` when something was cut.
    ///
    /// Escape sequences are kept whole; if the cut leaves attributes switched on, a reset
    /// is appended so the style does not bleed into what follows.
    public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
        guard visibleWidth(of: text) > width else { return text }
        let ellipsisWidth = visibleWidth(of: ellipsis)
        let budget = max(0, width - ellipsisWidth)
        var result = ""
        var used = 0
        var styled = false
        var full = false
        for segment in segments(of: text) {
            switch segment {
            case .escape(let sequence):
                // Keep sequences (cheap, zero-width) but stop once the text is cut so a
                // later "switch on" cannot leak past the end.
                guard !full else { continue }
                result += sequence
                if isSGR(sequence) { styled = !isSGRReset(sequence) }
            case .text(let piece):
                for character in piece where !full {
                    let w = ANSI.width(of: character)
                    if used + w > budget {
                        full = true
                        break
                    }
                    result.append(character)
                    used += w
                }
            }
        }
        if ellipsisWidth <= width { result += ellipsis }
        if styled { result += reset }
        return result
    }

    // MARK: - Scanning

    /// A run of text or one complete escape sequence.
    enum Segment: Equatable {
        case text(String)
        case escape(String)
    }

    /// Splits `text` into text runs and whole escape sequences (CSI, OSC/DCS strings
    /// ended by BEL or ST, two-byte escapes, and the 8-bit CSI U+009B).
    ///
    /// Scanning is done on scalars, not Characters, because a combining mark right after a
    /// sequence's final byte would otherwise fuse with it into one grapheme.
    static func segments(of text: String) -> [Segment] {
        let scalars = text.unicodeScalars
        var result: [Segment] = []
        var textStart = scalars.startIndex
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let value = scalars[index].value
            guard value == 0x1B || value == 0x9B else {
                index = scalars.index(after: index)
                continue
            }
            let end = escapeEnd(scalars, from: index)
            if textStart < index {
                result.append(.text(String(scalars[textStart..<index])))
            }
            result.append(.escape(String(scalars[index..<end])))
            index = end
            textStart = end
        }
        if textStart < scalars.endIndex {
            result.append(.text(String(scalars[textStart..<scalars.endIndex])))
        }
        return result
    }

    /// The index just past the escape sequence starting at `start`.
    private static func escapeEnd(
        _ scalars: String.UnicodeScalarView, from start: String.UnicodeScalarView.Index
    ) -> String.UnicodeScalarView.Index {
        var index = scalars.index(after: start)
        let isCSI: Bool
        if scalars[start].value == 0x9B {
            isCSI = true
        } else {
            guard index < scalars.endIndex else { return index }
            let introducer = scalars[index].value
            index = scalars.index(after: index)
            switch introducer {
            case 0x5B:  // "[": CSI
                isCSI = true
            case 0x5D, 0x50, 0x58, 0x5E, 0x5F:  // "]" OSC, "P" DCS, "X" SOS, "^" PM, "_" APC
                // A control string: runs to BEL or ST (ESC \).
                while index < scalars.endIndex {
                    let value = scalars[index].value
                    index = scalars.index(after: index)
                    if value == 0x07 { return index }
                    if value == 0x1B {
                        if index < scalars.endIndex && scalars[index].value == 0x5C {
                            return scalars.index(after: index)
                        }
                        return index
                    }
                }
                return index
            default:
                return index  // ESC + one character (e.g. ESC 7, ESC =).
            }
        }
        guard isCSI else { return index }
        // Parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E.
        while index < scalars.endIndex {
            let value = scalars[index].value
            if (0x20...0x3F).contains(value) {
                index = scalars.index(after: index)
            } else if (0x40...0x7E).contains(value) {
                return scalars.index(after: index)
            } else {
                return index  // Malformed: end the sequence before the stray character.
            }
        }
        return index
    }

    /// Whether `sequence` is an SGR sequence (`ESC [ … m`).
    static func isSGR(_ sequence: String) -> Bool {
        (sequence.hasPrefix("\u{1B}[") || sequence.hasPrefix("\u{9B}")) && sequence.hasSuffix("m")
    }

    /// Whether `sequence` is an SGR sequence that starts by resetting everything
    /// (`ESC [ m`, `ESC [ 0 m`, `ESC [ 0 ; 1 m` …).
    static func isSGRReset(_ sequence: String) -> Bool {
        guard isSGR(sequence) else { return false }
        let body = sequence.drop { $0 == "\u{1B}" || $0 == "[" || $0 == "\u{9B}" }.dropLast()
        let first = body.split(separator: ";", omittingEmptySubsequences: false).first ?? ""
        return first.allSatisfy { $0 == "0" }
    }

    // MARK: - East Asian width

    /// Whether `value` is East Asian Wide or Fullwidth (emoji are handled separately).
    static func isWide(_ value: UInt32) -> Bool {
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks, sorted, from Unicode 15's
    /// EastAsianWidth.txt, coarsened to blocks (unassigned code points inside count wide,
    /// as terminals that know them will draw them wide).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x2329...0x232A,  // angle brackets
        0x2E80...0x303E,  // CJK radicals, Kangxi, ideographic description, CJK symbols
        0x3041...0x33FF,  // Hiragana, Katakana, Bopomofo, Hangul compatibility, Kanbun, CJK compat
        0x3400...0x4DBF,  // CJK extension A
        0x4E00...0x9FFF,  // CJK unified ideographs
        0xA000...0xA4CF,  // Yi
        0xA960...0xA97F,  // Hangul Jamo extended A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,  // vertical forms
        0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
        0xFF00...0xFF60,  // fullwidth forms
        0xFFE0...0xFFE6,  // fullwidth signs
        0x16FE0...0x16FE4,  // ideographic symbols
        0x17000...0x18CFF,  // Tangut, Khitan
        0x1AFF0...0x1B2FF,  // Kana supplement/extended, Nushu
        0x1F200...0x1F2FF,  // enclosed ideographic supplement
        0x20000...0x2FFFD,  // CJK extensions B–F, compatibility supplement
        0x30000...0x3FFFD,  // CJK extensions G–H
    ]
}
