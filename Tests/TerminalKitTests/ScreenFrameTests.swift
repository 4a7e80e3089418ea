import TestSupport
import Testing

@testable import TerminalKit

@Suite("Drawing a whole screen")
struct ScreenFrameTests {
    /// Lines of every kind at the edge: exactly the width, one short, empty, wide characters.
    static func lines(width: Int) -> [String] {
        [
            String(repeating: "─", count: width),
            String(repeating: "a", count: width - 1) + "Z",
            "",
            String(repeating: "x", count: width - 1),
            String(repeating: "界", count: width / 2),
            ANSI.styled(String(repeating: "b", count: width - 1) + "Y", [.bold]),
        ]
    }

    @Test(arguments: [(80, 24), (200, 50), (21, 6)])
    func everyFullWidthLineKeepsItsLastCell(columns: Int, rows: Int) {
        var screen = ScreenEmulator(columns: columns, rows: rows)
        // As watch mode sets the terminal up: autowrap off.
        screen.feed(Array("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[H\u{1B}[2J".utf8))
        let lines = Self.lines(width: columns)
        for _ in 0..<2 {  // a second frame over the first
            screen.feed(Array(ScreenFrame.render(lines, rows: rows).utf8))
        }
        #expect(screen.losses.isEmpty, "\(screen.losses)")
        #expect(screen.overflows.isEmpty)
        #expect(Array(screen.lines.prefix(lines.count)) == lines.map(ANSI.strip))
        #expect(screen.lines.dropFirst(lines.count).allSatisfy { $0.isEmpty })
    }

    @Test func aShorterFrameBlanksWhatTheLongerOneLeftBelow() {
        var screen = ScreenEmulator(columns: 30, rows: 8)
        screen.feed(Array(ScreenFrame.render(Array(repeating: "old text", count: 8), rows: 8).utf8))
        screen.feed(Array(ScreenFrame.render(["new"], rows: 8).utf8))
        #expect(screen.lines == ["new"] + Array(repeating: "", count: 7))
    }

    /// The emulator catches what watch mode used to send: each line, then clear to its end.
    @Test(arguments: [true, false])
    func clearingAfterAFullWidthLineErasesItsLastCell(autowrap: Bool) {
        var screen = ScreenEmulator(columns: 10, rows: 3)
        screen.feed(Array("\u{1B}[?7\(autowrap ? "h" : "l")".utf8))
        let old = "\u{1B}[?2026h\u{1B}[H" + ["0123456789", "abc"].joined(separator: "\u{1B}[K\r\n") + "\u{1B}[K\u{1B}[J\u{1B}[?2026l"
        screen.feed(Array(old.utf8))
        #expect(screen.lines[0] == "012345678")
        #expect(screen.losses.map(\.description) == ["EL erased “9” at row 1, column 10"])
    }
}
