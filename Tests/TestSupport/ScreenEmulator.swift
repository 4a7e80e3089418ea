import TerminalKit

/// A small terminal screen that honours what watch mode's byte stream relies on, the way
/// xterm does: printable text (wide characters take two cells), CR, LF, BS, cursor moves
/// (`CUP`, `CUU`/`CUD`/`CUF`/`CUB`, `CHA`, `VPA`), erasing (`EL`, `ED`), the alternate
/// screen, autowrap (`DECAWM`) and the *pending wrap* state: a character written in the
/// last column leaves the cursor on that column, so an `EL` there erases it.
///
/// It records what a program could not have meant: a cell drawn in the current frame and
/// then erased or overwritten within it (a **loss**), and text that ran past the right
/// edge (an **overflow**). A frame begins at each synchronized update (`CSI ? 2026 h`) or
/// whole-screen erase, so clearing the previous frame's cells is no loss.
public struct ScreenEmulator {
    public struct Loss: Equatable, CustomStringConvertible {
        public var row: Int
        public var column: Int
        public var character: Character
        /// What erased it: `EL`, `ED`, or `print` (overwritten).
        public var cause: String
        public var description: String { "\(cause) erased “\(character)” at row \(row + 1), column \(column + 1)" }
    }

    private struct Cell {
        var character: Character = " "
        /// The frame that drew it.
        var frame = 0
        /// The right half of a wide character.
        var continuation = false
    }

    public private(set) var columns: Int
    public private(set) var rows: Int
    private var primary: [[Cell]]
    private var alternate: [[Cell]]
    private var onAlternate = false
    private var row = 0
    private var column = 0
    private var pendingWrap = false
    private var autowrap = true
    private var frame = 0
    /// Bytes of an escape sequence or UTF-8 character cut by the end of a chunk.
    private var carry: [UInt8] = []

    public private(set) var losses: [Loss] = []
    /// Rows (0-based) of the alternate screen where text ran past the right edge (on the
    /// normal screen, wrapping a long line is what a terminal is for).
    public private(set) var overflows: [Int] = []
    /// Every screen a synchronized update ended with (its rows, trailing spaces removed).
    public private(set) var frames: [[String]] = []

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        primary = Array(repeating: Array(repeating: Cell(), count: columns), count: rows)
        alternate = primary
    }

    /// The terminal was resized: like xterm, what fits stays where it was.
    public mutating func resize(columns newColumns: Int, rows newRows: Int) {
        func resized(_ grid: [[Cell]]) -> [[Cell]] {
            (0..<newRows).map { line in
                (0..<newColumns).map { position in
                    line < grid.count && position < grid[line].count ? grid[line][position] : Cell()
                }
            }
        }
        primary = resized(primary)
        alternate = resized(alternate)
        columns = newColumns
        rows = newRows
        row = min(row, rows - 1)
        column = min(column, columns - 1)
        pendingWrap = false
    }

    /// The screen now: one string per row, trailing spaces removed.
    public var lines: [String] {
        let grid = onAlternate ? alternate : primary
        return grid.map { cells in
            var text = String(cells.filter { !$0.continuation }.map(\.character))
            while text.last == " " { text.removeLast() }
            return text
        }
    }

    public mutating func feed(_ bytes: [UInt8]) {
        let input = carry + bytes
        carry = []
        var index = 0
        while index < input.count {
            let byte = input[index]
            switch byte {
            case 0x1B:
                guard let end = escapeEnd(input, from: index) else {
                    carry = Array(input[index...])
                    return
                }
                escape(Array(input[index..<end]))
                index = end
            case 0x0D:
                column = 0
                pendingWrap = false
                index += 1
            case 0x0A, 0x0B, 0x0C:
                lineFeed()
                index += 1
            case 0x08:
                column = max(0, column - 1)
                pendingWrap = false
                index += 1
            case 0x00..<0x20, 0x7F:
                index += 1
            default:
                // A run of text up to the next control byte, decoded whole so clusters stay together.
                var end = index
                while end < input.count, input[end] >= 0x20, input[end] != 0x7F { end += 1 }
                var cut = end
                if end == input.count {
                    // Keep an incomplete UTF-8 character for the next chunk.
                    var start = end - 1
                    while start > index, input[start] & 0xC0 == 0x80 { start -= 1 }
                    let lead = input[start]
                    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                    if end - start < length { cut = start }
                }
                for character in String(decoding: input[index..<cut], as: UTF8.self) { print(character) }
                if cut < end {
                    carry = Array(input[cut..<end])
                    return
                }
                index = end
            }
        }
    }

    // MARK: - Text

    private mutating func print(_ character: Character) {
        let width = ANSI.width(of: character)
        guard width > 0 else { return }
        if pendingWrap {
            // The last column is taken: autowrap moves on to the next line, without it the
            // character lands on that last cell again. Either way the line was too long.
            if onAlternate { overflows.append(row) }
            if autowrap {
                column = 0
                lineFeed()
            }
        }
        pendingWrap = false
        if column + width > columns {
            if onAlternate { overflows.append(row) }
            if autowrap {
                column = 0
                lineFeed()
            } else {
                column = columns - width
            }
        }
        put(Cell(character: character, frame: frame), at: column, cause: "print")
        if width == 2 { put(Cell(character: " ", frame: frame, continuation: true), at: column + 1, cause: "print") }
        if column + width >= columns {
            column = columns - 1
            pendingWrap = true
        } else {
            column += width
        }
    }

    private mutating func put(_ cell: Cell, at position: Int, cause: String) {
        erase(row: row, columns: position..<(position + 1), cause: cause)
        if onAlternate { alternate[row][position] = cell } else { primary[row][position] = cell }
    }

    private mutating func lineFeed() {
        pendingWrap = false
        if row < rows - 1 {
            row += 1
            return
        }
        // Scrolling moves every cell: what the frame drew at the top is gone.
        erase(row: 0, columns: 0..<columns, cause: "scroll")
        var grid = onAlternate ? alternate : primary
        grid.removeFirst()
        grid.append(Array(repeating: Cell(), count: columns))
        if onAlternate { alternate = grid } else { primary = grid }
    }

    /// Blanks cells, noting any the current frame drew (a space lost is nothing seen).
    private mutating func erase(row target: Int, columns range: Range<Int>, cause: String) {
        let range = max(0, range.lowerBound)..<min(columns, range.upperBound)
        for position in range {
            let cell = onAlternate ? alternate[target][position] : primary[target][position]
            if cell.frame == frame, frame > 0, !cell.continuation, cell.character != " " {
                losses.append(Loss(row: target, column: position, character: cell.character, cause: cause))
            }
            if onAlternate { alternate[target][position] = Cell() } else { primary[target][position] = Cell() }
        }
    }

    // MARK: - Escape sequences

    /// The index after the escape sequence starting at `start`, or nil when it is cut off.
    private func escapeEnd(_ input: [UInt8], from start: Int) -> Int? {
        guard start + 1 < input.count else { return nil }
        switch input[start + 1] {
        case UInt8(ascii: "["):
            var index = start + 2
            while index < input.count {
                if (0x40...0x7E).contains(input[index]) { return index + 1 }
                index += 1
            }
            return nil
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"):
            // A string: ends with BEL or ESC \.
            var index = start + 2
            while index < input.count {
                if input[index] == 0x07 { return index + 1 }
                if input[index] == 0x1B, index + 1 < input.count, input[index + 1] == UInt8(ascii: "\\") { return index + 2 }
                index += 1
            }
            return nil
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "#"):
            return start + 3 <= input.count ? start + 3 : nil
        default:
            return start + 2
        }
    }

    private mutating func escape(_ sequence: [UInt8]) {
        guard sequence.count >= 3, sequence[1] == UInt8(ascii: "[") else { return }
        let final = Character(UnicodeScalar(sequence[sequence.count - 1]))
        let body = String(decoding: sequence[2..<(sequence.count - 1)], as: UTF8.self)
        if body.hasPrefix("?") {
            privateMode(body.dropFirst().split(separator: ";").compactMap { Int($0) }, set: final == "h")
            return
        }
        let numbers = body.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        func parameter(_ index: Int, _ fallback: Int) -> Int {
            guard index < numbers.count, let value = numbers[index], value > 0 else { return fallback }
            return value
        }
        let mode = numbers.first.flatMap { $0 } ?? 0
        switch final {
        case "H", "f":
            move(row: parameter(0, 1) - 1, column: parameter(1, 1) - 1)
        case "A":
            move(row: row - parameter(0, 1), column: column)
        case "B":
            move(row: row + parameter(0, 1), column: column)
        case "C":
            move(row: row, column: column + parameter(0, 1))
        case "D":
            move(row: row, column: column - parameter(0, 1))
        case "G":
            move(row: row, column: parameter(0, 1) - 1)
        case "d":
            move(row: parameter(0, 1) - 1, column: column)
        case "K":
            pendingWrap = false
            switch mode {
            case 1: erase(row: row, columns: 0..<(column + 1), cause: "EL")
            case 2: erase(row: row, columns: 0..<columns, cause: "EL")
            default: erase(row: row, columns: column..<columns, cause: "EL")
            }
        case "J":
            pendingWrap = false
            switch mode {
            case 1:
                for line in 0..<row { erase(row: line, columns: 0..<columns, cause: "ED") }
                erase(row: row, columns: 0..<(column + 1), cause: "ED")
            case 2, 3:
                frame += 1  // a whole-screen erase starts afresh
                for line in 0..<rows { erase(row: line, columns: 0..<columns, cause: "ED") }
            default:
                erase(row: row, columns: column..<columns, cause: "ED")
                for line in (row + 1)..<max(row + 1, rows) { erase(row: line, columns: 0..<columns, cause: "ED") }
            }
        default:
            break  // SGR and the rest change no cell
        }
    }

    private mutating func move(row newRow: Int, column newColumn: Int) {
        row = min(max(0, newRow), rows - 1)
        column = min(max(0, newColumn), columns - 1)
        pendingWrap = false
    }

    private mutating func privateMode(_ modes: [Int], set: Bool) {
        for mode in modes {
            switch mode {
            case 7:
                autowrap = set
            case 1049:
                onAlternate = set
                if set { alternate = Array(repeating: Array(repeating: Cell(), count: columns), count: rows) }
            case 2026:
                if set { frame += 1 } else { frames.append(lines) }
            default:
                break
            }
        }
    }
}
