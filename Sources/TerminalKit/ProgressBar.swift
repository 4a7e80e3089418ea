/// A course progress bar: `███████░░░░░░░░  3/21 lessons`, one cell per lesson when they
/// fit, scaled (with eighth blocks for the partial cell) when they do not.
public enum ProgressBar {
    /// - Parameters:
    ///   - done: Lessons passed.
    ///   - total: Lessons in the course.
    ///   - width: The most columns the bar itself may take (the count follows it).
    ///   - color: Whether to colour the done part.
    public static func render(done: Int, total: Int, width: Int, color: Bool) -> String {
        let total = max(0, total)
        let done = min(max(0, done), total)
        let label = " \(done)/\(total) lesson\(total == 1 ? "" : "s") done"
        let cells = max(4, width - label.count)
        guard total > 0 else { return String(repeating: "░", count: cells) + label }
        let eighths = done * cells * 8 / total
        var filled = String(repeating: "█", count: eighths / 8)
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        if eighths % 8 > 0 { filled += partials[eighths % 8] }
        let empty = String(repeating: "░", count: max(0, cells - ANSI.visibleWidth(of: filled)))
        return ANSI.styled(filled, [.foreground(.green)], enabled: color) + ANSI.styled(empty, [.foreground(.brightBlack)], enabled: color)
            + label
    }
}
