import Foundation
import TerminalKit

/// Telling learner names apart when a learner tries to pass for another: `learner/аda`
/// with a Cyrillic `а`, `learner/a\u{200B}da` with a zero-width space, `learner/ａda` in
/// fullwidth letters all draw as `learner/ada`.
///
/// Three checks, after Unicode's security mechanisms for identifiers (UTS #39):
/// - **mixed scripts**: within one `/`-separated segment, letters of scripts that do not
///   belong together, by the "moderately restrictive" rule: one script; or Latin with
///   Han and Japanese kana, with Han and Bopomofo, or with Han and Hangul; or Latin with
///   any one other script except Cyrillic and Greek, the two whose letters copy Latin
///   ones. Digits, punctuation and combining marks belong to every script.
/// - **invisible characters**: default-ignorable code points (zero-width spaces and
///   joiners, bidi controls, variation selectors, fillers), format and control
///   characters, and spaces other than U+0020.
/// - **lookalikes**: two different names with the same *skeleton*: compatibility-
///   decomposed (fullwidth `ａ` is `a`), the Cyrillic and Greek letters drawn like Latin
///   ones mapped to those, invisible characters dropped.
///
/// Swift's `Unicode.Scalar.Properties` has no script property, so scripts come from a
/// small table of the Unicode blocks that hold each script's letters (``Script/ranges``).
/// Only letters are looked up, and within these blocks a letter's block is its script
/// (Scripts.txt agrees for every letter the table covers); a letter outside the table
/// is of "another script". The lookalike table is likewise small: the letters of
/// confusables.txt for Cyrillic and Greek against Latin, not the whole file.
public enum LearnerNames {
    /// Writing systems the table knows.
    enum Script: String, CaseIterable, Comparable {
        case latin = "Latin", greek = "Greek", cyrillic = "Cyrillic", armenian = "Armenian", hebrew = "Hebrew"
        case arabic = "Arabic", devanagari = "Devanagari", thai = "Thai", georgian = "Georgian"
        case hangul = "Hangul", hiragana = "Hiragana", katakana = "Katakana", bopomofo = "Bopomofo", han = "Han"
        /// A letter outside the table.
        case other = "another script's"

        static func < (a: Script, b: Script) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }

        /// The blocks holding each script's letters.
        static let ranges: [(ClosedRange<UInt32>, Script)] = [
            (0x0041...0x005A, .latin), (0x0061...0x007A, .latin), (0x00AA...0x00AA, .latin), (0x00BA...0x00BA, .latin),
            (0x00C0...0x024F, .latin),  // Latin-1 letters, Latin Extended-A and -B
            (0x0250...0x02AF, .latin),  // IPA extensions
            (0x1D00...0x1D25, .latin),  // phonetic small capitals
            (0x1E00...0x1EFF, .latin),  // Latin Extended Additional
            (0x2C60...0x2C7F, .latin), (0xA720...0xA7FF, .latin), (0xAB30...0xAB5A, .latin),
            (0xFF21...0xFF3A, .latin), (0xFF41...0xFF5A, .latin),  // fullwidth
            (0x0370...0x03E1, .greek), (0x03F0...0x03FF, .greek), (0x1F00...0x1FFF, .greek),
            (0x0400...0x052F, .cyrillic), (0x1C80...0x1C8F, .cyrillic), (0x2DE0...0x2DFF, .cyrillic),
            (0xA640...0xA69F, .cyrillic),
            (0x0531...0x058F, .armenian), (0xFB13...0xFB17, .armenian),
            (0x0591...0x05FF, .hebrew), (0xFB1D...0xFB4F, .hebrew),
            (0x0600...0x06FF, .arabic), (0x0750...0x077F, .arabic), (0x08A0...0x08FF, .arabic),
            (0xFB50...0xFDFF, .arabic), (0xFE70...0xFEFF, .arabic),
            (0x0900...0x097F, .devanagari),
            (0x0E00...0x0E7F, .thai),
            (0x10A0...0x10FF, .georgian), (0x1C90...0x1CBF, .georgian), (0x2D00...0x2D2F, .georgian),
            (0x1100...0x11FF, .hangul), (0x3130...0x318F, .hangul), (0xA960...0xA97F, .hangul),
            (0xAC00...0xD7FF, .hangul), (0xFFA0...0xFFDC, .hangul),
            (0x3040...0x309F, .hiragana),
            (0x30A0...0x30FF, .katakana), (0x31F0...0x31FF, .katakana), (0xFF66...0xFF9F, .katakana),
            (0x3100...0x312F, .bopomofo), (0x31A0...0x31BF, .bopomofo),
            (0x2E80...0x2FDF, .han), (0x3005...0x3007, .han), (0x3021...0x3029, .han), (0x3038...0x303B, .han),
            (0x3400...0x4DBF, .han), (0x4E00...0x9FFF, .han), (0xF900...0xFAFF, .han), (0x20000...0x323AF, .han),
        ]

        /// The script of a letter; nil for anything that is not a letter (digits,
        /// punctuation, marks: they go with any script).
        static func of(_ scalar: Unicode.Scalar) -> Script? {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: break
            default: return nil
            }
            return ranges.first { $0.0.contains(scalar.value) }?.1 ?? .other
        }
    }

    /// Script sets that may share a segment besides a single script (UTS #39,
    /// "moderately restrictive"); Latin with any one script but Cyrillic and Greek is
    /// allowed too, in ``allowed(_:)``.
    static let allowedCombinations: [Set<Script>] = [
        [.latin, .han, .hiragana, .katakana],
        [.latin, .han, .bopomofo],
        [.latin, .han, .hangul],
    ]

    static func allowed(_ scripts: Set<Script>) -> Bool {
        if scripts.count <= 1 { return true }
        if allowedCombinations.contains(where: { scripts.isSubset(of: $0) }) { return true }
        return scripts.count == 2 && scripts.contains(.latin) && scripts.isDisjoint(with: [.cyrillic, .greek])
    }

    /// The warnings a name earns on its own: mixed scripts in a segment, invisible
    /// characters. `looksLike` needs the whole room: see ``lookalikes(_:)``.
    static func warnings(for name: String) -> [LearnerWarning] {
        var warnings: [LearnerWarning] = []
        var mixed: Set<Script> = []
        var outsiders: [String] = []
        for segment in name.split(separator: "/") {
            var letters: [(Unicode.Scalar, Script)] = []
            for scalar in segment.unicodeScalars {
                if let script = Script.of(scalar) { letters.append((scalar, script)) }
            }
            let scripts = Set(letters.map(\.1))
            guard !allowed(scripts) else { continue }
            mixed.formUnion(scripts)
            // The segment's main script is its most common one; the others stand out.
            let counts = Dictionary(grouping: letters, by: \.1).mapValues(\.count)
            let main = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key
            for (scalar, script) in letters where script != main {
                let spelled = describe(scalar)
                if !outsiders.contains(spelled) { outsiders.append(spelled) }
            }
        }
        if !mixed.isEmpty {
            warnings.append(.mixedScripts(scripts: mixed.sorted().map(\.rawValue), letters: Array(outsiders.prefix(8))))
        }
        var invisible: [String] = []
        for scalar in name.unicodeScalars where isInvisible(scalar) {
            let spelled = describe(scalar)
            if !invisible.contains(spelled) { invisible.append(spelled) }
        }
        if !invisible.isEmpty { warnings.append(.invisibleCharacters(Array(invisible.prefix(8)))) }
        return warnings
    }

    /// Draws nothing, or changes how the text around it is drawn.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint { return true }
        switch properties.generalCategory {
        case .format, .control, .lineSeparator, .paragraphSeparator: return true
        case .spaceSeparator: return scalar != " "
        default: return false
        }
    }

    /// `name` with every character outside printable ASCII written as its code point
    /// (`\u0430da`), so that two names drawn alike can be told apart; nil when the name
    /// is printable ASCII already.
    public static func spelledOut(_ name: String) -> String? {
        guard !name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return nil }
        var result = ""
        for scalar in name.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                result.unicodeScalars.append(scalar)
            } else {
                result += ANSI.unicodeEscape(scalar)
            }
        }
        return result
    }

    /// `U+0430 CYRILLIC SMALL LETTER A`: what a character is, whatever a font makes of it.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        guard let name = scalar.properties.name ?? scalar.properties.nameAlias else { return code }
        return code + " " + name
    }

    /// For each name, another name in `names` that draws the same but differs; nil when
    /// there is none. Names spelled with exactly the same code points are the same name
    /// (a local branch and its remote-tracking copy).
    static func lookalikes(_ names: [String]) -> [String?] {
        let skeletons = names.map(skeleton)
        return names.indices.map { index in
            names.indices.first { other in
                other != index && skeletons[other] == skeletons[index]
                    && !names[other].unicodeScalars.elementsEqual(names[index].unicodeScalars)
            }.map { names[$0] }
        }
    }

    /// The name as it is drawn: compatibility-decomposed, lookalike letters mapped to
    /// Latin, invisible characters and spaces dropped. Compared as scalars, so that two names that
    /// only differ in composition (`zoë` as one code point or two) match too.
    static func skeleton(_ name: String) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        // Git names hold no ASCII space, so any space left after decomposing (U+00A0
        // becomes U+0020) was an unusual one: it draws as a gap at most, dropped too.
        for scalar in name.decomposedStringWithCompatibilityMapping.unicodeScalars
        where !isInvisible(scalar) && scalar.properties.generalCategory != .spaceSeparator {
            result.append(latinLookalike[scalar.value].flatMap(Unicode.Scalar.init) ?? scalar)
        }
        return result
    }

    /// Cyrillic and Greek letters drawn like a Latin letter, to that letter (from
    /// confusables.txt; accented forms are covered by decomposing first).
    static let latinLookalike: [UInt32: UInt32] = {
        let pairs: [(String, String)] = [
            // Cyrillic
            ("а", "a"), ("е", "e"), ("о", "o"), ("р", "p"), ("с", "c"), ("у", "y"), ("х", "x"), ("ѕ", "s"),
            ("і", "i"), ("ј", "j"), ("ԁ", "d"), ("ԛ", "q"), ("ԝ", "w"), ("һ", "h"), ("ӏ", "l"),
            ("А", "A"), ("В", "B"), ("Е", "E"), ("К", "K"), ("М", "M"), ("Н", "H"), ("О", "O"), ("Р", "P"),
            ("С", "C"), ("Т", "T"), ("Х", "X"), ("Ѕ", "S"), ("І", "I"), ("Ј", "J"), ("Ү", "Y"), ("Ԁ", "D"),
            ("Ԛ", "Q"), ("Ԝ", "W"), ("Ӏ", "I"),
            // Greek
            ("α", "a"), ("ο", "o"), ("ν", "v"), ("ι", "i"), ("ρ", "p"), ("υ", "u"),
            ("Α", "A"), ("Β", "B"), ("Ε", "E"), ("Ζ", "Z"), ("Η", "H"), ("Ι", "I"), ("Κ", "K"), ("Μ", "M"),
            ("Ν", "N"), ("Ο", "O"), ("Ρ", "P"), ("Τ", "T"), ("Υ", "Y"), ("Χ", "X"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.0.unicodeScalars.first!.value, $0.1.unicodeScalars.first!.value) })
    }()
}
