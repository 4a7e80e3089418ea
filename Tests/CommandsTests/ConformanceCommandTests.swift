import Commands
import Course
import Foundation
@testable import Grading
import TestSupport
import Testing

/// `grade` and `doctor` on an interpreter outside the tested range (the test's interpreter,
/// with the range narrowed to the versions above it, and a conformance cache of the test's own).
@Suite("An untested Python, as the commands say it", .scratchDirectory)
struct ConformanceCommandTests {
    static func untested(cache: URL) -> GraderFactory {
        GraderFactory { request in
            var grader = try GraderFactory.standard.make(request)
            let version = grader.interpreter.version
            grader.testedPythons = PythonVersion(major: version.major, minor: version.minor + 1)...PythonVersion(major: version.major, minor: version.minor + 2)
            grader.conformanceCacheFile = cache
            return grader
        }
    }

    var cache: URL { Scratch.directory.appendingPathComponent("cache/conformance.json") }

    @Test func gradeSaysOnceThatTheUntestedPythonConformedAndGrades() throws {
        let root = try learnerRepository()
        let solution = Repository.lessons.appendingPathComponent("02-gather/solution.py").path
        let run = asynclings(["grade", "02", solution, "--python", Python.path], in: root, graders: Self.untested(cache: cache))
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "outside the tested range").count == 2, "\(run.stderr)")
        #expect(run.stderr.contains("conformance tests"))
        #expect(FileManager.default.fileExists(atPath: cache.path))
    }

    @Test func doctorShowsTheOutcome() throws {
        let root = try learnerRepository()
        let tested = asynclings(["doctor", "--python", Python.path], in: root)
        #expect(tested.stdout.contains("python range") && tested.stdout.contains("is in the tested range"), "\(tested.stdout)")

        let untested = asynclings(["doctor", "--python", Python.path], in: root, graders: Self.untested(cache: cache))
        #expect(untested.status == 0, "\(untested.stdout)")
        #expect(untested.stdout.contains("outside the tested range") && untested.stdout.contains("so grading goes on"), "\(untested.stdout)")
    }

    @Test func doctorNamesWhatDiffersAndTheFix() throws {
        let root = try learnerRepository()
        let factory = Self.untested(cache: cache)
        // The grader the factory makes for `--python Python.path`: the same interpreter and harness, so the same cache key.
        let grader = Grader(
            interpreter: try PythonInterpreter.resolve(explicit: Python.path, courseRoot: root), harness: try Harness.locate())
        let seeded = InterpreterConformance.Outcome.differs([
            .init(test: "task-factory", what: "the tasks the recorder saw", expected: "['main', 'created']", seen: "['main']")
        ])
        try FileManager.default.createDirectory(at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode([ConformanceCache.key(for: grader): seeded]).write(to: cache)

        let run = asynclings(["doctor", "--python", Python.path], in: root, graders: factory)
        #expect(run.status == 1)
        #expect(run.stdout.contains("task-factory: the tasks the recorder saw: expected ['main', 'created'], seen ['main']"), "\(run.stdout)")
        #expect(run.stdout.contains("fix: grade with a tested Python"))

        let grade = asynclings(
            ["grade", "02", Repository.lessons.appendingPathComponent("02-gather/solution.py").path, "--python", Python.path],
            in: root, graders: factory)
        #expect(grade.status == 3)
        #expect(grade.stdout.contains("task-factory"), "\(grade.stdout)\(grade.stderr)")
    }
}
