/// Coalesces a burst of signals into one firing: it fires `quiet` after the last signal
/// (`settledQuiet` when that signal said the file is complete), or `maximumDelay` after
/// the first one if the signals never stop.
///
/// Editors save in bursts (a temporary file, a rename, a `close`), and some write the same
/// file several times in a row; grading after each event would grade half-written files
/// and waste work. Time is passed in rather than read, so the logic is testable without
/// sleeping; ``DirectoryMonitor`` drives it from its thread.
public struct Debouncer: Sendable {
    /// How long the signals must stay quiet before firing.
    public let quiet: Duration
    /// The shorter quiet period after a signal that marks a finished write (`IN_CLOSE_WRITE`,
    /// `IN_MOVED_TO`): the content is final, only a trailing event (a chmod, a backup
    /// removed) is worth waiting for. This is most of the save-to-verdict latency budget.
    public let settledQuiet: Duration
    /// The longest a signal waits, however busy the burst (a file rewritten every few
    /// milliseconds would otherwise never be reported).
    public let maximumDelay: Duration

    private var firstSignal: ContinuousClock.Instant?
    private var lastSignal: ContinuousClock.Instant?
    private var lastWasSettled = false

    public init(quiet: Duration, settledQuiet: Duration? = nil, maximumDelay: Duration? = nil) {
        self.quiet = quiet
        self.settledQuiet = min(settledQuiet ?? quiet, quiet)
        self.maximumDelay = maximumDelay ?? quiet * 10
    }

    /// Whether a signal is waiting to fire.
    public var isPending: Bool { lastSignal != nil }

    /// Records a signal at `now`; `settled` when it marks a finished write.
    public mutating func signal(at now: ContinuousClock.Instant, settled: Bool = false) {
        if firstSignal == nil { firstSignal = now }
        lastSignal = now
        lastWasSettled = settled
    }

    /// When the pending signals fire, or nil when none is pending.
    public var deadline: ContinuousClock.Instant? {
        guard let firstSignal, let lastSignal else { return nil }
        return min(lastSignal + (lastWasSettled ? settledQuiet : quiet), firstSignal + maximumDelay)
    }

    /// Returns true, and forgets the pending signals, when they are due at `now`.
    public mutating func fire(at now: ContinuousClock.Instant) -> Bool {
        guard let deadline, now >= deadline else { return false }
        firstSignal = nil
        lastSignal = nil
        return true
    }
}
