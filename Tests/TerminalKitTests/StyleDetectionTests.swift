import Testing

@testable import TerminalKit

@Suite("Style detection")
struct StyleDetectionTests {
    @Test(
        arguments: [
            ([:], true, true),
            (["TERM": "xterm-256color"], true, true),
            (["NO_COLOR": ""], true, true),
            (["NO_COLOR": "1"], true, false),
            (["NO_COLOR": "0"], true, false),  // any non-empty value disables colour
            (["NO_COLOR": "false"], true, false),
            (["TERM": "dumb"], true, false),
            ([:], false, false),
            (["TERM": "xterm"], false, false),
        ] as [([String: String], Bool, Bool)])
    func colour(environment: [String: String], isTTY: Bool, expected: Bool) {
        let style = TerminalRenderer.Style.detect(environment: environment, isTTY: isTTY, width: 100)
        #expect(style.color == expected)
    }

    @Test(
        arguments: [
            ([:], true, 132 as Int?, 132),
            ([:], true, nil, 80),
            (["COLUMNS": "132"], true, 100, 100),
            (["COLUMNS": "132"], true, nil, 132),
            (["COLUMNS": "132"], true, 0, 132),
            (["COLUMNS": "90"], false, 132, 90),
            ([:], false, 132, 80),
            (["COLUMNS": "abc"], false, nil, 80),
            (["COLUMNS": "5"], false, nil, 20),
            (["COLUMNS": " 99 "], false, nil, 99),
            ([:], true, 1000, 200),
        ] as [([String: String], Bool, Int?, Int)])
    func width(environment: [String: String], isTTY: Bool, terminal: Int?, expected: Int) {
        let style = TerminalRenderer.Style.detect(environment: environment, isTTY: isTTY, width: terminal)
        #expect(style.width == expected)
    }

    @Test func defaultsReadTheProcess() {
        // Under `swift test` stdout is a pipe or a file: never colour, never a crash.
        let style = TerminalRenderer.Style.detect()
        #expect(TerminalRenderer.Style.widthRange.contains(style.width))
        if !Terminal.isTTY() { #expect(style.color == false) }
    }
}
