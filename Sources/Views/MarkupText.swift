import TerminalKit

/// Untrusted text made safe for an HTML or XML 1.0 element body or double-quoted
/// attribute: the class page (`HTMLReport`) and the JUnit report (`JUnitReport`).
///
/// Control characters and bidi controls are spelled out as on the terminal
/// (``ANSI/sanitized(_:keepingLineBreaks:)``); `&`, `<`, `>`, `"` and `'` become
/// references (so `]]>` is only text); the noncharacters U+FFFE and U+FFFF, which XML
/// forbids, become U+FFFD. Line breaks stay in element bodies when asked, and are
/// otherwise written `&#10;`, which survives attribute normalisation.
enum MarkupText {
    static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in ANSI.sanitized(text, keepingLineBreaks: true).unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\n": result += keepingLineBreaks ? "\n" : "&#10;"
            case "\u{FFFE}", "\u{FFFF}": result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
