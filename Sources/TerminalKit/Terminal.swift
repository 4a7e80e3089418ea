import Foundation

import Glibc

/// Facts about the terminal the process writes to.
public enum Terminal {
    /// Whether `fileDescriptor` (standard output by default) is a terminal.
    public static func isTTY(_ fileDescriptor: Int32 = STDOUT_FILENO) -> Bool {
        isatty(fileDescriptor) == 1
    }

    /// The terminal's width in columns from `ioctl(TIOCGWINSZ)`, or nil when
    /// `fileDescriptor` is not a terminal or reports no size (0 under `script`, some CI).
    public static func columns(of fileDescriptor: Int32 = STDOUT_FILENO) -> Int? {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
            return nil
        }
        return Int(size.ws_col)
    }
}

extension TerminalRenderer.Style {
    /// The widths `detect` keeps to: narrower cannot lay out a table, wider makes prose
    /// lines too long to read.
    public static let widthRange = 20...200

    /// The style for a process's standard output.
    ///
    /// - Colour only when output is a terminal, `NO_COLOR` is unset or empty (per
    ///   no-color.org any non-empty value disables colour), and `TERM` is not `dumb`.
    /// - Width from the terminal (`width`, normally `ioctl(TIOCGWINSZ)`) when output is a
    ///   terminal, else from `COLUMNS`, else 80; clamped to ``widthRange``.
    ///
    /// The defaults read the real process state; tests pass their own.
    /// - Parameters:
    ///   - environment: The environment variables.
    ///   - isTTY: Whether standard output is a terminal.
    ///   - width: The terminal's own width, if it reported one.
    /// - Returns: The style to render with.
    public static func detect(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        isTTY: Bool = Terminal.isTTY(),
        width: Int? = Terminal.columns()
    ) -> Self {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let dumb = environment["TERM"] == "dumb"
        let color = isTTY && !noColor && !dumb

        var columns = 80
        if isTTY, let width, width > 0 {
            columns = width
        } else if let text = environment["COLUMNS"],
            let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0
        {
            columns = value
        }
        columns = min(max(columns, widthRange.lowerBound), widthRange.upperBound)
        return Self(color: color, width: columns, terminal: isTTY)
    }
}
