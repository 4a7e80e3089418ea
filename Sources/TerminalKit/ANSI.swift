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
}
