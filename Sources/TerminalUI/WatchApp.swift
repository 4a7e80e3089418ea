import Course
import Foundation
import Grading
import TerminalKit
import Views
import Watch
import Workshop
import Glibc

/// Watch mode: the event loop that ties the terminal, the file monitor, the grader and
/// the learner's session together.
///
/// One thread owns the state and the screen: it waits in `poll(2)` on the keyboard, a
/// pipe of events from the other threads (a file changed, a grade finished) and a pipe of
/// signals (``SignalRelay``). Grades run one at a time on a worker queue; a save during a
/// grade asks for one more grade when it ends, so the verdict on screen is always of the
/// latest content.
public final class WatchApp: @unchecked Sendable {
    /// Tuning, mostly for tests and the benchmark.
    public struct Options: Sendable {
        /// Quiet time after an editor event before grading.
        public var debounce: Duration = .milliseconds(50)
        /// Quiet time after an event that ends a write (close, rename).
        public var settledDebounce: Duration = .milliseconds(5)
        /// How often the folder is polled as a backstop.
        public var pollInterval: Duration = .milliseconds(500)
        /// False: poll only (where inotify is known not to work).
        public var useInotify = true
        /// Open this lesson instead of the first unfinished one.
        public var startLesson: String?
        /// Said on the first screen, until the first key (e.g. that grades are not sandboxed).
        public var startupNotice: String?
        /// Whether the screen is coloured (nil: as `TerminalRenderer.Style.detect()` finds).
        public var color: Bool?

        public init() {}
    }

    let session: any WatchSession
    let options: Options
    let terminal: RawTerminal
    let signals: SignalRelay
    let events = EventPipe<Event>()
    let worker = DispatchQueue(label: "asynclings.grade", qos: .userInitiated)
    let color: Bool

    var model: WatchModel
    var parser = KeyParser()
    var monitor: DirectoryMonitor?
    var watchStatus = ""
    var storeStatus = ""
    var size: TerminalSize
    var lastFrame = ""
    var inFlight: String?
    var queued: (lessonID: String, reason: WatchModel.GradeReason)?
    var learnerCode: String?
    var solutionCode: String?
    var exitStatus: Int32?
    /// Files this process wrote (a starter copied in), so their events do not count as saves.
    var ownWrites: [String: FileSignature] = [:]
    /// Lessons passed in this session whose pass is not in git (no repository, file changed…).
    var unrecordedPasses: Set<String> = []
    var terminalGone = false
    /// The status to exit with once the grade in progress ends (a signal's 128 + n).
    var pendingExitStatus: Int32 = 0

    /// Prepares watch mode; nothing is drawn until ``run()``.
    /// - Throws: ``TerminalError/notATerminal`` when input or output is not a terminal.
    public init(session: any WatchSession, options: Options = Options()) throws(TerminalError) {
        self.session = session
        self.options = options
        self.terminal = try RawTerminal()
        self.signals = try SignalRelay()
        self.size = TerminalSize.current()
        self.color = options.color ?? TerminalRenderer.Style.detect().color
        self.model = WatchModel(lessons: session.course.lessons)
    }

    /// Runs until the learner quits; returns the exit status.
    public func run() throws(TerminalError) -> Int32 {
        try terminal.enter()
        defer {
            monitor?.stop()
            terminal.restore()
            signals.uninstall()
        }
        startWatching()
        model.notice = options.startupNotice
        draw()
        let session = self.session
        let startLesson = options.startLesson
        worker.async { [events] in
            let store = session.store()
            var passed = session.passedLessons()
            var first: Lesson?
            if let startLesson {
                first = session.course.lessons.first { $0.id == startLesson }
            } else {
                first = session.firstUnfinishedLesson()
                if case .unavailable = store {
                    // Outside a repository the files were graded in order: those before passed.
                    let firstIndex = first.flatMap { lesson in session.course.lessons.firstIndex { $0.id == lesson.id } }
                    let before = session.course.lessons.prefix(firstIndex ?? session.course.lessons.count)
                    passed.formUnion(before.map(\.id))
                }
            }
            events.post(.loaded(first: first?.id, passed: passed, store: store))
        }
        loop()
        return exitStatus ?? 0
    }

    /// Whether the terminal went away (closed window, hang-up): nothing more can be shown.
    public var terminalWasClosed: Bool { terminalGone }

    /// A line for the normal screen once watch mode is over: how far the learner got and
    /// which lesson the next run opens (the first without a pass, as ``run()`` chooses).
    public func farewell() -> String {
        // What the next run will know: in a repository the branch's records (a pass that
        // could not be recorded does not count), elsewhere the files as graded here.
        var passed = model.passed
        if case .branch = session.store() { passed = session.passedLessons() }
        let resume = model.lessons.first { !passed.contains($0.id) }
        return WatchView.farewell(
            passed: model.lessons.filter { passed.contains($0.id) }.count, of: model.lessons.count,
            resume: resume?.id, current: model.currentLesson.flatMap { passed.contains($0.id) ? nil : $0.id })
    }

    // MARK: - The loop

    func loop() {
        while exitStatus == nil {
            // A lone ESC is the Esc key only if nothing follows it quickly.
            let timeout: Int32 = parser.isWaitingAfterEscape ? 40 : -1
            guard
                let input = waitForInput(
                    keyboard: terminalGone ? nil : terminal.input, events: events.readDescriptor,
                    signals: signals.readDescriptor, timeout: timeout)
            else { break }
            switch input {
            case .timedOut: apply(parser.flush())
            case .bytes(let bytes): apply(parser.feed(bytes))
            case .closed: terminalClosed(status: 129)
            case .nothing: break
            }
            for signal in signals.drain() { handle(signal: signal) }
            for event in events.drain() { handle(event) }
            if exitStatus == nil { draw() }
        }
    }

    func apply(_ keys: [Key]) {
        for key in keys {
            for effect in model.handle(key) { perform(effect) }
        }
    }

    func perform(_ effect: WatchModel.Effect) {
        switch effect {
        case .open(let lessonID):
            open(lessonID)
        case .grade(let lessonID, let reason):
            requestGrade(lessonID, reason: reason)
        case .takeHint(let lessonID):
            guard let lesson = lesson(lessonID) else { return }
            model.hintTaken(lessonID, session.nextHint(lesson), all: lesson.hints)
        case .quit:
            if inFlight == nil { exitStatus = 0 }
        case .quitNow:
            finishWorker(within: .milliseconds(300))
            exitStatus = 0
        case .suspend:
            try? terminal.suspend()
            lastFrame = ""
        case .redraw:
            lastFrame = ""
            terminal.write("\u{1B}[2J")
        }
    }

    func handle(signal: Int32) {
        switch signal {
        case SIGWINCH, SIGCONT:
            size = TerminalSize.current()
            lastFrame = ""
            terminal.write("\u{1B}[2J")
        case SIGHUP:
            terminalClosed(status: 129)
        default:
            // SIGINT, SIGTERM, SIGQUIT from outside: the tidy way out, with the signal's status.
            let status = 128 + signal
            if model.quitting || inFlight == nil {
                finishWorker(within: .milliseconds(300))
                exitStatus = status
            } else {
                model.quitting = true
                pendingExitStatus = status
            }
        }
    }

    /// The terminal went away: nobody will see the screen, but a grade that may be
    /// recording progress is let finish.
    func terminalClosed(status: Int32) {
        terminalGone = true
        model.quitting = true
        pendingExitStatus = status
        if inFlight == nil { exitStatus = status }
    }

    /// Waits a little for the worker so a recording in progress is not cut short.
    func finishWorker(within limit: DispatchTimeInterval) {
        let done = DispatchSemaphore(value: 0)
        worker.async { done.signal() }
        _ = done.wait(timeout: .now() + limit)
    }

    // MARK: - Drawing

    func draw() {
        guard !terminalGone else { return }
        let style = TerminalRenderer.Style(color: color, width: max(20, size.columns))
        let view = WatchView(
            style: style, rows: max(6, size.rows), watchStatus: watchStatus, storeStatus: storeStatus,
            learnerCode: learnerCode, solutionCode: solutionCode)
        let (lines, scroll) = view.render(model)
        model.scroll = scroll
        let frame = ScreenFrame.render(lines, rows: max(1, size.rows))
        guard frame != lastFrame else { return }
        lastFrame = frame
        if !terminal.write(frame) { terminalClosed(status: 129) }
    }
}
