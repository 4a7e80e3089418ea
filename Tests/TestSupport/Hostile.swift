import Foundation

/// What a hostile learner writes into branch names, trailers, file names and messages,
/// and a terminal's-eye check of what reached the screen.
///
/// The check is written here from the standards (ECMA-48 for controls and escape
/// sequences, Unicode's bidi controls), not with the product's sanitiser, so it can
/// catch that sanitiser missing something.
public enum Hostile {
    /// ED 2: clears the screen.
    public static let clearScreen = "\u{1B}[2J"
    /// OSC 0: sets the window title (ended by BEL).
    public static let setTitle = "\u{1B}]0;owned\u{07}"
    /// OSC 8: a hyperlink whose text hides where it goes (ended by ST).
    public static let hyperlink = "\u{1B}]8;;https://evil.example/\u{1B}\\click me\u{1B}]8;;\u{1B}\\"
    /// The 8-bit CSI (C1 control U+009B) with "2J": clears the screen on terminals that
    /// take C1 controls.
    public static let c1ClearScreen = "\u{9B}2J"
    /// U+202E RIGHT-TO-LEFT OVERRIDE: what follows is drawn reversed.
    public static let rightToLeftOverride = "\u{202E}"

    /// Every attack above, for a table of cases.
    public static let sequences = [clearScreen, setTitle, hyperlink, c1ClearScreen, rightToLeftOverride]

    /// What in `text` a terminal would act on, rather than draw: every C0 control except
    /// the line break, DEL, every C1 control, every bidi control, and every escape
    /// sequence that is not an SGR style (`ESC [ digits;… m`) when `allowingStyles`
    /// (the product's own colours). Empty when the text is safe to print.
    public static func activeContent(in text: String, allowingStyles: Bool = true) -> [String] {
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let value = scalars[index].value
            if value == 0x1B, allowingStyles, let end = sgrEnd(scalars, from: index) {
                index = end
                continue
            }
            switch value {
            case 0x0A:
                break
            case 0x00...0x1F, 0x7F...0x9F:
                found.append(String(format: "control U+%04X at %d", value, index))
            case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                found.append(String(format: "bidi control U+%04X at %d", value, index))
            default:
                break
            }
            index += 1
        }
        return found
    }

    /// The index after an SGR sequence starting at `start`, or nil when there is none.
    static func sgrEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 1 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var index = start + 2
        while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == ";" {
            index += 1
        }
        guard index < scalars.count, scalars[index] == "m" else { return nil }
        return index + 1
    }
}
