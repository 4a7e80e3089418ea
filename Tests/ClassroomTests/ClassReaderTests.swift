import Classroom
import Course
import Foundation
import GitStore
import Grading
import TestSupport
import Testing

import Glibc

@Suite("Reading and re-grading the room", .scratchDirectory)
struct ClassReaderTests {
    static let columns = ScratchCourse.lessons.map { LessonColumn(id: $0) }

    /// A clone-like repository with the scratch course on `main` and learner branches made
    /// by `branches` (name → files to commit on top of `main`).
    static func repository(_ branches: [(String, [String: String])]) throws -> URL {
        let directory = Scratch.directory.appendingPathComponent("repo")
        try ScratchCourse.write(in: directory)
        try Git.initialise(directory)
        try Git.run(["add", "-A"], in: directory)
        try Git.run(["commit", "-qm", "course"], in: directory)
        for (name, files) in branches {
            try Git.run(["switch", "-q", "-c", name, "main"], in: directory)
            for (path, text) in files { try Scratch.write(text, to: path, in: directory) }
            try Git.run(["add", "-A"], in: directory)
            try Git.run(["commit", "-qm", "work"], in: directory)
        }
        try Git.run(["switch", "-q", "main"], in: directory)
        return directory
    }

    @Test func aTruncatedObjectIsRefusedAsCorruptInsteadOfHanging() throws {
        let big = (0..<3000).map { "print('line \($0)')\n" }.joined()
        let directory = try Self.repository([("learner/cut", ["exercises/01-alpha.py": big]), ("learner/fine", ["exercises/01-alpha.py": "ok\n"])])
        let id = try Git.run(["rev-parse", "learner/cut:exercises/01-alpha.py"], in: directory).trimmingCharacters(in: .whitespacesAndNewlines)
        let object = directory.appendingPathComponent(".git/objects/\(id.prefix(2))/\(id.dropFirst(2))").path
        #expect(chmod(object, 0o644) == 0)
        #expect(truncate(object, 300) == 0)

        let reader = ClassReader(repository: try GitStore.Repository(discoveringFrom: directory.path))
        let branches = try reader.learnerBranches(.learners)
        #expect(branches.map(\.name) == ["learner/cut", "learner/fine"])
        let (matrix, contents) = try reader.read(branches: branches, lessons: Self.columns, keepContents: true)
        #expect(matrix.learners[0].cells[0].file == .refused(reason: .corrupt))
        #expect(matrix.learners[0].cells[0].state == .refused)
        guard case .regular(let blob, 3) = matrix.learners[1].cells[0].file else {
            Issue.record("expected a regular file, got \(matrix.learners[1].cells[0].file)")
            return
        }
        #expect(contents[blob] == Data("ok\n".utf8))
    }

    @Test func lessonsOnlySeenInRecordsGetAColumn() throws {
        let message = "asynclings: pass 09-extra\n\nAsynclings-Lesson: 09-extra\nAsynclings-Status: pass\nAsynclings-File: exercises/09-extra.py"
        let directory = try Self.repository([("learner/ada", ["exercises/09-extra.py": "x\n"])])
        try Git.run(["switch", "-q", "learner/ada"], in: directory)
        try Git.run(["commit", "-q", "--allow-empty", "-m", message], in: directory)
        let reader = ClassReader(repository: try GitStore.Repository(discoveringFrom: directory.path))
        let (matrix, _) = try reader.read(branches: try reader.learnerBranches(.learners), lessons: Self.columns)
        #expect(matrix.lessons.map(\.id) == ScratchCourse.lessons + ["09-extra"])
        #expect(matrix.learners[0].cells.last?.state == .passed)
    }

    @Test func theRegradeUsesTheTrustedChecksAndGradesIdenticalFilesOnce() throws {
        let forged = """
            from asynclings_harness import Trial, scenario

            CHECKS = ["behaviour"]


            @scenario("anything")
            async def anything(t: Trial) -> None:
                t.expect("behaviour", True, "fine")

            """
        // Two learners with the same starter (graded once), one with the solution, and one
        // whose branch carries a check script that passes everything.
        let directory = try Self.repository([
            ("learner/ada", ["exercises/01-alpha.py": SampleLesson.starter]),
            ("learner/bob", ["exercises/01-alpha.py": SampleLesson.starter]),
            ("learner/cy", ["exercises/01-alpha.py": ScratchCourse.solution()]),
            ("learner/eve", ["exercises/01-alpha.py": SampleLesson.starter, "lessons/01-alpha/check.py": forged]),
        ])
        let repository = try GitStore.Repository(discoveringFrom: directory.path)
        let reader = ClassReader(repository: repository)
        var (matrix, contents) = try reader.read(branches: try reader.learnerBranches(.learners), lessons: Self.columns, keepContents: true)
        #expect(try TrustedCourse.defaultReference(in: repository, remote: nil) == "main")
        let trusted = try TrustedCourse.materialise(from: repository, reference: "main")
        let folder = trusted.directory
        #expect(try String(contentsOf: folder.appendingPathComponent("lessons/01-alpha/check.py"), encoding: .utf8) == SampleLesson.check)

        let grader = Grader(
            interpreter: try PythonInterpreter.resolve(explicit: Python.path, courseRoot: directory), harness: try Harness.locate())
        let summary = Regrader(grader: grader, parallelism: 3).regrade(&matrix, contents: contents, course: trusted)
        #expect(summary.cells == 4)
        #expect(summary.grades == 2)
        #expect(matrix.learners.map { $0.cells[0].state } == [.failing, .failing, .passing, .failing])
        if case .fail(_, _, let failed)? = matrix.learners[3].cells[0].regrade {
            #expect(failed == ["behaviour"])
        } else {
            Issue.record("eve's file should fail the trusted check")
        }

        // A branch's own course is what a learner controls: trusting it would pass Eve.
        let evesFolder: URL
        do {
            let eves = try TrustedCourse.materialise(from: repository, reference: "learner/eve")
            evesFolder = eves.directory
            var trustingEve = matrix
            Regrader(grader: grader, parallelism: 1).regrade(&trustingEve, contents: contents, course: eves)
            #expect(trustingEve.learners[3].cells[0].state == .passing)
        }
        // The temporary lessons go away with the value.
        #expect(!FileManager.default.fileExists(atPath: evesFolder.path))
        #expect(FileManager.default.fileExists(atPath: folder.path))
        withExtendedLifetime(trusted) {}
        #expect(throws: ClassroomError.self) { try TrustedCourse.materialise(from: repository, reference: "nope") }
    }
}
