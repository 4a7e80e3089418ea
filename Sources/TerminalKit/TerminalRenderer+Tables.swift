/// Tables: columns sized to the width, cell text wrapped, or one record per row when even
/// that cannot keep words whole.
extension TerminalRenderer {
    func renderTable(
        alignments: [Markdown.Alignment], header: [[Markdown.Inline]], rows: [[[Markdown.Inline]]], width: Int
    ) -> [String] {
        let columns = alignments.count
        guard columns > 0 else { return [] }
        let headerCells = header.map { inlineText($0, base: [.bold]) }
        let bodyCells = rows.map { row in row.map { inlineText($0) } }
        let allRows = (headerCells.isEmpty ? [] : [headerCells]) + bodyCells

        // Natural width: the widest line of any cell. Minimum: the widest word, so that a
        // column at least never breaks words (capped, or one URL would force records).
        var natural = Array(repeating: 1, count: columns)
        var minimum = Array(repeating: 1, count: columns)
        for row in allRows {
            for (column, cell) in row.enumerated() where column < columns {
                let cellWidth = TextWrap.lines(cell).map { ANSI.visibleWidth(of: $0) }.max() ?? 0
                natural[column] = max(natural[column], cellWidth)
                let longestWord =
                    ANSI.strip(cell).split(whereSeparator: { $0 == " " || $0 == "\n" })
                    .map { ANSI.visibleWidth(of: String($0)) }.max() ?? 0
                minimum[column] = max(minimum[column], min(longestWord, Self.longestUnbrokenCell))
            }
        }

        // "│ " + cells joined by " │ " + " │"
        let budget = width - (3 * columns + 1)
        guard budget >= minimum.reduce(0, +) else {
            // A grid this narrow would break words in every cell: records read better.
            return renderTableAsRecords(header: headerCells, rows: bodyCells, width: width)
        }
        let widths = Self.columnWidths(natural: natural, minimum: minimum, budget: budget)

        let border = { (left: String, middle: String, right: String) -> String in
            self.styled(
                left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right,
                .foreground(.brightBlack))
        }
        let bar = styled("│", .foreground(.brightBlack))

        func renderRow(_ cells: [String]) -> [String] {
            let wrapped = (0..<columns).map { column in
                TextWrap.wrap(column < cells.count ? cells[column] : "", width: widths[column])
            }
            let height = wrapped.map(\.count).max() ?? 1
            return (0..<height).map { lineIndex in
                let parts = (0..<columns).map { column -> String in
                    let text = lineIndex < wrapped[column].count ? wrapped[column][lineIndex] : ""
                    return ANSI.pad(text, to: widths[column], alignment: Self.alignment(alignments[column]))
                }
                return bar + " " + parts.joined(separator: " " + bar + " ") + " " + bar
            }
        }

        var lines = [border("┌", "┬", "┐")]
        if !headerCells.isEmpty {
            lines += renderRow(headerCells)
            lines.append(border("├", "┼", "┤"))
        }
        let renderedRows = bodyCells.map(renderRow)
        // Rules between rows only when some row wraps: otherwise rows are easy to tell apart.
        let separateRows = renderedRows.contains { $0.count > 1 }
        for (index, row) in renderedRows.enumerated() {
            if index > 0 && separateRows { lines.append(border("├", "┼", "┤")) }
            lines += row
        }
        if headerCells.isEmpty && bodyCells.isEmpty { return [] }
        lines.append(border("└", "┴", "┘"))
        return lines
    }

    /// The widest word a table column is guaranteed to keep whole.
    static let longestUnbrokenCell = 16

    /// Column widths within `budget` (which must be at least the sum of `minimum`): every
    /// column gets its minimum, and the space left is shared in proportion to how much
    /// each column still lacks of its natural width (the CSS automatic table layout).
    static func columnWidths(natural: [Int], minimum: [Int], budget: Int) -> [Int] {
        guard natural.reduce(0, +) > budget else { return natural }
        var widths = minimum
        let lacking = natural.indices.map { max(0, natural[$0] - minimum[$0]) }
        let totalLacking = lacking.reduce(0, +)
        let spare = budget - minimum.reduce(0, +)
        guard totalLacking > 0, spare > 0 else { return widths }
        var given = 0
        for column in natural.indices {
            let share = spare * lacking[column] / totalLacking
            widths[column] += share
            given += share
        }
        // Rounding leftovers go to the columns that lack the most.
        for column in natural.indices.sorted(by: { lacking[$0] > lacking[$1] }) where given < spare {
            if widths[column] < natural[column] {
                widths[column] += 1
                given += 1
            }
        }
        return widths
    }

    static func alignment(_ alignment: Markdown.Alignment) -> ANSI.Alignment {
        switch alignment {
        case .none, .left: return .left
        case .center: return .center
        case .right: return .right
        }
    }

    /// A table too wide for any grid: each row as `Header: value` lines, rows separated
    /// by a short rule.
    func renderTableAsRecords(header: [String], rows: [[String]], width: Int) -> [String] {
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            if index > 0 {
                lines.append(styled(String(repeating: "─", count: min(width, 8)), .foreground(.brightBlack)))
            }
            for (column, cell) in row.enumerated() {
                let label = column < header.count ? header[column] : ""
                let text = label.isEmpty ? cell : label + ": " + cell
                lines += hang(TextWrap.wrap(text, width: width - 2), first: "", width: 2, indentFirst: false)
            }
        }
        return lines
    }
}
