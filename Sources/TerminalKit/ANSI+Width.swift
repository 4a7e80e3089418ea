/// Measuring text in terminal columns: escape sequences 0, East Asian wide characters and
/// emoji 2, combining marks 0.
extension ANSI {
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
