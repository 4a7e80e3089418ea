import Foundation

import Glibc

/// Reports which files of one folder changed: created, rewritten, replaced or deleted.
///
/// It watches the **folder**, not the files: editors save by writing a temporary file and
/// renaming it over the original, which ends a watch on the file itself (and vim first
/// moves the original aside). Names are filtered by `include`, so swap and backup files
/// (`.02-gather.py.swp`, `02-gather.py~`, vim's `4913`) neither trigger a grade nor keep
/// postponing one.
///
/// Two sources feed the same check, so a change is reported once whoever saw it first:
/// - **inotify** (`IN_CLOSE_WRITE`, `IN_MOVED_TO`, `IN_CREATE`, `IN_DELETE`,
///   `IN_MOVED_FROM`, `IN_MODIFY`): a hint that a name may have changed, reported after a short quiet
///   period (``Debouncer``).
/// - **polling** of `stat` (inode, size, mtime, ctime) every `pollInterval`: the safety
///   net where inotify is silent (network mounts, VM shares, containers with exhausted
///   inotify limits). When polling finds a change inotify never mentioned, ``mode``
///   becomes `.polling` with the reason, so the interface can say so instead of failing
///   silently.
///
/// Either way a name is reported only when its ``FileSignature`` differs from the one last
/// reported, so an event seen by both sources grades once.
///
/// One thread does everything: it waits in `poll(2)` on the inotify descriptor and a wake
/// pipe (for ``stop()``), with a timeout set by the debounce deadline and the next poll.
/// The thread keeps the monitor alive: call ``stop()`` when done.
public final class DirectoryMonitor: @unchecked Sendable {
    /// How changes are being noticed.
    public enum Mode: Equatable, Sendable {
        /// inotify events, with polling as a backstop.
        case inotify
        /// Polling only, or polling because inotify missed a change; `reason` says which.
        case polling(reason: String)
    }

    /// The watched folder.
    public let directory: String
    /// How often the folder is polled.
    public let pollInterval: Duration

    private let include: @Sendable (String) -> Bool
    private let onChange: @Sendable (Set<String>) -> Void
    private let lock = NSLock()
    private var currentMode: Mode
    private var missed = 0
    private var stopped = false

    // Owned by the monitor thread once it runs.
    private var debouncer: Debouncer
    private var pendingNames: Set<String> = []
    private var rescanEverything = false
    private var snapshot: [String: FileSignature] = [:]
    private var inotifyDescriptor: Int32 = -1
    private var watchDescriptor: Int32 = -1
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1
    private let finished = DispatchSemaphore(value: 0)

    /// Starts watching `directory`.
    /// - Parameters:
    ///   - directory: The folder to watch; it must exist.
    ///   - debounce: The quiet period after the last event before a name is checked.
    ///   - settledDebounce: The quiet period after an event that ends a write (close, rename).
    ///   - pollInterval: How often the folder is checked without being asked.
    ///   - useInotify: False forces polling (tests, and where inotify is known to be broken).
    ///   - include: Which names matter; others are ignored entirely.
    ///   - onChange: Called on the monitor's thread with the names that changed.
    /// - Throws: ``WatchError`` when the folder is missing or the wake pipe cannot be made.
    public init(
        directory: String,
        debounce: Duration = .milliseconds(50),
        settledDebounce: Duration = .milliseconds(5),
        pollInterval: Duration = .milliseconds(500),
        useInotify: Bool = true,
        include: @escaping @Sendable (String) -> Bool = { _ in true },
        onChange: @escaping @Sendable (Set<String>) -> Void
    ) throws(WatchError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notADirectory(directory)
        }
        self.directory = directory
        self.pollInterval = pollInterval
        self.include = include
        self.onChange = onChange
        self.debouncer = Debouncer(quiet: debounce, settledQuiet: settledDebounce)
        self.currentMode = .polling(reason: "inotify is turned off")

        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { throw .resourceUnavailable("pipe", errno: errno) }
        wakeRead = pipeEnds[0]
        wakeWrite = pipeEnds[1]
        for descriptor in pipeEnds {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        if useInotify { currentMode = startInotify() }
        snapshot = scanFolder()

        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "asynclings.watch"
        thread.start()
    }

    /// How changes are being noticed right now.
    public var mode: Mode { lock.withLock { currentMode } }

    /// Changes that polling found and inotify never reported.
    public var missedByInotify: Int { lock.withLock { missed } }

    /// Stops the thread and closes the descriptors. Safe to call more than once; no
    /// `onChange` call starts after it returns.
    public func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        finished.wait()
        if inotifyDescriptor >= 0 { close(inotifyDescriptor) }
        close(wakeRead)
        close(wakeWrite)
    }

    // MARK: - The monitor thread

    private var isStopped: Bool { lock.withLock { stopped } }

    private func run() {
        let clock = ContinuousClock()
        var nextPoll = clock.now + pollInterval
        while !isStopped {
            let now = clock.now
            var wakeAt = nextPoll
            if let deadline = debouncer.deadline { wakeAt = min(wakeAt, deadline) }
            let timeout = max(0, milliseconds(wakeAt - now))

            var descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            if inotifyDescriptor >= 0 {
                descriptors.append(pollfd(fd: inotifyDescriptor, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(clamping: timeout))
            if ready < 0 && errno != EINTR { break }
            if isStopped { break }
            if inotifyDescriptor >= 0 { drainInotify(at: clock.now) }

            if clock.now >= nextPoll {
                pollFolder(at: clock.now)
                nextPoll = clock.now + pollInterval
            }
            if debouncer.fire(at: clock.now) {
                let names = rescanEverything ? nil : pendingNames
                pendingNames = []
                rescanEverything = false
                let changed = refresh(names)
                if !changed.isEmpty, !isStopped { onChange(changed) }
            }
        }
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    /// Every included name in the folder with its signature.
    private func scanFolder() -> [String: FileSignature] {
        var result: [String: FileSignature] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where include(name) {
            if let signature = FileSignature.of(path: directory + "/" + name) { result[name] = signature }
        }
        return result
    }

    /// Updates the snapshot for `names` (every name when nil); returns those that changed.
    private func refresh(_ names: Set<String>?) -> Set<String> {
        var changed: Set<String> = []
        if let names {
            for name in names {
                let signature = FileSignature.of(path: directory + "/" + name)
                if snapshot[name] != signature {
                    snapshot[name] = signature
                    changed.insert(name)
                }
            }
        } else {
            let current = scanFolder()
            for name in Set(current.keys).union(snapshot.keys) where current[name] != snapshot[name] {
                changed.insert(name)
            }
            snapshot = current
        }
        return changed
    }

    /// Compares the folder with the snapshot; differences go through the debouncer like
    /// inotify events (a file being written is checked again once it settles).
    private func pollFolder(at now: ContinuousClock.Instant) {
        if inotifyDescriptor >= 0, watchDescriptor < 0 { rewatch() }
        let current = scanFolder()
        var differing: Set<String> = []
        for name in Set(current.keys).union(snapshot.keys) where current[name] != snapshot[name] {
            differing.insert(name)
        }
        guard !differing.isEmpty else { return }
        // An event queued between the last drain and the scan is not a miss.
        if inotifyDescriptor >= 0 { drainInotify(at: now) }
        let unreported = differing.subtracting(pendingNames)
        if inotifyDescriptor >= 0, watchDescriptor >= 0, !rescanEverything, !unreported.isEmpty {
            lock.withLock {
                missed += unreported.count
                currentMode = .polling(
                    reason: "inotify missed a change to \(unreported.sorted().joined(separator: ", ")) (a network or shared folder?)")
            }
        }
        pendingNames.formUnion(differing)
        debouncer.signal(at: now)
    }

    // MARK: - inotify

    /// `IN_MODIFY` too: without it a write still in progress looks, to polling, like a
    /// change inotify missed (and the debouncer waits for it to finish anyway).
    private static let interestingEvents = UInt32(
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MODIFY)
    /// The watched folder itself went away (deleted, moved, unmounted).
    private static let folderGone = UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)

    private func startInotify() -> Mode {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else {
            let code = errno
            return .polling(
                reason: code == EMFILE
                    ? "no inotify instance left (raise fs.inotify.max_user_instances)"
                    : "inotify is unavailable (errno \(code))")
        }
        inotifyDescriptor = descriptor
        watchDescriptor = inotify_add_watch(descriptor, directory, Self.interestingEvents | UInt32(IN_ONLYDIR))
        guard watchDescriptor >= 0 else {
            let code = errno
            return .polling(
                reason: code == ENOSPC
                    ? "no inotify watch left (raise fs.inotify.max_user_watches)"
                    : "inotify cannot watch this folder (errno \(code))")
        }
        return .inotify
    }

    private func rewatch() {
        watchDescriptor = inotify_add_watch(inotifyDescriptor, directory, Self.interestingEvents | UInt32(IN_ONLYDIR))
        if watchDescriptor >= 0 {
            rescanEverything = true
            lock.withLock { currentMode = .inotify }
        }
    }

    private func drainInotify(at now: ContinuousClock.Instant) {
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let count = read(inotifyDescriptor, buffer.baseAddress, capacity)
            guard count > 0 else { return }
            for event in InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) {
                handle(event, at: now)
            }
        }
    }

    private func handle(_ event: InotifyEvent, at now: ContinuousClock.Instant) {
        if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
            // Events were dropped: only a full scan knows what changed.
            rescanEverything = true
            debouncer.signal(at: now)
            return
        }
        if event.mask & Self.folderGone != 0 {
            if event.watchDescriptor == watchDescriptor {
                watchDescriptor = -1
                lock.withLock { currentMode = .polling(reason: "the folder was moved or deleted") }
                rescanEverything = true
                debouncer.signal(at: now)
            }
            return
        }
        guard !event.name.isEmpty, include(event.name) else { return }
        pendingNames.insert(event.name)
        debouncer.signal(at: now, settled: event.mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0)
    }
}
