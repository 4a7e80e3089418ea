/// A whole screen of lines as the bytes that draw it in place, losing no cell.
///
/// Each row is cleared *before* its text is written, never after: a character written in
/// the last column leaves the cursor on that column (the terminal's pending-wrap state),
/// so clearing to the end of the line after a full-width line would erase its last cell.
/// Rows are addressed absolutely, so nothing depends on where the previous line ended.
public enum ScreenFrame {
    /// The bytes that draw `lines` from the top of a `rows`-row screen and blank the rows
    /// below them, inside one synchronized update (ignored by terminals without it).
    /// Each line must fit the screen's width; lines past `rows` are not drawn.
    public static func render(_ lines: [String], rows: Int) -> String {
        let shown = lines.prefix(max(0, rows))
        var frame = "\u{1B}[?2026h"
        for (index, line) in shown.enumerated() {
            frame += "\u{1B}[\(index + 1);1H" + ANSI.reset + "\u{1B}[2K" + line
        }
        if shown.count < rows {
            frame += "\u{1B}[\(shown.count + 1);1H" + ANSI.reset + "\u{1B}[J"
        }
        return frame + ANSI.reset + "\u{1B}[?2026l"
    }
}
