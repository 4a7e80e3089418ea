import Testing

@testable import TerminalKit

@Suite("ANSI helpers")
struct ANSITests {
    @Test(arguments: [
        ("abc", 3),
        ("", 0),
        ("\u{1B}[1;31mabc\u{1B}[0m", 3),
        ("\u{1B}]8;;https://x.example\u{1B}\\link\u{1B}]8;;\u{1B}\\", 4),
        ("中文", 4),
        ("ｆｕｌｌ", 8),
        ("한국어", 6),
        ("かな", 4),
        ("😀", 2),
        ("👍🏽", 2),
        ("🇩🇪", 2),
        ("👨‍👩‍👧", 2),
        ("❤️", 2),
        ("❤", 1),
        ("✓", 1),
        ("e\u{301}", 1),
        ("\u{301}", 0),
        ("a\u{200B}b", 2),
        ("Ü\u{1B}[4mber\u{1B}[24m", 4),
    ])
    func visibleWidth(text: String, width: Int) {
        #expect(ANSI.visibleWidth(of: text) == width)
    }

    @Test func sgrCodes() {
        #expect(ANSI.sgr(.bold, .foreground(.red)) == "\u{1B}[1;31m")
        #expect(ANSI.sgr(.foreground(.brightBlack), .background(.blue)) == "\u{1B}[90;44m")
        #expect(ANSI.sgr(.foreground(.palette(208))) == "\u{1B}[38;5;208m")
        #expect(ANSI.sgr(.background(.rgb(1, 2, 3))) == "\u{1B}[48;2;1;2;3m")
        #expect(ANSI.sgr([]) == "")
    }

    @Test func stripRemovesEverySequenceKind() {
        let text = "\u{1B}[1mbold\u{1B}[0m \u{1B}]8;;u\u{07}link\u{1B}]8;;\u{07} \u{1B}7x\u{9B}2Ky"
        #expect(ANSI.strip(text) == "bold link xy")
        // A combining mark right after a sequence must not fuse with its final byte.
        #expect(ANSI.strip("\u{1B}[1m\u{301}x") == "\u{301}x")
    }

    @Test func styledNestsAndCanBeDisabled() {
        let inner = ANSI.styled("b", .bold)
        let outer = ANSI.styled("a " + inner + " c", .foreground(.red))
        #expect(outer == "\u{1B}[31ma \u{1B}[1mb\u{1B}[0m\u{1B}[31m c\u{1B}[0m")
        #expect(ANSI.styled("plain", .bold, enabled: false) == "plain")
    }

    @Test func padAndTruncate() {
        #expect(ANSI.pad("中", to: 4) == "中  ")
        #expect(ANSI.pad("ab", to: 5, alignment: .right) == "   ab")
        #expect(ANSI.pad("ab", to: 5, alignment: .center) == " ab  ")
        let cut = ANSI.truncate("\u{1B}[1mhello world\u{1B}[0m", to: 8)
        #expect(ANSI.strip(cut) == "hello w…")
        #expect(cut.hasSuffix(ANSI.reset))
        #expect(ANSI.truncate("short", to: 8) == "short")
        #expect(ANSI.visibleWidth(of: ANSI.truncate("中文中文中文", to: 5)) <= 5)
    }
}

@Suite("Text wrapping")
struct TextWrapTests {
    @Test func wrapsAtSpaces() {
        #expect(TextWrap.wrap("the quick brown fox jumps", width: 10) == ["the quick", "brown fox", "jumps"])
        #expect(TextWrap.wrap("", width: 10) == [""])
        #expect(TextWrap.wrap("one\n  two", width: 10) == ["one", "  two"])
    }

    @Test func longURLIsBrokenAfterASlash() {
        let url = "https://docs.python.org/3/library/asyncio-task.html#asyncio.gather"
        let lines = TextWrap.wrap("see " + url + " now", width: 24)
        #expect(lines.allSatisfy { ANSI.visibleWidth(of: $0) <= 24 })
        #expect(lines.first == "see")
        #expect(lines.dropFirst().joined().filter { $0 != " " } == url + "now")
        #expect(lines[1] == "https://docs.python.org/")
    }

    @Test(arguments: 2...30)
    func wideCharactersNeverOverflow(width: Int) {
        let text = "中文说明：并发运行多个协程，然后一次性等待 mixed 😀😀 emoji ｆｕｌｌ"
        let lines = TextWrap.wrap(text, width: width)
        #expect(lines.allSatisfy { ANSI.visibleWidth(of: $0) <= width })
        #expect(lines.joined().filter { $0 != " " } == text.filter { $0 != " " })
    }

    @Test func stylesAreClosedAndReopenedPerLine() {
        let text = ANSI.styled("one two three four", .bold) + " plain"
        let lines = TextWrap.wrap(text, width: 9)
        #expect(lines.map(ANSI.strip) == ["one two", "three", "four", "plain"])
        for line in lines.prefix(3) {
            #expect(line.hasPrefix("\u{1B}[1m"))
            #expect(line.hasSuffix(ANSI.reset))
        }
        #expect(lines[3] == "plain")
    }

    @Test(arguments: 1...20)
    func escapesAreNeverSplit(width: Int) {
        let text =
            "a" + ANSI.styled("bcdefghij", .foreground(.palette(208)), .underline) + "klm \u{1B}]8;;u\u{1B}\\nopqrstu"
        for line in TextWrap.wrap(text, width: width) {
            // Every ESC must start a complete sequence: re-scanning finds no stray ESC.
            for case .text(let piece) in ANSI.segments(of: line) {
                #expect(!piece.contains("\u{1B}"))
                #expect(!piece.contains("["))
            }
        }
    }

    @Test func hardWrapKeepsEveryCharacter() {
        let line = "    results = await asyncio.gather(fetch(1), fetch(2), return_exceptions=True)"
        let pieces = TextWrap.hardWrap(line, width: 30)
        #expect(pieces.joined() == line)
        #expect(pieces.allSatisfy { ANSI.visibleWidth(of: $0) <= 30 })
        #expect(pieces[0] == "    results = await ")
    }

    @Test func linesCarryStylesAcrossNewlines() {
        let code = ANSI.styled("\"\"\"doc\nstring\"\"\"", .foreground(.green))
        let lines = TextWrap.lines(code)
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(ANSI.reset))
        #expect(lines[1].hasPrefix(ANSI.sgr(.foreground(.green))))
        #expect(lines.map(ANSI.strip) == ["\"\"\"doc", "string\"\"\""])
    }
}
