import Foundation
import TerminalKit
import Views

import Glibc

/// A full-screen view of a value read again every `interval`: `class --watch`, the
/// class view on the projector.
///
/// One thread owns the screen and waits in `poll(2)` on the keyboard, signals and the
/// worker that reads the value (`load` may fetch over the network and regrade: seconds),
/// so keys stay answered while it works. A failed read is shown on the status line and
/// the last good value stays on screen. q, Esc or Ctrl-C quits (status 0); a signal from
/// outside quits with 128 + its number; the terminal is restored on every way out.
public final class RefreshingScreen<Value: Sendable>: @unchecked Sendable {
    public typealias Render = (_ value: Value?, _ status: RefreshStatus, _ size: TerminalSize) -> [String]

    enum Outcome: Sendable {
        case loaded(Value)
        case failed(String)
    }

    let interval: Duration
    let now: @Sendable () -> Date
    let load: @Sendable () throws -> Value
    let render: Render
    let terminal: RawTerminal
    let signals: SignalRelay
    let outcomes = EventPipe<Outcome>()
    let worker = DispatchQueue(label: "asynclings.refresh")

    var value: Value?
    var status: RefreshStatus
    var size: TerminalSize
    var loading = false
    /// When the next read starts (monotonic), once the current one is done.
    var nextLoad = ContinuousClock.now
    var lastFrame: [String] = []
    var parser = KeyParser()
    var exitStatus: Int32?

    /// - Throws: ``TerminalError/notATerminal`` when input or output is not a terminal.
    public init(
        interval: Duration, now: @escaping @Sendable () -> Date = { Date() }, load: @escaping @Sendable () throws -> Value,
        render: @escaping Render
    ) throws(TerminalError) {
        self.interval = interval
        self.now = now
        self.load = load
        self.render = render
        self.terminal = try RawTerminal()
        self.signals = try SignalRelay()
        self.size = TerminalSize.current()
        self.status = .loading(since: now())
    }

    /// Runs until quit; returns the exit status.
    public func run() throws(TerminalError) -> Int32 {
        try terminal.enter()
        defer {
            terminal.restore()
            signals.uninstall()
        }
        startLoading()
        draw()
        while exitStatus == nil {
            guard
                let input = waitForInput(
                    keyboard: terminal.input, events: outcomes.readDescriptor, signals: signals.readDescriptor, timeout: timeout())
            else { break }
            switch input {
            case .timedOut: if parser.isWaitingAfterEscape { apply(parser.flush()) }
            case .bytes(let bytes): apply(parser.feed(bytes))
            case .closed: exitStatus = 129  // the terminal went away
            case .nothing: break
            }
            for signal in signals.drain() { handle(signal: signal) }
            for outcome in outcomes.drain() { finished(outcome) }
            if !loading && ContinuousClock.now >= nextLoad { startLoading() }
            if exitStatus == nil { draw() }
        }
        // Let a read in progress finish a moment (a fetch updating references), not longer.
        let done = DispatchSemaphore(value: 0)
        worker.async { done.signal() }
        _ = done.wait(timeout: .now() + .milliseconds(500))
        return exitStatus ?? 0
    }

    /// Milliseconds `poll` may wait: until the next read is due, or briefly after a lone Esc.
    func timeout() -> Int32 {
        if parser.isWaitingAfterEscape { return 40 }
        if loading { return -1 }
        let left = ContinuousClock.now.duration(to: nextLoad)
        let (seconds, attoseconds) = left.components
        return Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    func startLoading() {
        loading = true
        status = .loading(since: now())
        worker.async { [load, outcomes] in
            do {
                outcomes.post(.loaded(try load()))
            } catch {
                outcomes.post(.failed("\(error)"))
            }
        }
    }

    func finished(_ outcome: Outcome) {
        loading = false
        nextLoad = ContinuousClock.now + interval
        switch outcome {
        case .loaded(let loaded):
            value = loaded
            status = .loaded(at: now())
        case .failed(let message):
            status = .failed(message: message, at: now())
        }
    }

    func apply(_ keys: [Key]) {
        for key in keys {
            switch key {
            case .character("q"), .character("Q"), .escape, .control("c"), .control("d"):
                exitStatus = 0
            case .character("r"), .character("R"):
                if !loading { startLoading() }
            case .control("l"):
                repaint()
            case .control("z"):
                try? terminal.suspend()
                repaint()
            default:
                break
            }
        }
    }

    func handle(signal: Int32) {
        switch signal {
        case SIGWINCH, SIGCONT:
            size = TerminalSize.current()
            repaint()
        case SIGHUP:
            exitStatus = 129
        default:
            exitStatus = 128 + signal
        }
    }

    func repaint() {
        lastFrame = []
        terminal.write("\u{1B}[2J")
    }

    /// Draws the screen in place (``ScreenFrame``), when it changed.
    func draw() {
        let lines = render(value, status, size)
        guard lines != lastFrame else { return }
        lastFrame = lines
        terminal.write(ScreenFrame.render(lines, rows: size.rows))
    }
}
