import Course
import Foundation
import Grading
import TestSupport
import Testing

/// How a hostile grade is started: a confined interpreter of its own, or forked from the
/// confined warm server (watch mode, verify and regrade).
enum Start: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case cold, warm

    var testDescription: String { rawValue }
}

/// A scratch course with one sample lesson (`work()` returns 42 after a virtual second),
/// and a grader on the repository's interpreter: what every hostile test attacks.
struct Target {
    let course: Course
    let lesson: Lesson
    let grader: Grader

    init(start: Start, budget: Double? = nil) throws {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory, budget: budget)
        course = Course.load(root: Scratch.directory)
        lesson = try course.lesson("01-sample")
        let interpreter = try PythonInterpreter.resolve(explicit: nil, courseRoot: Repository.root)
        let cold = Grader(interpreter: interpreter, harness: try Harness.locate())
        try #require(cold.isolation.isSandboxed, "grades must run under bubblewrap here: \(cold.isolation.summary)")
        grader = start == .warm ? cold.warmedUp(for: course.lessons) : cold
        if start == .warm { try #require(grader.isWarm) }
    }

    /// Grades `source` as the learner's file of the sample lesson.
    func grade(_ source: String) throws -> GradeReport {
        try grader.grade(lesson, source: Array(source.utf8), displayPath: "exercises/01-sample.py")
    }

    func stop() { grader.stopServer() }
}

/// A correct `work()`, for hostile files that should otherwise pass.
let honestWork = """

    import asyncio

    async def work() -> int:
        await asyncio.sleep(1)
        return 42
    """

/// A random token a test plants on the host; seeing it in a grade's output means a leak.
func secretToken() -> String { "secret-" + UUID().uuidString }

/// Everything a grade showed of itself: printed output, stderr, check messages.
func everythingShown(_ report: GradeReport) -> String {
    ([report.output ?? "", report.stderr ?? ""] + report.checks.map(\.message)).joined(separator: "\n")
}

/// Host processes whose command line contains `marker`.
func processes(containing marker: String) -> [Int32] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return names.compactMap(Int32.init).filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(marker)
    }
}

/// Waits (at most `seconds`, polling) until no host process carries `marker`; the ones left.
/// Not a speed assertion: a killed namespace is gone in milliseconds, the bound only
/// keeps a broken sandbox from hanging the suite.
func survivors(of marker: String, within seconds: Double = 5) -> [Int32] {
    let deadline = Date().addingTimeInterval(seconds)
    var left = processes(containing: marker)
    while !left.isEmpty && Date() < deadline {
        usleep(20_000)
        left = processes(containing: marker)
    }
    return left
}

/// A listening socket on the host that counts the connections it accepts.
class CountingListener: @unchecked Sendable {
    let fd: Int32
    private let lock = NSLock()
    private var accepted = 0

    /// Takes over `fd`, bound and listening.
    init(listening fd: Int32) {
        self.fd = fd
        Thread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                lock.lock()
                accepted += 1
                lock.unlock()
                close(client)
            }
        }.start()
    }

    var connections: Int {
        lock.lock()
        defer { lock.unlock() }
        return accepted
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

/// A TCP listener on the host's loopback.
final class HostListener: CountingListener, @unchecked Sendable {
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(bound == 0 && listen(fd, 16) == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        super.init(listening: fd)
    }
}

/// A listener on an abstract Unix socket (`\0name`), which lives in a network namespace.
final class AbstractSocketListener: CountingListener, @unchecked Sendable {
    init(name: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = [UInt8(0)] + Array(name.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in bytes.enumerated() where index < path.count { path[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(bound == 0 && listen(fd, 4) == 0)
        super.init(listening: fd)
    }
}
