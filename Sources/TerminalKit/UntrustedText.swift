/// Text someone else controls (a learner's branch name, a trailer, a check message, what
/// their code printed) made safe to show.
///
/// A terminal obeys what it is sent: an escape sequence in a branch name can clear the
/// instructor's screen, set the window title, plant a hyperlink (OSC 8) or move the
/// cursor to overwrite another row; a bidi override makes `ada` out of `\u{202E}ada`
/// reversed. So every learner-controlled string passes through ``ANSI/sanitized(_:keepingLineBreaks:)``
/// before it is styled, padded or measured. Our own styling is added afterwards and
/// keeps working.
///
/// The convention is Python's `repr()` (this is a Python course): `\x1b`, `\x9b`, `\t`,
/// `\r`, and `\u202e` for the invisible reordering characters. What is shown is
/// exactly what is there, and nothing shown can act on the terminal.
extension ANSI {
    /// `text` with every control character and bidi control spelled out, so that it can
    /// neither drive the terminal nor reorder what surrounds it.
    ///
    /// - C0 controls (U+0000–U+001F), DEL and C1 controls (U+0080–U+009F, among them the
    ///   8-bit CSI U+009B) become `\xNN` (`\t`, `\n`, `\r` for those three). An escape
    ///   sequence is therefore shown as text: `\x1b[2J`, `\x1b]0;title\x07`.
    /// - Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the marks
    ///   U+200E, U+200F, U+061C, and the line and paragraph separators U+2028, U+2029
    ///   become `\uNNNN`.
    /// - Everything else, letters of any script included, is kept.
    ///
    /// - Parameters:
    ///   - text: Untrusted text.
    ///   - keepingLineBreaks: Keep `\n` as a line break (multi-line messages, a program's
    ///     output); otherwise it is spelled `\n` too, for text that must stay on one line.
    public static func sanitized(_ text: String, keepingLineBreaks: Bool = false) -> String {
        // Nearly everything shown is printable ASCII: return it untouched.
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || ($0 == 0x0A && keepingLineBreaks) }) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar == "\n" && keepingLineBreaks {
                result.unicodeScalars.append(scalar)
            } else if let spelled = spelling(of: scalar) {
                result += spelled
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether `scalar` is one that ``sanitized(_:keepingLineBreaks:)`` spells out: a
    /// control character or a character that reorders or breaks the surrounding text.
    public static func isUnsafeForDisplay(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    /// The visible spelling of an unsafe scalar; nil for a safe one.
    private static func spelling(of scalar: Unicode.Scalar) -> String? {
        guard isUnsafeForDisplay(scalar) else { return nil }
        switch scalar {
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        default: break
        }
        guard scalar.value > 0xFF else {
            let hex = String(scalar.value, radix: 16)
            return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
        }
        return unicodeEscape(scalar)
    }

    /// `\u202e` for U+202E (`\U0001f600` beyond the first plane): how Python and JSON
    /// write a code point in a string.
    public static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        let digits = scalar.value > 0xFFFF ? 8 : 4
        return (digits == 8 ? "\\U" : "\\u") + String(repeating: "0", count: max(0, digits - hex.count)) + hex
    }

    /// A JSON document made safe to print on a terminal without changing what it means:
    /// every character ``isUnsafeForDisplay(_:)`` names becomes a JSON `\uNNNN` escape.
    ///
    /// `JSONEncoder` already escapes U+0000–U+001F, but passes the C1 controls and bidi
    /// characters through, and a terminal acts on those (`asynclings class --json` is
    /// often read straight on screen). Outside strings JSON is ASCII, so such a character
    /// can only be inside a string, where the escape decodes to the same value.
    public static func terminalSafeJSON(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { $0.value >= 0x7F && isUnsafeForDisplay($0) }) else { return json }
        var result = ""
        result.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            if scalar.value >= 0x7F && isUnsafeForDisplay(scalar) {
                result += unicodeEscape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
