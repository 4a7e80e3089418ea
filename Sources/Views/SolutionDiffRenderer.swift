import Course
import Foundation
import TerminalKit

/// Shows the learner's passing code beside the reference solution, after a pass: side by
/// side when the terminal is wide enough, as a unified diff otherwise, with the lines that
/// matter numbered (①②…) and explained underneath.
///
/// ```
/// your code                              │ reference solution
///   users = []                           │ ①  return list(await asyncio.gather(
/// ```
///
/// A line is "one that matters" when it contains a note's fragment (see `Explanation`), on
/// either side: the learner sees which of their own lines does the same job.
public struct SolutionDiffRenderer: Sendable {
    public var style: TerminalRenderer.Style
    /// Width from which the two files are shown side by side.
    public var sideBySideWidth = 100
    /// Unchanged lines kept around a change; longer unchanged runs are folded.
    public var context = 3

    public init(style: TerminalRenderer.Style) {
        self.style = style
    }

    /// The diff's lines (no trailing newline).
    /// - Parameters:
    ///   - learner: The learner's file.
    ///   - solution: The reference solution.
    ///   - notes: The lines that matter, in the order they are numbered.
    public func render(learner: String, solution: String, notes: [Explanation]) -> [String] {
        let left = Self.lines(learner)
        let right = Self.lines(solution)
        let leftShown = highlightedLines(learner, count: left.count)
        let rightShown = highlightedLines(solution, count: right.count)
        let edits = LineDiff.diff(left, right)
        let leftMarks = left.map { marks(for: $0, notes: notes) }
        let rightMarks = right.map { marks(for: $0, notes: notes) }
        let gutter = max(1, (leftMarks + rightMarks).map(\.count).max() ?? 1)

        var lines: [String] = []
        let identical = edits.allSatisfy { if case .same = $0 { true } else { false } }
        if identical {
            lines.append(paint("Your code is the reference solution, line for line.", .foreground(.green)))
        }
        let rows = Self.rows(edits)
        let folded = fold(rows, marked: { row in
            (row.old.map { !leftMarks[$0].isEmpty } ?? false) || (row.new.map { !rightMarks[$0].isEmpty } ?? false)
        })
        if identical {
            // Nothing to compare: the solution once, with its notes' markers.
            for item in folded {
                guard let row = item, let new = row.new else {
                    lines.append(paint("    ⋯", .dim))
                    continue
                }
                lines += cell(rightShown[new], marks: rightMarks[new], gutter: gutter, sign: " ", color: .green, width: max(8, style.width - 3 - gutter))
            }
        } else if style.width >= sideBySideWidth {
            let half = (style.width - 3) / 2
            let codeWidth = max(8, half - gutter - 3)
            lines.append(
                paint(ANSI.pad("    your code", to: half), .bold) + paint(" │ ", .dim) + paint("    reference solution", .bold))
            for item in folded {
                guard let row = item else {
                    lines.append(paint(ANSI.pad("    ⋯", to: half) + " │     ⋯", .dim))
                    continue
                }
                let changed = row.old == nil || row.new == nil || !row.same
                let leftCell = row.old.map {
                    cell(leftShown[$0], marks: leftMarks[$0], gutter: gutter, sign: changed ? "-" : " ", color: .red, width: codeWidth)
                } ?? []
                let rightCell = row.new.map {
                    cell(rightShown[$0], marks: rightMarks[$0], gutter: gutter, sign: changed ? "+" : " ", color: .green, width: codeWidth)
                } ?? []
                for index in 0..<max(leftCell.count, rightCell.count) {
                    let left = index < leftCell.count ? leftCell[index] : ""
                    let right = index < rightCell.count ? rightCell[index] : ""
                    lines.append(ANSI.pad(left, to: half) + paint(" │ ", .dim) + right)
                }
            }
        } else {
            let codeWidth = max(8, style.width - 3 - gutter)
            if !identical {
                lines.append(paint("- your code   ", .foreground(.red)) + paint("+ reference solution", .foreground(.green)))
            }
            for item in folded {
                guard let row = item else {
                    lines.append(paint("    ⋯", .dim))
                    continue
                }
                if row.same, let old = row.old, let new = row.new {
                    let marks = rightMarks[new].isEmpty ? leftMarks[old] : rightMarks[new]
                    lines += cell(rightShown[new], marks: marks, gutter: gutter, sign: " ", color: .green, width: codeWidth)
                    continue
                }
                if let old = row.old {
                    lines += cell(leftShown[old], marks: leftMarks[old], gutter: gutter, sign: "-", color: .red, width: codeWidth)
                }
                if let new = row.new {
                    lines += cell(rightShown[new], marks: rightMarks[new], gutter: gutter, sign: "+", color: .green, width: codeWidth)
                }
            }
        }
        let used = Set((leftMarks + rightMarks).joined())
        let explained = notes.enumerated().filter { used.contains($0.offset) }
        if !explained.isEmpty {
            lines.append("")
            lines.append(paint("The lines that matter:", .bold))
            for (index, note) in explained {
                let head = Self.marker(index) + " "
                let text = paint(note.code, .foreground(.cyan)) + " — " + note.why
                let wrapped = TextWrap.wrap(text, width: max(10, style.width - 2))
                for (offset, line) in wrapped.enumerated() {
                    lines.append((offset == 0 ? head : "  ") + line)
                }
            }
        }
        return lines
    }

    /// A pair of lines side by side; `old`/`new` nil when that side has no line.
    struct Row: Equatable {
        var old: Int?
        var new: Int?
        var same: Bool
    }

    /// Pairs removed lines with the added lines that follow them, so a changed line sits
    /// beside its replacement.
    static func rows(_ edits: [LineDiff.Edit]) -> [Row] {
        var rows: [Row] = []
        var removed: [Int] = []
        var added: [Int] = []
        func flush() {
            for index in 0..<max(removed.count, added.count) {
                rows.append(Row(old: index < removed.count ? removed[index] : nil, new: index < added.count ? added[index] : nil, same: false))
            }
            removed = []
            added = []
        }
        for edit in edits {
            switch edit {
            case .same(let old, let new):
                flush()
                rows.append(Row(old: old, new: new, same: true))
            case .removed(let old):
                if !added.isEmpty { flush() }
                removed.append(old)
            case .added(let new):
                added.append(new)
            }
        }
        flush()
        return rows
    }

    /// Rows to show; nil where a run of unchanged, unmarked rows was folded away.
    func fold(_ rows: [Row], marked: (Row) -> Bool) -> [Row?] {
        let keep = rows.indices.map { index in
            rows[max(0, index - context)...min(rows.count - 1, index + context)].contains { !$0.same || marked($0) }
        }
        guard keep.contains(true) else { return rows }  // nothing changed, nothing marked: show it all
        var result: [Row?] = []
        var index = 0
        while index < rows.count {
            if keep[index] {
                result.append(rows[index])
                index += 1
                continue
            }
            var end = index
            while end < rows.count, !keep[end] { end += 1 }
            if end - index <= 2 {
                result += rows[index..<end].map { $0 }
            } else {
                result.append(nil)
            }
            index = end
        }
        return result
    }

    private func marks(for line: String, notes: [Explanation]) -> [Int] {
        notes.indices.filter { notes[$0].matches(line) }
    }

    /// `①② - code`: the line's markers padded to the gutter, the change sign, the code.
    /// Code is never cut: a line wider than `width` goes on behind `↪`, as in lesson text.
    private func cell(_ code: String, marks: [Int], gutter: Int, sign: String, color: ANSI.Color, width: Int) -> [String] {
        let markText = ANSI.pad(marks.map { paint(Self.marker($0), .bold, .foreground(.yellow)) }.joined(), to: gutter)
        let signText = sign == " " ? " " : paint(sign, .bold, .foreground(color))
        let continuation = String(repeating: " ", count: gutter) + paint("↪", .dim) + "  "
        return TextWrap.hardWrap(code, width: width).enumerated().map { index, piece in
            (index == 0 ? markText + signText + "  " : continuation) + piece
        }
    }

    /// ① … ⑳, then (21), (22) …
    static func marker(_ index: Int) -> String {
        index < 20 ? String(UnicodeScalar(0x2460 + UInt32(index))!) : "(\(index + 1))"
    }

    static func lines(_ text: String) -> [String] {
        var lines = displayable(text).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The code as shown: CRLF as one line break, tabs as four spaces, and any other
    /// control character spelled out (the learner's file may hold raw escape sequences).
    static func displayable(_ text: String) -> String {
        ANSI.sanitized(
            text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\t", with: "    "),
            keepingLineBreaks: true)
    }

    /// Each line coloured as Python (tokenised as a whole file, so strings spanning lines
    /// stay strings), or plain.
    private func highlightedLines(_ text: String, count: Int) -> [String] {
        let plain = Self.lines(text)
        guard style.color else { return plain }
        var lines: [String] = [""]
        let source = Self.displayable(text)
        for token in PythonHighlighter.tokenize(source) {
            let attributes = PythonHighlighter.style(for: token.kind)
            let pieces = token.text.components(separatedBy: "\n")
            for (offset, piece) in pieces.enumerated() {
                if offset > 0 { lines.append("") }
                if !piece.isEmpty { lines[lines.count - 1] += attributes.isEmpty ? piece : ANSI.styled(piece, attributes) }
            }
        }
        while lines.count < count { lines.append("") }
        return Array(lines.prefix(count))
    }

    private func paint(_ text: String, _ attributes: ANSI.SGR...) -> String {
        ANSI.styled(text, attributes, enabled: style.color)
    }
}
