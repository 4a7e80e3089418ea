import Course
import Foundation
@testable import Grading
import TestSupport
import Testing

/// The interpreter tests grade with is pretended to be outside the tested range by narrowing
/// the range to the versions above it: the conformance tests then run on it for real, in the
/// grade sandbox, with a cache file of the test's own.
@Suite("An interpreter outside the tested range", .scratchDirectory)
struct OutsideTheTestedRange {
    let lesson = try! repositoryCourse.lesson("02-gather")

    /// A grader whose tested range starts just above `interpreter`'s version.
    func grader(_ interpreter: PythonInterpreter? = nil) throws -> Grader {
        var grader = try makeGrader()
        if let interpreter { grader = Grader(interpreter: interpreter, harness: grader.harness, isolation: grader.isolation) }
        let above = PythonVersion(major: grader.interpreter.version.major, minor: grader.interpreter.version.minor + 1)
        grader.testedPythons = above...PythonVersion(major: above.major, minor: above.minor + 1)
        grader.conformanceCacheFile = cacheFile
        return grader
    }

    var cacheFile: URL { Scratch.directory.appendingPathComponent("cache/conformance.json") }

    func cached() throws -> [String: InterpreterConformance.Outcome] {
        try JSONDecoder().decode([String: InterpreterConformance.Outcome].self, from: Data(contentsOf: cacheFile))
    }

    @Test func theTestedRangeIsTheHarnessFileTheHarnessReads() throws {
        let harness = try Harness.locate()
        let range = try #require(harness.testedPythons)
        #expect(range.contains(.minimumSupported))
        // The harness's own tests read the same file (Tests/harness/test_conformance.py).
        let text = try String(contentsOf: harness.testedPythonsFile, encoding: .utf8)
        #expect(text.contains("\"first\": \"\(range.lowerBound)\"") && text.contains("\"last\": \"\(range.upperBound)\""))
    }

    @Test func anInterpreterInTheRangeRunsNothing() throws {
        var grader = try makeGrader()
        grader.conformanceCacheFile = cacheFile
        #expect(grader.conformance().outcome == .inTestedRange)
        let report = try grader.grade(lesson, file: lesson.solution)
        #expect(report.status == .pass)
        #expect(!FileManager.default.fileExists(atPath: cacheFile.path))
    }

    @Test func aConformingInterpreterGradesAfterItsTestsRanOnceAndTheOutcomeIsKept() throws {
        let grader = try grader()
        #expect(grader.isolation.isSandboxed)
        let first = grader.conformance()
        guard case .conformed(let tests) = first.outcome else {
            Issue.record("expected the conformance tests to pass: \(first.outcome)")
            return
        }
        #expect(tests >= 10)
        #expect(!first.cached)
        #expect(try cached()[ConformanceCache.key(for: grader)] == first.outcome)
        #expect(first.summary.contains("outside the tested range") && first.summary.contains("so grading goes on"))

        let report = try grader.grade(lesson, file: lesson.solution)
        #expect(report.status == .pass, "\(report.checks)")
        #expect(grader.conformance().cached)
    }

    @Test func theCachedOutcomeIsWhatLaterGradesGoBy() throws {
        // An outcome no interpreter produced: only reading the cache can give it.
        let grader = try grader()
        let seeded = InterpreterConformance.Outcome.differs([
            .init(test: "timers", what: "the order timers run in", expected: "['soon', 'due now']", seen: "['due now', 'soon']")
        ])
        try FileManager.default.createDirectory(at: cacheFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode([ConformanceCache.key(for: grader): seeded]).write(to: cacheFile)

        let report = try grader.grade(lesson, file: lesson.solution)
        #expect(report.status == .error && report.environment == true && report.exitCode == 3)
        let message = try #require(report.check(.run)).message
        #expect(message.contains("timers: the order timers run in: expected ['soon', 'due now'], seen ['due now', 'soon']"))
        #expect(message.contains("outside the tested range"))
        #expect(grader.conformance().cached)
    }

    /// A venv whose `sitecustomize` changes asyncio's loop (due timers before the callbacks
    /// already ready), as a future Python might: the copy in the virtual clock no longer
    /// matches, and no grade on it may be believed.
    @Test func aPythonWhoseLoopDiffersGetsAnEnvironmentErrorNamingTheDifference() throws {
        let venv = Scratch.directory.appendingPathComponent("changed-python")
        let made = try Shell.run([Python.path, "-m", "venv", "--without-pip", venv.path], in: Scratch.directory)
        #expect(made.status == 0, "\(made.stderr)")
        let probe = try Shell.run(
            [venv.appendingPathComponent("bin/python").path, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            in: Scratch.directory)
        let sitePackages = probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try Data(
            """
            import asyncio.base_events, heapq

            _run_once = asyncio.base_events.BaseEventLoop._run_once

            def _timers_first(self):
                end = self.time() + self._clock_resolution
                due = []
                while self._scheduled and self._scheduled[0]._when < end:
                    handle = heapq.heappop(self._scheduled)
                    handle._scheduled = False
                    due.append(handle)
                self._ready.extendleft(reversed(due))
                _run_once(self)

            asyncio.base_events.BaseEventLoop._run_once = _timers_first

            """.utf8
        ).write(to: URL(fileURLWithPath: sitePackages).appendingPathComponent("sitecustomize.py"))
        let interpreter = try PythonInterpreter.resolve(explicit: venv.appendingPathComponent("bin/python").path, courseRoot: nil)
        let grader = try grader(interpreter)

        let report = try grader.grade(lesson, file: lesson.solution)
        #expect(report.status == .error && report.environment == true && report.exitCode == 3)
        let message = try #require(report.check(.run)).message
        #expect(message.contains("timers: the order timers run in (the virtual clock's copy of _run_once): expected ['due now', 'soon'"))
        #expect(message.contains("seen ['soon', 'due now'"))
        #expect(message.contains("Fix: grade with a tested Python"))
        guard case .differs = try cached()[ConformanceCache.key(for: grader)] else {
            Issue.record("the failure was not cached")
            return
        }
    }
}
