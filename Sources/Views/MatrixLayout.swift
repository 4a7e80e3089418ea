import Foundation
import TerminalKit

/// A right-hand column of the class table (passed, attempts, hints, last pass).
struct StatColumn {
    var title: String
    var alignment: ANSI.Alignment = .right
    var values: [String]

    /// Wide enough for its title and every value.
    var width: Int { ([title] + values).map { ANSI.visibleWidth(of: $0) }.max() ?? 0 }
}

/// How the class table fits the terminal it is given: the widest layout that fits, and
/// when no single table fits, the lessons split into blocks stacked one under the other.
///
/// Tried in order, from the roomiest down: two spaces between columns and every statistic;
/// one space; names cut at 16 columns; no "last pass"; only "passed", names at 14 and
/// lesson headers at 5; and last, that narrowest layout in blocks of as many lessons as fit
/// (each block repeats the names; the last one carries "passed"). Every line of the table
/// is then at most `width` wide, down to the narrowest terminal `detect` allows.
struct TableLayout {
    var gap: Int
    var nameWidth: Int
    var cellWidth: Int
    /// How many of the statistic columns are shown (from the left).
    var statCount: Int
    /// The lesson headers as shown (cut with `…` when long).
    var headers: [String]
    /// The learner names as shown (cut with `…` when long).
    var names: [String]
    /// Lesson indices per block, in order; one block when everything fits.
    var blocks: [Range<Int>]

    /// A layout to try: the gap between columns, the widest name and header, how many statistics.
    struct Candidate {
        var gap: Int
        var maximumName: Int
        var maximumHeader: Int
        var statCount: Int
    }

    static let candidates = [
        Candidate(gap: 2, maximumName: 28, maximumHeader: 12, statCount: 4),
        Candidate(gap: 1, maximumName: 28, maximumHeader: 12, statCount: 4),
        Candidate(gap: 1, maximumName: 16, maximumHeader: 12, statCount: 4),
        Candidate(gap: 1, maximumName: 16, maximumHeader: 12, statCount: 3),
        Candidate(gap: 1, maximumName: 14, maximumHeader: 5, statCount: 1),
    ]

    /// The narrowest glyph column: every glyph (`(✓)` is the widest) fits in it.
    static let minimumCellWidth = 3
    /// "learner", the name column's title.
    static let nameTitle = "learner"

    static func fitting(width: Int, headers: [String], names: [String], stats: [StatColumn]) -> TableLayout {
        var layout = TableLayout(candidates[0], headers: headers, names: names)
        for candidate in candidates {
            layout = TableLayout(candidate, headers: headers, names: names)
            if layout.width(of: headers.count, stats: stats) <= width { return layout }
        }
        // The narrowest layout still does not fit: names shrink so that one lesson and
        // "passed" fit beside them, and the lessons go in blocks.
        let statsWidth = layout.statsWidth(stats)
        let room = width - statsWidth - layout.gap - layout.cellWidth
        if room < layout.nameWidth {
            layout.nameWidth = max(1, room)
            layout.names = names.map { [nameWidth = layout.nameWidth] in Self.cut($0, to: nameWidth) }
        }
        let perBlock = max(1, (width - layout.nameWidth) / (layout.gap + layout.cellWidth))
        let lastCapacity = max(1, (width - layout.nameWidth - statsWidth) / (layout.gap + layout.cellWidth))
        // The fewest blocks of even size (the last one, carrying the statistics, may be smaller).
        var blocks: [Range<Int>] = [0..<0]
        let count = headers.count
        for number in 1...max(1, count) {
            let size = (count + number - 1) / number
            let last = count - size * (number - 1)
            guard size <= perBlock, last > 0, last <= lastCapacity else { continue }
            blocks = (0..<number).map { index in index * size..<min(count, (index + 1) * size) }
            break
        }
        layout.blocks = blocks
        return layout
    }

    init(_ candidate: Candidate, headers: [String], names: [String]) {
        gap = candidate.gap
        statCount = candidate.statCount
        self.headers = headers.map { ANSI.truncate($0, to: candidate.maximumHeader) }
        cellWidth = max(Self.minimumCellWidth, self.headers.map { ANSI.visibleWidth(of: $0) }.max() ?? 0)
        let longest = names.map { ANSI.visibleWidth(of: $0) }.max() ?? 0
        nameWidth = min(candidate.maximumName, max(Self.nameTitle.count, longest))
        self.names = names.map { [nameWidth] in Self.cut($0, to: nameWidth) }
        blocks = [headers.indices]
    }

    /// A name cut to `width` with `…`, keeping a trailing ` (origin)` that tells two rows of
    /// the same learner apart, while at least four columns of the name itself remain.
    static func cut(_ name: String, to width: Int) -> String {
        guard ANSI.visibleWidth(of: name) > width else { return name }
        if name.hasSuffix(")"), let open = name.range(of: " (", options: .backwards) {
            let suffix = String(name[open.lowerBound...])
            let suffixWidth = ANSI.visibleWidth(of: suffix)
            if width - suffixWidth >= 4 {
                return ANSI.truncate(String(name[..<open.lowerBound]), to: width - suffixWidth) + suffix
            }
        }
        return ANSI.truncate(name, to: width)
    }

    func statsWidth(_ stats: [StatColumn]) -> Int {
        stats.prefix(statCount).reduce(0) { $0 + gap + $1.width }
    }

    /// The width of a block of `lessons` lessons that carries the statistics.
    func width(of lessons: Int, stats: [StatColumn]) -> Int {
        nameWidth + lessons * (gap + cellWidth) + statsWidth(stats)
    }
}
