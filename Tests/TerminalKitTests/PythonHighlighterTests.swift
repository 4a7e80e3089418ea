import Testing

@testable import TerminalKit

@Suite("Python highlighting")
struct PythonHighlighterTests {
    typealias Kind = PythonHighlighter.Kind

    /// The kind of the first token whose text is exactly `text`.
    private func kind(of text: String, in code: String) -> Kind? {
        PythonHighlighter.tokenize(code).first { $0.text == text }?.kind
    }

    @Test(arguments: [
        ("async def main():", "async", Kind.keyword),
        ("async def main():", "main", .definitionName),
        ("    await task", "await", .keyword),
        ("class Fetcher:", "Fetcher", .definitionName),
        ("print(len(xs))", "print", .builtin),
        ("raise ExceptionGroup('x', [])", "ExceptionGroup", .builtin),
        ("asyncio.sleep(1)", "sleep", .plain),
        ("self.print()", "print", .plain),
        ("x = None", "None", .keyword),
        ("x = 0x1F", "0x1F", .number),
        ("x = 1_000.5e-3j", "1_000.5e-3j", .number),
        ("x = .5", ".5", .number),
        ("x = 'it'", "'it'", .string),
        ("x = rb'\\x00'", "rb'\\x00'", .string),
        ("x = \"a \\\" b\"", "\"a \\\" b\"", .string),
        ("x = \"\"\"one\ntwo\"\"\"", "\"\"\"one\ntwo\"\"\"", .string),
        ("x = 1  # why", "# why", .comment),
        ("@app.route\ndef f(): pass", "@app.route", .decorator),
        ("    @functools.cache\n    def f(): pass", "@functools.cache", .decorator),
        ("y = a @ b", "@", .operator),
        ("match = re.match(p, s)", "match", .plain),
    ])
    func tokenKinds(code: String, text: String, expected: Kind) {
        #expect(kind(of: text, in: code) == expected)
    }

    @Test func fStringReplacementFieldsAreCode() {
        let tokens = PythonHighlighter.tokenize("f\"got {len(xs)} in {{braces}}\"")
        #expect(
            tokens == [
                .init(.string, "f\"got "),
                .init(.interpolation, "{"),
                .init(.builtin, "len"),
                .init(.operator, "("),
                .init(.plain, "xs"),
                .init(.operator, ")"),
                .init(.interpolation, "}"),
                .init(.string, " in {{braces}}\""),
            ])
    }

    static let snippets = [
        sampleCode,
        "x = 'unterminated\ny = 2",
        "s = \"\"\"never closed\nstill string",
        "f'{x!r:>{width}} {d[\"k\"]}'",
        "names = ['é', 'ß', '中文', '😀']\nπ = 3.14159\nλ = lambda: π",
        "if x:\r\n\tpass\\\n  # tab and CRLF",
        "",
        "@",
        "0x",
        "f'{'",
    ]

    @Test(arguments: snippets)
    func tokenizingIsLossless(code: String) {
        #expect(PythonHighlighter.tokenize(code).map(\.text).joined() == code)
        #expect(ANSI.strip(PythonHighlighter.highlight(code)) == code)
    }

    @Test func categoriesGetDistinctColours() {
        let code = "async def main():\n    await go()  # comment\n    return 'text'"
        let output = PythonHighlighter.highlight(code)
        let keyword = ANSI.sgr(PythonHighlighter.style(for: .keyword))
        let string = ANSI.sgr(PythonHighlighter.style(for: .string))
        let comment = ANSI.sgr(PythonHighlighter.style(for: .comment))
        #expect(Set([keyword, string, comment]).count == 3)
        #expect(output.contains(keyword + "async"))
        #expect(output.contains(keyword + "await"))
        #expect(output.contains(string + "'text'"))
        #expect(output.contains(comment + "# comment"))
        #expect(!output.contains(keyword + "main"))
    }
}

let sampleCode = #"""
    import asyncio
    import time


    @dataclass(frozen=True)
    class Result:
        """A fetched value and how long it took."""
        value: int
        seconds: float = 0.0


    async def fetch(n: int) -> int:
        await asyncio.sleep(n)  # never time.sleep() here!
        return n * 10


    async def main() -> None:
        started = time.perf_counter()
        results = await asyncio.gather(fetch(1), fetch(2), fetch(3), return_exceptions=False)
        print(f"got {results} in {time.perf_counter() - started:.1f}s", 0x1F, 1_000)
    """#
