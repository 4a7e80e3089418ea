import Foundation
import TerminalKit
import Views

/// Writing to the terminal's two streams.
///
/// Plain `write(2)` rather than `FileHandle.write`: FileHandle traps when the other end
/// is gone (a closed terminal, `| head`), and a command must never crash over that.
///
/// `print` writes what the views rendered (styled, learner text already sanitised);
/// messages on stderr are plain and may quote anything (a branch name in a git error,
/// a grader's message), so they are sanitised here.
enum Console {
    static func print(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    static func error(_ text: String) {
        write("error: " + ANSI.sanitized(text, keepingLineBreaks: true) + "\n", to: STDERR_FILENO)
    }

    static func warn(_ text: String) {
        write("warning: " + ANSI.sanitized(text, keepingLineBreaks: true) + "\n", to: STDERR_FILENO)
    }

    /// A side remark on stderr (what was fetched or written), so stdout stays the result.
    static func note(_ text: String) {
        write(ANSI.sanitized(text, keepingLineBreaks: true) + "\n", to: STDERR_FILENO)
    }

    /// Writes all of `text`, retrying short writes; gives up quietly if the reader is gone.
    private static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
