import Course
import Foundation
import Grading
import TestSupport
import Testing

/// Graded code that uses up what it can: every grade still ends with a verdict, and
/// nothing outside the grade runs short.
@Suite("Hostile: exhaustion", .scratchDirectory)
struct Exhaustion {
    @Test(arguments: Start.allCases) func aSpinningLoopEndsInTimeLimit(start: Start) throws {
        let target = try Target(start: start, budget: 1)
        defer { target.stop() }
        let report = try target.grade("while True:\n    pass\n")
        #expect(report.status == .fail)
        #expect(report.check(.timeLimit)?.status == .fail)
    }

    @Test(arguments: Start.allCases) func aMemoryBombIsARunFailure(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let report = try target.grade("blocks = []\nwhile True:\n    blocks.append(bytearray(1 << 28))\n")
        // MemoryError at the limit, or (on a loaded machine, where zeroing gigabytes is
        // slow) the time limit first: a verdict either way, never a crash or a pass.
        #expect(report.status == .fail)
        #expect(report.check(.run)?.status == .fail || report.check(.timeLimit)?.status == .fail, "\(report.json())")
    }

    @Test(arguments: Start.allCases) func fillingTheDiskStopsAtTheScratchLimit(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let report = try target.grade(#"""
            import os
            written = 0
            chunk = b"x" * (1 << 20)
            try:
                with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "fill"), "wb") as handle:
                    for _ in range(1024):
                        handle.write(chunk)
                        handle.flush()
                        written += len(chunk)
            except OSError as error:
                print("stopped:", error.strerror)
            print("WRITTEN", written >> 20)
            """# + honestWork)
        let output = report.output ?? ""
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("WRITTEN ") })
        let megabytes = try #require(Int(line.dropFirst("WRITTEN ".count)))
        #expect(megabytes <= Grader.scratchBytes >> 20, "\(output)")
        #expect(report.check(.behaviour)?.status == .pass)
        // Nothing it wrote reached the host's temporary folder.
        #expect(!FileManager.default.fileExists(atPath: NSTemporaryDirectory() + "/fill"))
    }

    @Test(arguments: Start.allCases) func manyFilesStayInTheScratchFolder(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let report = try target.grade(#"""
            import os
            made = 0
            try:
                for index in range(20000):
                    open(f"/tmp/f{index}", "w").close()
                    made += 1
            except OSError as error:
                print("stopped:", error)
            print("MADE", made)
            """# + honestWork)
        #expect(report.check(.behaviour)?.status == .pass, "\(report.json())")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/f0"))
    }

    @Test(arguments: Start.allCases) func openingEveryDescriptorIsBounded(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let report = try target.grade(#"""
            import os
            handles = []
            try:
                while True:
                    handles.append(os.open("/dev/null", os.O_RDONLY))
            except OSError as error:
                print("stopped at", len(handles), error.strerror)
            for fd in handles:
                os.close(fd)
            """# + honestWork)
        #expect((report.output ?? "").contains("stopped at"))
        #expect(report.status == .pass, "\(report.json())")
    }

    @Test(arguments: Start.allCases) func aFloodOfOutputIsCapped(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let report = try target.grade("import os\nchunk = b'x' * (1 << 20)\nfor _ in range(100):\n    os.write(1, chunk)\n" + honestWork)
        #expect((report.output?.utf8.count ?? 0) <= 64 * 1024)
        #expect(report.check(.behaviour)?.status == .pass)
    }

    @Test(arguments: Start.allCases) func aForkBombEndsWithTheGrade(start: Start) throws {
        let target = try Target(start: start, budget: 2)
        defer { target.stop() }
        let marker = "asynclings-bomb-" + UUID().uuidString
        // Through libc, past the harness's own guard on os.fork and subprocess.
        let report = try target.grade(#"""
            import ctypes, os, sys
            libc = ctypes.CDLL(None, use_errno=True)
            count = 0
            while count < 400:
                pid = libc.fork()
                if pid == 0:
                    os.execv("/bin/sh", ["/bin/sh", "-c", "sleep 60", \#(String(reflecting: marker))])
                if pid < 0:
                    print("stopped:", os.strerror(ctypes.get_errno()))
                    break
                count += 1
            print("FORKED", count)
            """# + honestWork)
        #expect(report.check(.compile)?.status == .pass)
        #expect(survivors(of: marker, within: 10).isEmpty)
        if getuid() != 0 {
            // The kernel never limits root's processes; everyone else's grade is bounded.
            let line = (report.output ?? "").split(separator: "\n").first { $0.hasPrefix("FORKED ") }
            #expect(line.flatMap { Int($0.dropFirst("FORKED ".count)) }.map { $0 < Grader.maximumProcesses } == true)
        }
    }
}

/// Files no editor would save: every one gets a clear verdict.
@Suite("Hostile: odd files", .scratchDirectory)
struct OddFiles {
    static let files: [(name: String, source: String)] = {
        var files: [(name: String, source: String)] = []
        files.append(("NUL bytes", "import asyncio\u{0}\nasync def work(): return 42\n"))
        let garbage: [UInt8] = (0..<2000).map { UInt8(($0 * 97 + 13) % 256) }
        files.append(("binary garbage", String(decoding: garbage, as: UTF8.self)))
        files.append(("one enormous line", "x = " + String(repeating: "1 + ", count: 100_000) + "1\n"))
        files.append(("deep nesting", String(repeating: "(", count: 5000) + String(repeating: ")", count: 5000) + "\n"))
        files.append(("an ascii declaration with other bytes", "# -*- coding: ascii -*-\nname = 'café'\n"))
        files.append(("infinite recursion at import", "def f():\n    return f()\nf()\n"))
        return files
    }()

    @Test(arguments: 0..<files.count)
    func anOddFileIsAFailNeverACrash(index: Int) throws {
        let (name, source) = Self.files[index]
        let target = try Target(start: .cold)
        let report = try target.grade(source)
        #expect(report.status == .fail, "\(name): \(report.json())")
        #expect(report.failedChecks.allSatisfy { !$0.message.isEmpty }, "\(name)")
    }

    @Test func aFileOverTheSizeLimitIsRefusedBeforeAnythingRuns() throws {
        let target = try Target(start: .cold)
        #expect(throws: GradingError.self) {
            try target.grade(String(repeating: "#", count: Grader.maximumFileBytes + 1))
        }
    }

    @Test(arguments: Start.allCases) func closingItsOwnStreamsStillEndsInAVerdict(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let report = try target.grade("import os\nos.close(1)\nos.close(2)\n" + honestWork)
        #expect(report.check(.behaviour)?.status == .pass, "\(report.json())")
    }
}

/// Nothing a grade creates outlives it, sandboxed or not: lesson 19's databases used to
/// pile up in the host's temporary folder, one folder per grade.
@Suite("Hostile: leftovers", .serialized)
struct Leftovers {
    static let cases: [(sandboxed: Bool, start: Start)] = [(true, .cold), (true, .warm), (false, .cold), (false, .warm)]

    @Test(arguments: 0..<cases.count) func aGradeLeavesNothingInTheHostsTemporaryFolder(index: Int) throws {
        let (sandboxed, start) = Self.cases[index]
        let course = Course.load(root: Repository.root)
        let lesson = try course.lesson("19-database")
        let interpreter = try PythonInterpreter.resolve(explicit: nil, courseRoot: Repository.root)
        let isolation: GradeIsolation? = sandboxed ? nil : .unsandboxed(reason: "a test", fix: "none")
        var grader = Grader(interpreter: interpreter, harness: try Harness.locate(), isolation: isolation)
        if sandboxed { try #require(grader.isolation.isSandboxed) }
        if start == .warm { grader = grader.warmedUp(for: [lesson]) }
        defer { grader.stopServer() }
        let temporary = NSTemporaryDirectory()
        func entries() -> Set<String> { Set((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []) }
        let before = entries()
        let report = try grader.grade(lesson, file: lesson.solution)
        #expect(report.status == .pass, "\(report.json())")
        // Only what this lesson makes: other suites' grades run alongside and have their own.
        let left = entries().subtracting(before).filter { $0.hasPrefix("asynclings-db-") }
        #expect(left.isEmpty, "left in \(temporary): \(left.sorted())")
    }
}
