/// A line diff by longest common subsequence: the smallest set of lines to remove from
/// `old` and add from `new`. Trailing whitespace is ignored when comparing lines.
public enum LineDiff {
    /// One line of the diff, with its index in `old` and/or `new`.
    public enum Edit: Equatable, Sendable {
        case same(old: Int, new: Int)
        case removed(old: Int)
        case added(new: Int)
    }

    /// Above this many cells the quadratic table is not built: every line of `old` is
    /// shown removed and every line of `new` added (exercise files are far smaller).
    public static let maximumCells = 4_000_000

    public static func diff(_ old: [String], _ new: [String]) -> [Edit] {
        let a = old.map(trimmed)
        let b = new.map(trimmed)
        // Common head and tail are cheap to peel off and keep the table small.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        var edits: [Edit] = (0..<prefix).map { .same(old: $0, new: $0) }
        let middleA = Array(a[prefix..<(a.count - suffix)])
        let middleB = Array(b[prefix..<(b.count - suffix)])
        edits += middle(middleA, middleB).map { edit in
            switch edit {
            case .same(let i, let j): .same(old: i + prefix, new: j + prefix)
            case .removed(let i): .removed(old: i + prefix)
            case .added(let j): .added(new: j + prefix)
            }
        }
        edits += (0..<suffix).map { .same(old: a.count - suffix + $0, new: b.count - suffix + $0) }
        return edits
    }

    private static func middle(_ a: [String], _ b: [String]) -> [Edit] {
        if a.isEmpty { return b.indices.map { .added(new: $0) } }
        if b.isEmpty { return a.indices.map { .removed(old: $0) } }
        guard a.count * b.count <= maximumCells else {
            return a.indices.map { .removed(old: $0) } + b.indices.map { .added(new: $0) }
        }
        // lengths[i][j]: the LCS length of a[i...] and b[j...].
        let columns = b.count + 1
        var lengths = [Int](repeating: 0, count: (a.count + 1) * columns)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i * columns + j] =
                    a[i] == b[j]
                    ? lengths[(i + 1) * columns + j + 1] + 1
                    : max(lengths[(i + 1) * columns + j], lengths[i * columns + j + 1])
            }
        }
        var edits: [Edit] = []
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                edits.append(.same(old: i, new: j))
                i += 1
                j += 1
            } else if lengths[(i + 1) * columns + j] >= lengths[i * columns + j + 1] {
                edits.append(.removed(old: i))
                i += 1
            } else {
                edits.append(.added(new: j))
                j += 1
            }
        }
        edits += (i..<a.count).map { .removed(old: $0) }
        edits += (j..<b.count).map { .added(new: $0) }
        return edits
    }

    private static func trimmed(_ line: String) -> String {
        var line = Substring(line)
        while let last = line.last, last == " " || last == "\t" || last == "\r" { line.removeLast() }
        return String(line)
    }
}
