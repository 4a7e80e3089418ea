/// Finding escape sequences in text, so that measuring, cutting and stripping never split one.
extension ANSI {

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
}
