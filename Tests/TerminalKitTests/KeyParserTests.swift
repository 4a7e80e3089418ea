import Testing

@testable import TerminalKit

@Suite("Key parser")
struct KeyParserTests {
    @Test(arguments: [
        ([UInt8(ascii: "h")], [Key.character("h")]),
        ([0x1B, 0x5B, 0x41], [.up]),
        ([0x1B, 0x5B, 0x42, 0x1B, 0x5B, 0x43, 0x1B, 0x5B, 0x44], [.down, .right, .left]),
        ([0x1B, 0x4F, 0x48], [.home]),
        ([0x1B, 0x5B, 0x35, 0x7E, 0x1B, 0x5B, 0x36, 0x7E], [.pageUp, .pageDown]),
        ([0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x43], [.unknown]),  // Ctrl-→: not used
        ([0x0D, 0x0A, 0x09, 0x7F], [.enter, .enter, .tab, .backspace]),
        ([0x03, 0x1A, 0x0C], [.control("c"), .control("z"), .control("l")]),
        (Array("é✓".utf8), [.character("é"), .character("✓")]),
        ([0x1B, 0x1B, 0x5B, 0x41], [.escape, .up]),
        ([0x1B, UInt8(ascii: "x"), UInt8(ascii: "q")], [.unknown, .character("q")]),  // Alt-x, then q
    ] as [([UInt8], [Key])])
    func parses(bytes: [UInt8], keys: [Key]) {
        var parser = KeyParser()
        #expect(parser.feed(bytes) == keys)
        #expect(!parser.isWaitingAfterEscape)
    }

    @Test func aLoneEscapeWaitsThenIsEscape() {
        var parser = KeyParser()
        #expect(parser.feed([0x1B]) == [])
        #expect(parser.isWaitingAfterEscape)
        #expect(parser.flush() == [.escape])
        #expect(parser.feed([UInt8(ascii: "q")]) == [.character("q")])
    }

    @Test func sequencesAndCharactersSplitAcrossReads() {
        var parser = KeyParser()
        #expect(parser.feed([0x1B]) == [])
        #expect(parser.feed([0x5B]) == [])
        #expect(parser.feed([0x41]) == [.up])
        let check = Array("✓".utf8)
        #expect(parser.feed([check[0]]) == [])
        #expect(parser.feed(Array(check[1...])) == [.character("✓")])
    }
}
