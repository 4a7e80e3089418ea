import Testing

@testable import TerminalKit

@Suite("Markdown AST")
struct MarkdownTests {
    typealias Block = Markdown.Block
    typealias Inline = Markdown.Inline

    @Test func headingFromTheBrief() {
        #expect(Markdown.parse("# Hi") == [.heading(level: 1, [.text("Hi")])])
    }

    @Test(arguments: [
        ("# One", 1, "One"),
        ("###### Six", 6, "Six"),
        ("Setext one\n==========", 1, "Setext one"),
        ("Setext two\n---", 2, "Setext two"),
        ("### Closed ###", 3, "Closed"),
    ])
    func headings(source: String, level: Int, text: String) {
        #expect(Markdown.parse(source) == [.heading(level: level, [.text(text)])])
    }

    @Test func inlineStyles() {
        let blocks = Markdown.parse("*em* **strong** `code` ~~gone~~ ***both***")
        #expect(
            blocks == [
                .paragraph([
                    .emphasis([.text("em")]), .text(" "),
                    .strong([.text("strong")]), .text(" "),
                    .code("code"), .text(" "),
                    .strikethrough([.text("gone")]), .text(" "),
                    .emphasis([.strong([.text("both")])]),
                ])
            ])
    }

    @Test(arguments: [
        ("\"Hello\" -- it's...", "“Hello” – it’s…"),
        ("a --- b", "a — b"),
        ("'single'", "‘single’"),
    ])
    func smartPunctuation(source: String, expected: String) {
        #expect(Markdown.parse(source) == [.paragraph([.text(expected)])])
    }

    @Test func codeSpansKeepStraightQuotes() {
        #expect(Markdown.parse("`\"x\" -- y`") == [.paragraph([.code("\"x\" -- y")])])
    }

    @Test(arguments: [
        ("```python\nprint(1)\n```", "python" as String?, "print(1)"),
        ("```py title=\"demo.py\"\nx = 1\ny = 2\n```", "py", "x = 1\ny = 2"),
        ("~~~pycon\n>>> 1\n~~~", "pycon", ">>> 1"),
        ("```\nplain\n```", nil, "plain"),
        ("    indented\n    code", nil, "indented\ncode"),
        ("```python\n```", "python", ""),
    ])
    func codeFences(source: String, language: String?, code: String) {
        #expect(Markdown.parse(source) == [.codeBlock(language: language, code: code)])
    }

    @Test func nestedListsAndStart() {
        let source = """
            3. three
               - a
               - b
                 1. deep
            4. four
            """
        let expected: [Block] = [
            .list(
                ordered: true, start: 3, tight: true,
                items: [
                    Markdown.ListItem([
                        .paragraph([.text("three")]),
                        .list(
                            ordered: false, start: 1, tight: true,
                            items: [
                                Markdown.ListItem([.paragraph([.text("a")])]),
                                Markdown.ListItem([
                                    .paragraph([.text("b")]),
                                    .list(
                                        ordered: true, start: 1, tight: true,
                                        items: [Markdown.ListItem([.paragraph([.text("deep")])])]),
                                ]),
                            ]),
                    ]),
                    Markdown.ListItem([.paragraph([.text("four")])]),
                ])
        ]
        #expect(Markdown.parse(source) == expected)
    }

    @Test(arguments: [
        ("- a\n- b", true),
        ("- a\n\n- b", false),
        ("1. a\n2. b", true),
        ("1. a\n\n   more\n2. b", false),
    ])
    func tightAndLoose(source: String, tight: Bool) {
        guard case .list(_, _, let isTight, _)? = Markdown.parse(source).first else {
            Issue.record("not a list")
            return
        }
        #expect(isTight == tight)
    }

    @Test func taskList() {
        let blocks = Markdown.parse("- [x] done\n- [ ] todo\n- plain")
        #expect(
            blocks == [
                .list(
                    ordered: false, start: 1, tight: true,
                    items: [
                        Markdown.ListItem(task: .checked, [.paragraph([.text("done")])]),
                        Markdown.ListItem(task: .unchecked, [.paragraph([.text("todo")])]),
                        Markdown.ListItem(task: nil, [.paragraph([.text("plain")])]),
                    ])
            ])
    }

    @Test func tableWithAlignmentsAndShortRows() {
        let source = """
            | Left | Right | Center | None |
            |:-----|------:|:------:|------|
            | a    | `1`   | **c**  | d    |
            | e    |
            """
        let expected: [Block] = [
            .table(
                alignments: [.left, .right, .center, .none],
                header: [[.text("Left")], [.text("Right")], [.text("Center")], [.text("None")]],
                rows: [
                    [[.text("a")], [.code("1")], [.strong([.text("c")])], [.text("d")]],
                    [[.text("e")], [], [], []],
                ])
        ]
        #expect(Markdown.parse(source) == expected)
    }

    @Test(arguments: [
        ("https://docs.python.org/3/", "https://docs.python.org/3/", "https://docs.python.org/3/"),
        ("www.example.com", "http://www.example.com", "www.example.com"),
        ("<https://a.example/x>", "https://a.example/x", "https://a.example/x"),
        ("[the docs](https://d.example \"title\")", "https://d.example", "the docs"),
    ])
    func links(source: String, destination: String, text: String) {
        #expect(Markdown.parse(source) == [.paragraph([.link(destination: destination, [.text(text)])])])
    }

    @Test func imagesBreaksQuotesRulesAndHTML() {
        let source = """
            ![a diagram](img/loop.png)
            line one\\
            line two
            soft

            > quoted
            > > nested

            ***

            <div>raw</div>

            inline <kbd>Ctrl</kbd>
            """
        let expected: [Block] = [
            .paragraph([
                .image(source: "img/loop.png", alt: [.text("a diagram")]), .softBreak,
                .text("line one"), .lineBreak, .text("line two"), .softBreak, .text("soft"),
            ]),
            .blockQuote([.paragraph([.text("quoted")]), .blockQuote([.paragraph([.text("nested")])])]),
            .thematicBreak,
            .htmlBlock("<div>raw</div>\n"),
            .paragraph([.text("inline "), .html("<kbd>"), .text("Ctrl"), .html("</kbd>")]),
        ]
        #expect(Markdown.parse(source) == expected)
    }

    @Test func emptyDocument() {
        #expect(Markdown.parse("").isEmpty)
        #expect(Markdown.parse("\n\n  \n").isEmpty)
    }

    /// cmark-gfm mutates global tables on every parse; parsing must still be safe from
    /// many tasks at once (Swift Testing itself runs tests in parallel).
    @Test func concurrentParsesAgree() async {
        let expected = Markdown.parse(sampleLesson)
        let results = await withTaskGroup(of: [Block].self) { group in
            for _ in 0..<32 {
                group.addTask { Markdown.parse(sampleLesson) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 == expected })
    }
}
