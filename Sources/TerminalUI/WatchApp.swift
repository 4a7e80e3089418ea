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

        public init() {}
    }

    private let session: any WatchSession
    private let options: Options
    private let terminal: RawTerminal
    private let signals: SignalRelay
    private let events = EventPipe()
    private let worker = DispatchQueue(label: "asynclings.grade", qos: .userInitiated)
    private let color: Bool

    private var model: WatchModel
    private var parser = KeyParser()
    private var monitor: DirectoryMonitor?
    private var watchStatus = ""
    private var storeStatus = ""
    private var size: TerminalSize
    private var lastFrame = ""
    private var inFlight: String?
    private var queued: (lessonID: String, reason: WatchModel.GradeReason)?
    private var learnerCode: String?
    private var solutionCode: String?
    private var exitStatus: Int32?
    /// Files this process wrote (a starter copied in), so their events do not count as saves.
    private var ownWrites: [String: FileSignature] = [:]
    /// Lessons passed in this session whose pass is not in git (no repository, file changed…).
    private var unrecordedPasses: Set<String> = []
    private var terminalGone = false
    /// The status to exit with once the grade in progress ends (a signal's 128 + n).
    private var pendingExitStatus: Int32 = 0

    /// Prepares watch mode; nothing is drawn until ``run()``.
    /// - Throws: ``TerminalError/notATerminal`` when input or output is not a terminal.
    public init(session: any WatchSession, options: Options = Options()) throws(TerminalError) {
        self.session = session
        self.options = options
        self.terminal = try RawTerminal()
        self.signals = try SignalRelay()
        self.size = TerminalSize.current()
        self.color = TerminalRenderer.Style.detect().color
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

    /// A line for the normal screen once watch mode is over.
    public func farewell() -> String {
        let done = model.lessons.filter { model.passed.contains($0.id) }.count
        var text = "asynclings: \(done) of \(model.lessons.count) lessons passed."
        if let next = model.nextUnfinished() ?? model.lessons.firstIndex(where: { !model.passed.contains($0.id) }) {
            text += " Next: \(model.lessons[next].id). Run `asynclings` to continue."
        }
        return text
    }

    // MARK: - The loop

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 1024)
        while exitStatus == nil {
            var descriptors = [
                pollfd(fd: terminal.input, events: Int16(POLLIN), revents: 0),
                pollfd(fd: events.readDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signals.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            if terminalGone { descriptors[0].fd = -1 }
            // A lone ESC is the Esc key only if nothing follows it quickly.
            let timeout: Int32 = parser.isWaitingAfterEscape ? 40 : -1
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 { apply(parser.flush()) }

            if descriptors[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let count = read(terminal.input, &buffer, buffer.count)
                if count > 0 {
                    apply(parser.feed(Array(buffer[0..<count])))
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    terminalClosed(status: 129)
                }
            }
            for signal in signals.drain() { handle(signal: signal) }
            for event in events.drain() { handle(event) }
            if exitStatus == nil { draw() }
        }
    }

    private func apply(_ keys: [Key]) {
        for key in keys {
            for effect in model.handle(key) { perform(effect) }
        }
    }

    private func perform(_ effect: WatchModel.Effect) {
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

    private func handle(signal: Int32) {
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
    private func terminalClosed(status: Int32) {
        terminalGone = true
        model.quitting = true
        pendingExitStatus = status
        if inFlight == nil { exitStatus = status }
    }

    /// Waits a little for the worker so a recording in progress is not cut short.
    private func finishWorker(within limit: DispatchTimeInterval) {
        let done = DispatchSemaphore(value: 0)
        worker.async { done.signal() }
        _ = done.wait(timeout: .now() + limit)
    }

    // MARK: - Events from other threads

    enum Event: Sendable {
        case loaded(first: String?, passed: Set<String>, store: LearnerSession.Store)
        case filesChanged(Set<String>)
        case graded(lessonID: String, Result<WatchCheck, GradingError>, content: String?)
        case progress(passed: Set<String>, store: LearnerSession.Store)
    }

    private func handle(_ event: Event) {
        switch event {
        case .loaded(let first, let passed, let store):
            model.passed.formUnion(passed)
            describe(store)
            if let first, let index = model.lessons.firstIndex(where: { $0.id == first }) {
                for effect in model.open(index) { perform(effect) }
            } else {
                model.screen = .finished
            }
        case .filesChanged(let names):
            guard let lesson = model.currentLesson, names.contains(lesson.exerciseFileName) else { return }
            guard model.screen != .loading else { return }
            let path = session.course.exerciseFile(for: lesson).path
            if let own = ownWrites[lesson.exerciseFileName] {
                ownWrites[lesson.exerciseFileName] = nil
                if FileSignature.of(path: path) == own { return }
            }
            model.notice = nil
            model.grading = true
            requestGrade(lesson.id, reason: .saved)
        case .progress(let passed, let store):
            describe(store)
            // In a repository the branch is the truth (passes on another branch do not
            // count); passes that could not be recorded stay for this session.
            if case .branch = store { model.passed = passed.union(unrecordedPasses) }
        case .graded(let lessonID, let result, let content):
            inFlight = nil
            if case .success(let check) = result, check.report.status == .pass, case .notRecorded = check.recording {
                unrecordedPasses.insert(lessonID)
            }
            if case .success(let check) = result, check.report.status == .pass, lessonID == model.currentLesson?.id {
                learnerCode = content
            }
            model.graded(lessonID, result)
            if model.quitting {
                exitStatus = pendingExitStatus
                return
            }
            if let next = queued {
                queued = nil
                startGrade(next.lessonID, reason: next.reason)
            }
        }
        updateWatchStatus()
    }

    private func describe(_ store: LearnerSession.Store) {
        switch store {
        case .branch(let name, _): storeStatus = "recording on branch \(name)"
        case .unavailable(let reason): storeStatus = "progress kept for this session only: \(reason)"
        }
    }

    // MARK: - Lessons and grades

    private func lesson(_ id: String) -> Lesson? {
        model.lessons.first { $0.id == id }
    }

    private func open(_ lessonID: String) {
        guard let lesson = lesson(lessonID) else { return }
        learnerCode = nil
        solutionCode = (try? String(contentsOf: lesson.solution, encoding: .utf8))
        do {
            if try ExerciseFiles(course: session.course).start(lesson) == .created {
                ownWrites[lesson.exerciseFileName] = FileSignature.of(path: session.course.exerciseFile(for: lesson).path)
                model.notice = "Created \(lesson.exercisePath) from the starter: open it in your editor."
            }
        } catch {
            model.notice = "\(error)"
        }
        requestGrade(lessonID, reason: .opened)
    }

    private func requestGrade(_ lessonID: String, reason: WatchModel.GradeReason) {
        model.grading = true
        if inFlight != nil {
            // Keep the strongest reason: a save or `r` counts as an attempt, an open does not.
            if queued?.lessonID == lessonID, queued?.reason != .opened, reason == .opened { return }
            queued = (lessonID, reason)
            return
        }
        startGrade(lessonID, reason: reason)
    }

    private func startGrade(_ lessonID: String, reason: WatchModel.GradeReason) {
        guard let lesson = lesson(lessonID) else { return }
        inFlight = lessonID
        let alreadyPassed = model.passed.contains(lessonID)
        let session = self.session
        let file = session.course.exerciseFile(for: lesson)
        worker.async { [events] in
            let result = Result { () throws(GradingError) -> WatchCheck in
                let graded = try session.gradeExercise(lesson)
                // A save or `r` records its grade; opening a lesson only records a pass not yet recorded
                // (it is not an attempt). One grade either way, recorded from the bytes it graded.
                let records = reason != .opened || (!alreadyPassed && graded.report.status == .pass)
                let recording = records ? session.record(graded) : .notRecorded(reason: "opened, not an attempt")
                return WatchCheck(report: graded.report, recording: recording)
            }
            let content = try? String(contentsOf: file, encoding: .utf8)
            events.post(.graded(lessonID: lessonID, result, content: content))
            // After the verdict is on its way: the branch may have moved or been switched.
            events.post(.progress(passed: session.passedLessons(), store: session.store()))
        }
    }

    // MARK: - Watching files

    private func startWatching() {
        let folder = session.course.exercisesDirectory
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            monitor = try DirectoryMonitor(
                directory: folder.path, debounce: options.debounce, settledDebounce: options.settledDebounce,
                pollInterval: options.pollInterval, useInotify: options.useInotify,
                include: { $0.hasSuffix(".py") && !$0.hasPrefix(".") },
                onChange: { [events] names in events.post(.filesChanged(names)) })
        } catch {
            watchStatus = "not watching (\(error)): press r after saving"
            return
        }
        updateWatchStatus()
    }

    private func updateWatchStatus() {
        guard let monitor else { return }
        switch monitor.mode {
        case .inotify:
            watchStatus = "watching (inotify) · r grades by hand"
        case .polling(let reason):
            let (seconds, attoseconds) = monitor.pollInterval.components
            let interval = Double(seconds) + Double(attoseconds) / 1e18
            watchStatus = "checking every \(String(format: "%g", interval)) s (\(reason)) · r grades by hand"
        }
    }

    // MARK: - Drawing

    private func draw() {
        guard !terminalGone else { return }
        let style = TerminalRenderer.Style(color: color, width: max(20, size.columns))
        let view = WatchView(
            style: style, rows: max(6, size.rows), watchStatus: watchStatus, storeStatus: storeStatus,
            learnerCode: learnerCode, solutionCode: solutionCode)
        let (lines, scroll) = view.render(model)
        model.scroll = scroll
        // Synchronized update (ignored where unsupported), home, each line cleared to its end.
        let frame = "\u{1B}[?2026h\u{1B}[H" + lines.joined(separator: "\u{1B}[K\r\n") + "\u{1B}[K\u{1B}[J\u{1B}[?2026l"
        guard frame != lastFrame else { return }
        lastFrame = frame
        if !terminal.write(frame) { terminalClosed(status: 129) }
    }
}

/// A queue of events from other threads that the loop can `poll`: each post writes a byte.
final class EventPipe: @unchecked Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32
    private let lock = NSLock()
    private var pending: [WatchApp.Event] = []

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) != 0 { ends = [-1, -1] }
        for descriptor in ends where descriptor >= 0 {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        readDescriptor = ends[0]
        writeDescriptor = ends[1]
    }

    func post(_ event: WatchApp.Event) {
        lock.withLock { pending.append(event) }
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)  // a full pipe already means "wake up"
    }

    func drain() -> [WatchApp.Event] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
        return lock.withLock {
            defer { pending = [] }
            return pending
        }
    }
}
