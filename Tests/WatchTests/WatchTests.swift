import Foundation
import Testing

@testable import Watch

import Glibc

@Suite("Debouncer")
struct DebouncerTests {
    let start = ContinuousClock.now

    @Test func nothingPendingNeverFires() {
        var debouncer = Debouncer(quiet: .milliseconds(25))
        #expect(debouncer.deadline == nil)
        let fired = debouncer.fire(at: start + .seconds(10))
        #expect(!fired)
    }

    @Test func aBurstFiresOnceAfterTheLastSignal() {
        var debouncer = Debouncer(quiet: .milliseconds(25))
        for step in 0..<5 { debouncer.signal(at: start + .milliseconds(step * 10)) }
        #expect(debouncer.deadline == start + .milliseconds(65))
        let early = debouncer.fire(at: start + .milliseconds(64))
        let due = debouncer.fire(at: start + .milliseconds(65))
        let again = debouncer.fire(at: start + .milliseconds(200))
        #expect(!early && due && !again)
        #expect(!debouncer.isPending)
    }

    @Test func aFinishedWriteFiresSoonerUnlessMoreFollows() {
        var debouncer = Debouncer(quiet: .milliseconds(50), settledQuiet: .milliseconds(5))
        debouncer.signal(at: start)
        debouncer.signal(at: start + .milliseconds(1), settled: true)
        #expect(debouncer.deadline == start + .milliseconds(6))
        debouncer.signal(at: start + .milliseconds(3))
        #expect(debouncer.deadline == start + .milliseconds(53))
    }

    @Test func endlessSignalsStillFireAtTheMaximumDelay() {
        var debouncer = Debouncer(quiet: .milliseconds(25), maximumDelay: .milliseconds(100))
        var fired: [Int] = []
        for step in 0..<30 {
            let now = start + .milliseconds(step * 10)
            debouncer.signal(at: now)
            if debouncer.fire(at: now) { fired.append(step) }
        }
        #expect(fired == [10, 21])
    }
}

@Suite("inotify event decoding")
struct InotifyEventTests {
    @Test(arguments: [
        [InotifyEvent(watchDescriptor: 1, mask: 0x8, name: "02-gather.py")],
        [
            InotifyEvent(watchDescriptor: 1, mask: 0x100, name: ".02-gather.py.swp"),
            InotifyEvent(watchDescriptor: 1, mask: 0x80, cookie: 7, name: "a.py"),
            InotifyEvent(watchDescriptor: 1, mask: 0x8000, name: ""),
            InotifyEvent(watchDescriptor: 2, mask: 0x8, name: "ünïcødé-ok.py"),
        ],
    ])
    func roundTrips(events: [InotifyEvent]) {
        let bytes = InotifyEvent.encode(events)
        let decoded = bytes.withUnsafeBytes { InotifyEvent.parse($0) }
        #expect(decoded == events)
    }

    @Test func decodesAtAnUnalignedOffset() {
        // One padding byte in front: every header is misaligned.
        let bytes = [0] + InotifyEvent.encode([InotifyEvent(watchDescriptor: 3, mask: 0x80, name: "x.py")])
        let decoded = bytes.withUnsafeBytes { InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: $0[1...])) }
        #expect(decoded == [InotifyEvent(watchDescriptor: 3, mask: 0x80, name: "x.py")])
    }

    @Test func ignoresATruncatedTail() {
        let full = InotifyEvent.encode([InotifyEvent(watchDescriptor: 1, mask: 0x8, name: "kept.py")])
        let bytes = full + Array(InotifyEvent.encode([InotifyEvent(watchDescriptor: 1, mask: 0x8, name: "lost.py")]).prefix(20))
        #expect(bytes.withUnsafeBytes { InotifyEvent.parse($0) }.map(\.name) == ["kept.py"])
    }
}

/// Collects what a monitor reports, and lets a test wait for a name without sleeping a fixed time.
final class Reports: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [Set<String>] = []

    func add(_ names: Set<String>) {
        condition.lock()
        batches.append(names)
        condition.broadcast()
        condition.unlock()
    }

    var all: [Set<String>] {
        condition.lock()
        defer { condition.unlock() }
        return batches
    }

    /// Waits until some report contains `name` (the generous limit only matters when broken).
    func wait(for name: String, limit: TimeInterval = 20) -> Bool {
        let deadline = Date(timeIntervalSinceNow: limit)
        condition.lock()
        defer { condition.unlock() }
        while !batches.contains(where: { $0.contains(name) }) {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }
}

@Suite("DirectoryMonitor", .serialized)
struct DirectoryMonitorTests {
    static func folder() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: [true, false])
    func anInPlaceWriteIsReported(inotify: Bool) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("02-gather.py")
        try "old".write(to: file, atomically: false, encoding: .utf8)
        let reports = Reports()
        let monitor = try DirectoryMonitor(
            directory: folder.path, pollInterval: .milliseconds(100), useInotify: inotify, onChange: reports.add)
        defer { monitor.stop() }
        if inotify { #expect(monitor.mode == .inotify) }
        try "new content".write(to: file, atomically: false, encoding: .utf8)
        #expect(reports.wait(for: "02-gather.py"))
    }

    @Test func aSaveByRenameIsReportedAndSwapFilesAreNot() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("02-gather.py")
        try "old".write(to: file, atomically: false, encoding: .utf8)
        let reports = Reports()
        let monitor = try DirectoryMonitor(
            directory: folder.path, pollInterval: .seconds(60), include: { $0.hasSuffix(".py") }, onChange: reports.add)
        defer { monitor.stop() }
        // What vim does by default: swap file, move the original aside, write anew.
        try "swap".write(to: folder.appendingPathComponent(".02-gather.py.swp"), atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(at: file, to: folder.appendingPathComponent("02-gather.py~"))
        try "saved by rename".write(to: file, atomically: true, encoding: .utf8)
        #expect(reports.wait(for: "02-gather.py"))
        #expect(reports.all.allSatisfy { $0.allSatisfy { $0.hasSuffix(".py") } })
    }

    @Test func aBurstOfWritesIsReportedOnceAfterItSettles() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a.py")
        let reports = Reports()
        let monitor = try DirectoryMonitor(
            directory: folder.path, debounce: .milliseconds(300), settledDebounce: .milliseconds(300), pollInterval: .seconds(60),
            onChange: reports.add)
        defer { monitor.stop() }
        for index in 0..<20 { try "v\(index)".write(to: file, atomically: false, encoding: .utf8) }
        try "marker".write(to: folder.appendingPathComponent("z.py"), atomically: false, encoding: .utf8)
        #expect(reports.wait(for: "z.py"))
        // Writes 300 ms apart on a loaded machine could split the burst; what matters is
        // that twenty writes did not make twenty reports.
        #expect(reports.all.filter { $0.contains("a.py") }.count <= 2)
    }

    @Test func pollingAloneNoticesCreationAndDeletion() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("gone.py")
        try "x".write(to: file, atomically: false, encoding: .utf8)
        let reports = Reports()
        let monitor = try DirectoryMonitor(
            directory: folder.path, pollInterval: .milliseconds(50), useInotify: false, onChange: reports.add)
        defer { monitor.stop() }
        guard case .polling = monitor.mode else {
            Issue.record("expected polling, got \(monitor.mode)")
            return
        }
        try FileManager.default.removeItem(at: file)
        #expect(reports.wait(for: "gone.py"))
        try "y".write(to: folder.appendingPathComponent("new.py"), atomically: false, encoding: .utf8)
        #expect(reports.wait(for: "new.py"))
    }

    @Test func aChangeSeenByBothSourcesIsReportedOnce() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reports = Reports()
        let monitor = try DirectoryMonitor(
            directory: folder.path, debounce: .milliseconds(10), pollInterval: .milliseconds(20), onChange: reports.add)
        defer { monitor.stop() }
        try "x".write(to: folder.appendingPathComponent("once.py"), atomically: false, encoding: .utf8)
        #expect(reports.wait(for: "once.py"))
        // Give polling several rounds to report it again (it must not).
        let marker = folder.appendingPathComponent("marker.py")
        for round in 0..<5 {
            try "\(round)".write(to: marker, atomically: false, encoding: .utf8)
            _ = reports.wait(for: "marker.py")
        }
        #expect(reports.all.filter { $0.contains("once.py") }.count == 1)
        #expect(monitor.missedByInotify == 0)
    }

    @Test func stopIsIdempotentAndReportsNothingAfterwards() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reports = Reports()
        let monitor = try DirectoryMonitor(directory: folder.path, pollInterval: .milliseconds(10), onChange: reports.add)
        monitor.stop()
        monitor.stop()
        try "x".write(to: folder.appendingPathComponent("late.py"), atomically: false, encoding: .utf8)
        #expect(!reports.wait(for: "late.py", limit: 0.3))
    }

    @Test func aMissingFolderIsAnError() {
        #expect(throws: WatchError.notADirectory("/nonexistent/folder")) {
            try DirectoryMonitor(directory: "/nonexistent/folder") { _ in }
        }
    }
}
