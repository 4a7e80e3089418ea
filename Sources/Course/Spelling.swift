/// Near misses: which of the words a command knows the user probably meant by a typo
/// (`grdae` → `grade`, `gahter` → `02-gather`). Used for subcommands and lesson ids.
public enum Spelling {
    /// The candidates within a typo or two of `word`, closest first (ties in the given
    /// order). A typo is one inserted, deleted, replaced or swapped neighbouring
    /// character; short words allow one, longer ones two, and never half the word.
    public static func closest(to word: String, among candidates: [String]) -> [String] {
        let typed = Array(word.lowercased())
        let allowed = min(typed.count <= 4 ? 1 : 2, max(typed.count / 2, 1))
        let scored = candidates.enumerated().compactMap { index, candidate -> (Int, Int, String)? in
            let distance = typos(typed, Array(candidate.lowercased()))
            return distance <= allowed ? (distance, index, candidate) : nil
        }
        return scored.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    /// The optimal string alignment distance: Levenshtein's edits plus the swap of two
    /// neighbouring characters as one (the commonest typo, `lsit`).
    static func typos(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            previous2 = previous
            previous = current
        }
        return previous[b.count]
    }
}
