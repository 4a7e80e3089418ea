import Foundation
import TerminalKit

/// A command's two streams: `output` for its result (stdout), `errors` for errors,
/// warnings and side remarks (stderr).
///
/// `print` writes what the views rendered (styled, learner text already sanitised);
/// messages on stderr are plain and may quote anything (a branch name in a git error,
/// a grader's message), so they are sanitised here.
public struct Console: Sendable {
    public let output: any TextOutput
    public let errors: any TextOutput

    public init(output: any TextOutput, errors: any TextOutput) {
        self.output = output
        self.errors = errors
    }

    /// A line of the result.
    public func print(_ text: String) {
        output.write(text + "\n")
    }

    public func error(_ text: String) {
        errors.write("error: " + ANSI.sanitized(text, keepingLineBreaks: true) + "\n")
    }

    public func warn(_ text: String) {
        errors.write("warning: " + ANSI.sanitized(text, keepingLineBreaks: true) + "\n")
    }

    /// A side remark on stderr (what was fetched or written), so stdout stays the result.
    public func note(_ text: String) {
        errors.write(ANSI.sanitized(text, keepingLineBreaks: true) + "\n")
    }
}

/// Somewhere a command writes text.
public protocol TextOutput: Sendable {
    func write(_ text: String)
    /// Whether a terminal reads it (colour, and `columns`).
    var isTerminal: Bool { get }
    /// The terminal's width, when it reports one.
    var columns: Int? { get }
}

/// A file descriptor: the process's standard output or error.
///
/// Plain `write(2)` rather than `FileHandle.write`: FileHandle traps when the other end
/// is gone (a closed terminal, `| head`), and a command must never crash over that.
public struct FileDescriptorOutput: TextOutput {
    public let descriptor: Int32

    public init(_ descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Writes all of `text`, retrying short writes; gives up quietly if the reader is gone.
    public func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    public var isTerminal: Bool { Terminal.isTTY(descriptor) }
    public var columns: Int? { Terminal.columns(of: descriptor) }
}

/// Text kept in memory: what a command wrote, for a test to read.
public final class CapturedOutput: TextOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var written = ""

    public init() {}

    public func write(_ text: String) {
        lock.lock()
        written += text
        lock.unlock()
    }

    /// Everything written so far.
    public var text: String {
        lock.lock()
        defer { lock.unlock() }
        return written
    }

    public var isTerminal: Bool { false }
    public var columns: Int? { nil }
}
