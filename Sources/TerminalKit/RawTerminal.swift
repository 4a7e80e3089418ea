import Foundation

import Glibc

/// Why the interactive terminal cannot be used.
public enum TerminalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Standard input or output is not a terminal (a pipe, a file, CI).
    case notATerminal
    /// A terminal call failed; `errno` given.
    case systemCall(String, errno: Int32)

    /// Watch mode was started where it cannot run: a usage error.
    public var exitCode: Int32 { 2 }

    public var description: String {
        switch self {
        case .notATerminal:
            "watch mode needs a terminal on standard input and output; `asynclings grade LESSON` grades once without one"
        case .systemCall(let call, let errno):
            "\(call) failed: \(String(cString: strerror(errno)))"
        }
    }
}

/// The size of the terminal in character cells.
public struct TerminalSize: Equatable, Sendable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    /// The size reported by `TIOCGWINSZ`; 80×24 when the terminal reports none (some
    /// pseudo-terminals start at 0×0).
    public static func current(of descriptor: Int32 = STDOUT_FILENO) -> TerminalSize {
        var size = winsize()
        if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return TerminalSize(columns: Int(size.ws_col), rows: Int(size.ws_row))
        }
        return TerminalSize(columns: 80, rows: 24)
    }
}

/// The terminal in raw mode on the alternate screen, and everything that must put it back.
///
/// Raw here means: no line buffering, no echo, and no signals from keys (Ctrl-C arrives as
/// a byte, so quitting goes through the same tidy path as `q`). Output post-processing is
/// kept, so `\n` still returns the carriage.
///
/// Restoring happens on every way out:
/// - ``restore()`` on a normal exit (idempotent);
/// - SIGINT, SIGTERM, SIGHUP and SIGQUIT are relayed to the event loop through a pipe
///   (``SignalRelay``) so it can finish what it is writing and restore;
/// - a crash (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE) restores the saved
///   `termios` straight from the signal handler (`tcsetattr` and `write` are
///   async-signal-safe) and then hands the signal to the handler that was there before.
public final class RawTerminal: @unchecked Sendable {
    public let input: Int32
    public let output: Int32
    private var saved = termios()
    private var active = false

    /// Checks that both streams are terminals and remembers the current settings.
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws(TerminalError) {
        guard isatty(input) == 1, isatty(output) == 1 else { throw .notATerminal }
        self.input = input
        self.output = output
        guard tcgetattr(input, &saved) == 0 else { throw .systemCall("tcgetattr", errno: errno) }
    }

    /// Switches to raw mode and the alternate screen, cursor hidden.
    public func enter() throws(TerminalError) {
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR | BRKINT | ISTRIP)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        CrashRestore.install(saved, descriptor: input, output: output)
        guard tcsetattr(input, TCSANOW, &raw) == 0 else { throw .systemCall("tcsetattr", errno: errno) }
        active = true
        // Alternate screen, hidden cursor, no line wrap at the right edge.
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[H\u{1B}[2J")
    }

    /// Leaves the alternate screen and restores the settings found at start. Safe to call
    /// more than once and on a terminal that has gone away.
    public func restore() {
        guard active else { return }
        active = false
        write("\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l")
        _ = tcsetattr(input, TCSANOW, &saved)
        CrashRestore.uninstall()
    }

    /// Writes everything or gives up quietly when the terminal is gone (EIO, EPIPE).
    @discardableResult
    public func write(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Ctrl-Z: give the terminal back, stop, and take it again when continued.
    public func suspend() throws(TerminalError) {
        restore()
        kill(0, SIGTSTP)  // the whole job, as the shell expects; we resume here on SIGCONT
        try enter()
    }
}

/// The `termios` to put back if the process crashes while the terminal is raw.
enum CrashRestore {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var descriptor: Int32 = -1
    nonisolated(unsafe) static var output: Int32 = -1
    nonisolated(unsafe) static var previous: [Int32: sigaction] = [:]
    static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    static func install(_ settings: termios, descriptor: Int32, output: Int32) {
        saved = settings
        Self.output = output
        Self.descriptor = descriptor
        guard previous.isEmpty else { return }
        for signal in fatalSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = crashed
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var old = sigaction()
            sigaction(signal, &action, &old)
            previous[signal] = old
        }
    }

    static func uninstall() {
        for (signal, old) in previous {
            var action = old
            sigaction(signal, &action, nil)
        }
        previous = [:]
        descriptor = -1
    }
}

/// The crash handler: only async-signal-safe calls, no allocation.
private func crashed(_ signal: Int32) {
    if CrashRestore.descriptor >= 0 {
        _ = tcsetattr(CrashRestore.descriptor, TCSANOW, &CrashRestore.saved)
        let reset: StaticString = "\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l"
        _ = Glibc.write(CrashRestore.output, reset.utf8Start, reset.utf8CodeUnitCount)
    }
    // Put back whoever handled it before (Swift's backtracer, or the default) and let it run.
    if var old = CrashRestore.previous[signal] {
        sigaction(signal, &old, nil)
    } else {
        Glibc.signal(signal, SIG_DFL)
    }
    raise(signal)
}

/// Turns asynchronous signals into bytes on a pipe the event loop polls, so they are
/// handled between two frames rather than in the middle of one.
public final class SignalRelay: @unchecked Sendable {
    /// The descriptor to poll; each byte read is a signal number.
    public let readDescriptor: Int32
    nonisolated(unsafe) static var writeDescriptor: Int32 = -1
    public static let relayed: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGCONT]

    public init() throws(TerminalError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .systemCall("pipe", errno: errno) }
        for descriptor in ends {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        readDescriptor = ends[0]
        Self.writeDescriptor = ends[1]
        // Writing to a terminal that has gone away must be an error we see, not a death.
        Glibc.signal(SIGPIPE, SIG_IGN)
        // A parent may have started us with these blocked (threads of test runners and
        // thread pools often block signals, and the mask is inherited across exec).
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in Self.relayed { sigaddset(&unblock, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for signal in Self.relayed {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = relay
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
    }

    /// The signals that arrived since the last call.
    public func drain() -> [Int32] {
        var buffer = [UInt8](repeating: 0, count: 64)
        var signals: [Int32] = []
        while true {
            let count = read(readDescriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            signals += buffer[0..<count].map { Int32($0) }
        }
        return signals
    }

    /// Puts the default dispositions back.
    public func uninstall() {
        for signal in Self.relayed { Glibc.signal(signal, SIG_DFL) }
    }
}

private func relay(_ signal: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = Glibc.write(SignalRelay.writeDescriptor, &byte, 1)
    errno = saved
}
