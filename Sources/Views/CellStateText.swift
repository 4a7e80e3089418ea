import Classroom

/// How each cell state is shown. Every state has a glyph and a word, so nothing depends
/// on colour: the terminal matrix and the HTML page read the same without it.
extension CellState {
    /// A one- or two-character mark for the terminal and the HTML cell.
    public var glyph: String {
        switch self {
        case .passed: "✓"
        case .failsNow: "✗!"
        case .changed: "~"
        case .regressed: "~✗"
        case .passing: "(✓)"
        case .failing: "✗"
        case .refused: "⚠"
        case .missingFile: "∅"
        case .error: "?"
        case .none: "·"
        }
    }

    /// The word printed with the glyph, for readers who cannot tell the colours apart.
    public var label: String {
        switch self {
        case .passed: "pass"
        case .failsNow: "FAILS NOW"
        case .changed: "changed"
        case .regressed: "REGRESSED"
        case .passing: "passes"
        case .failing: "failing"
        case .refused: "refused"
        case .missingFile: "NO FILE"
        case .error: "error"
        case .none: "—"
        }
    }

    /// What the state means, for the legend.
    public var meaning: String {
        switch self {
        case .passed: "recorded pass, file unchanged since"
        case .failsNow: "recorded pass that does not grade as a pass with the trusted checks"
        case .changed: "a pass was recorded, the file changed since"
        case .regressed: "a pass was recorded, the file changed since and fails now"
        case .passing: "passes when re-graded, no current record"
        case .failing: "fails when re-graded, nothing recorded"
        case .refused: "exercise path is not a small text file (not read)"
        case .missingFile: "a pass was recorded, but there is no exercise file behind it"
        case .error: "could not be graded"
        case .none: "nothing recorded"
        }
    }
}
