import Testing

@testable import TerminalKit

@Suite("Terminal rendering")
struct TerminalRendererTests {
    private func plain(_ markdown: String, width: Int = 80) -> String {
        TerminalRenderer(style: .init(color: false, width: width)).render(markdown: markdown)
    }

    private func colored(_ markdown: String, width: Int = 80) -> String {
        TerminalRenderer(style: .init(color: true, width: width)).render(markdown: markdown)
    }

    // MARK: Layout properties on the sample lesson

    @Test(arguments: [false, true])
    func linesNeverExceedTheWidth(color: Bool) {
        let blocks = Markdown.parse(sampleLesson)
        for width in 20...120 {
            let output = TerminalRenderer(style: .init(color: color, width: width)).render(blocks)
            for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
                let lineWidth = ANSI.visibleWidth(of: String(line))
                #expect(lineWidth <= width, "width \(width): \(lineWidth) columns in \(line.debugDescription)")
            }
        }
    }

    /// Deep nesting cannot push content past the edge: containers drop their indentation
    /// once too little room is left.
    @Test(arguments: [false, true])
    func deepNestingStaysWithinTheWidth(color: Bool) {
        var markdown = ""
        for depth in 0..<12 {
            markdown += String(repeating: "  ", count: depth) + "- level \(depth) with some words to wrap\n"
        }
        markdown += "\n" + String(repeating: "> ", count: 15) + "deeply quoted text that keeps going\n\n"
        markdown += "> 1. item\n>\n>    | a | b | c |\n>    |---|---|---|\n>    | one | two | three |\n>\n"
        markdown += ">    ```python\n>    print('a fairly long line of python code', 12345)\n>    ```\n"
        for width in 10...40 {
            let output = TerminalRenderer(style: .init(color: color, width: width)).render(markdown: markdown)
            for line in output.split(separator: "\n") {
                #expect(ANSI.visibleWidth(of: String(line)) <= width, "width \(width): \(line.debugDescription)")
            }
            #expect(ANSI.strip(output).contains("level 11"))
            #expect(ANSI.strip(output).contains("three"))
        }
    }

    @Test(arguments: [20, 33, 80, 120])
    func wrappingLosesNoWords(width: Int) {
        let output = ANSI.strip(colored(sampleLesson, width: width))
        for word in ["sequentially", "overlap.", "finished.", "coroutines", "exactly", "never"] {
            #expect(output.contains(word), "\(word) missing at width \(width)")
        }
    }

    // MARK: Plain mode

    static let constructs = [
        "# Heading one", "## Heading two", "#### Heading four",
        "*em* **strong** ~~strike~~ `code`",
        "[link](https://example.com) https://auto.example ![img](a.png)",
        "> quote\n> > nested",
        "1. one\n2. two\n   - nested",
        "- [x] done\n- [ ] todo",
        "| a | b |\n|:-:|--:|\n| 1 | 2 |",
        "```python\nasync def f():\n    await g()  # c\n    return 's'\n```",
        "```pycon\n>>> 1 + 1\n2\n```",
        "```\nplain code\n```",
        "---",
        "<div>html</div>",
        "line<br>break <span>inline</span>",
        sampleLesson,
    ]

    @Test(arguments: constructs)
    func plainModeHasNoEscapeByte(markdown: String) {
        for width in [20, 80] {
            let output = plain(markdown, width: width)
            #expect(!output.contains("\u{1B}"))
            #expect(!output.unicodeScalars.contains { (0x80..<0xA0).contains($0.value) })
            #expect(!output.isEmpty)
        }
    }

    @Test(arguments: constructs)
    func colourModeStylesEveryConstruct(markdown: String) {
        #expect(colored(markdown).contains("\u{1B}["))
    }

    @Test func rawEscapesInTheLessonAreNeutralised() {
        let markdown = "red \u{1B}[31mtext\n\n```python\nprint('\u{1B}[2J')\n```"
        #expect(!plain(markdown).contains("\u{1B}"))
        #expect(!colored(markdown).contains("\u{1B}[31m"))
        #expect(!colored(markdown).contains("\u{1B}[2J"))
        #expect(plain(markdown).contains("␛[31m"))
    }

    @Test func plainHeadings() {
        #expect(plain("# Title") == "Title\n=====\n")
        #expect(plain("## Sub") == "Sub\n---\n")
        #expect(plain("### Deep *one*") == "### Deep *one*\n")
    }

    @Test func plainInlineMarks() {
        #expect(plain("*em* **strong** ~~gone~~ `code`") == "*em* **strong** ~~gone~~ `code`\n")
    }

    /// Off a terminal (a pipe, a file) the text reads as text: no marks, code lines whole.
    @Test func offATerminalMarksAreRenderedAwayAndCodeIsNotWrapped() {
        let piped = TerminalRenderer(style: .init(color: false, width: 40, terminal: false))
        #expect(piped.render(markdown: "*em* **strong** ~~gone~~ `code`") == "em strong gone code\n")
        let line = "results = await asyncio.gather(fetch(1), fetch(2), fetch(3), return_exceptions=True)"
        #expect(piped.render(markdown: "```\n" + line + "\n```") == "    " + line + "\n")
    }

    @Test func theStyleKnowsWhetherATerminalReadsIt() {
        #expect(TerminalRenderer.Style.detect(environment: [:], isTTY: false, width: nil).terminal == false)
        #expect(TerminalRenderer.Style.detect(environment: ["NO_COLOR": "1"], isTTY: true, width: 80).terminal)
    }

    @Test func colourHeadingsDependOnLevel() {
        let one = colored("# Title")
        let two = colored("## Title")
        #expect(one.hasPrefix(ANSI.sgr(.bold, .underline, .foreground(.brightCyan))))
        #expect(two.hasPrefix(ANSI.sgr(.bold, .foreground(.brightCyan))))
        #expect(one != two)
    }

    @Test(arguments: [
        ("[the docs](https://docs.python.org)", "the docs <https://docs.python.org>\n"),
        ("https://docs.python.org", "https://docs.python.org\n"),
        ("www.python.org", "www.python.org\n"),
        ("<mailto:me@example.com>", "mailto:me@example.com\n"),
        ("[](https://x.example)", "<https://x.example>\n"),
        ("![loop](loop.png)", "[image: loop] <loop.png>\n"),
    ])
    func links(markdown: String, expected: String) {
        #expect(plain(markdown) == expected)
    }

    @Test func blockQuoteGutter() {
        #expect(plain("> one\n>\n> two\n> > three") == "│ one\n│\n│ two\n│\n│ │ three\n")
    }

    @Test func nestedListsHangTheirText() {
        // Bullets follow the nesting depth of lists of any kind, as browsers do (`ol ul` is
        // a circle).
        let markdown = """
            1. first item that is long enough to wrap
               - nested bullet that wraps as well
                 - deeper
            2. second
            """
        let expected = """
            1. first item that is long
               enough to wrap
               ◦ nested bullet that wraps
                 as well
                 ▪ deeper
            2. second

            """
        #expect(plain(markdown, width: 30) == expected)
    }

    @Test func looseListsKeepBlankLines() {
        #expect(plain("- a\n\n- b") == "• a\n\n• b\n")
        #expect(plain("- a\n- b") == "• a\n• b\n")
    }

    @Test func numbersAreRightAligned() {
        let markdown = (1...10).map { "\($0). item" }.joined(separator: "\n")
        let lines = plain(markdown).split(separator: "\n")
        #expect(lines.first == " 1. item")
        #expect(lines.last == "10. item")
    }

    @Test func taskItems() {
        #expect(plain("- [x] done\n- [ ] todo\n- other") == "[✓] done\n[ ] todo\n•   other\n")
    }

    @Test func tableHonoursAlignment() {
        let markdown = """
            | Left | Right | Center |
            |:-----|------:|:------:|
            | a    | 1     | x      |
            | bb   | 22    | yyy    |
            """
        let expected = """
            ┌──────┬───────┬────────┐
            │ Left │ Right │ Center │
            ├──────┼───────┼────────┤
            │ a    │     1 │   x    │
            │ bb   │    22 │  yyy   │
            └──────┴───────┴────────┘

            """
        #expect(plain(markdown) == expected)
    }

    @Test func wideTableCellsWrapWithinTheWidth() {
        let markdown = """
            | Pattern | What it does |
            |---------|--------------|
            | gather  | runs every awaitable concurrently and collects the results in argument order |
            | wait_for | cancels the awaitable when the timeout expires |
            """
        let output = plain(markdown, width: 40)
        let lines = output.split(separator: "\n")
        #expect(lines.allSatisfy { ANSI.visibleWidth(of: String($0)) <= 40 })
        #expect(lines.allSatisfy { $0.hasPrefix("┌") || $0.hasPrefix("│") || $0.hasPrefix("├") || $0.hasPrefix("└") })
        // Multi-line rows are separated by rules.
        #expect(lines.filter { $0.hasPrefix("├") }.count == 2)
        #expect(output.contains("concurrently"))
    }

    @Test func tooNarrowTablesBecomeRecords() {
        let markdown = """
            | Approach | Total time | Results order | On error |
            |---|---|---|---|
            | gather | one second | argument order | first exception |
            """
        let output = plain(markdown, width: 24)
        #expect(output.hasPrefix("Approach: gather\nTotal time: one second\n"))
        #expect(output.split(separator: "\n").allSatisfy { ANSI.visibleWidth(of: String($0)) <= 24 })
    }

    @Test func plainCodeBlocksAreIndentedAndLabelled() {
        let output = plain("```python\nasync def f():\n    await g()\n```")
        #expect(output == "  [python]\n    async def f():\n        await g()\n")
    }

    @Test func longCodeLinesSoftWrapWithAMarker() {
        let line = "results = await asyncio.gather(fetch(1), fetch(2), fetch(3), return_exceptions=True)"
        let output = plain("```\n" + line + "\n```", width: 40)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count > 1)
        #expect(lines[0].hasPrefix("    results"))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ↪ ") })
        #expect(lines.allSatisfy { ANSI.visibleWidth(of: $0) <= 40 })
        #expect(lines.map { String($0.dropFirst(4)) }.joined() == line)
    }

    @Test func colourCodeBlockIsBoxedAndKeepsTheCode() {
        let output = colored("```python\n" + sampleCode + "\n```", width: 120)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(ANSI.strip(lines[0]).hasPrefix("╭─ python ─"))
        #expect(ANSI.strip(lines[lines.count - 2]).hasPrefix("╰─"))
        let body = lines[1..<(lines.count - 2)].map { line -> String in
            let text = ANSI.strip(line)
            #expect(text.hasPrefix("│"))
            return String(text.dropFirst(2))
        }
        #expect(body.joined(separator: "\n") == sampleCode)
        #expect(output.contains(ANSI.sgr(PythonHighlighter.style(for: .keyword)) + "async"))
    }

    @Test func otherLanguagesAreNotHighlighted() {
        let output = colored("```js\nasync function f() { await g() }\n```")
        #expect(!output.contains(ANSI.sgr(PythonHighlighter.style(for: .keyword))))
        #expect(ANSI.strip(output).contains("╭─ js ─"))
    }

    @Test func thematicBreakSpansTheWidth() {
        #expect(plain("---", width: 30) == String(repeating: "─", count: 30) + "\n")
    }

    @Test func htmlCommentsAreHiddenAndBrBreaks() {
        #expect(plain("<!-- author note -->\n\ntext") == "text\n")
        #expect(plain("one<br>two") == "one\ntwo\n")
    }

    @Test func displayWidthIsUsedForWrapping() {
        // 10 wide characters are 20 columns: at width 12 they take two lines.
        let output = plain("漢字漢字漢字漢字漢字", width: 12)
        #expect(output == "漢字漢字漢字\n漢字漢字\n")
        let emoji = plain("🚀🚀🚀🚀🚀🚀 go", width: 12)
        #expect(emoji.split(separator: "\n").allSatisfy { ANSI.visibleWidth(of: String($0)) <= 12 })
    }

    @Test func longURLWordIsBroken() {
        let url = "https://example.com/a/really/long/path/that/cannot/possibly/fit/in/twenty/columns"
        let lines = plain(url, width: 20).split(separator: "\n").map(String.init)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { ANSI.visibleWidth(of: $0) <= 20 })
        #expect(lines.joined() == url)
    }
}
