import Course
import Foundation
import TestSupport
import Testing

@Suite("Exercise files", .scratchDirectory)
struct ExerciseFilesTests {
    func lesson() throws -> (ExerciseFiles, Lesson, URL) {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory)
        let course = Course.load(root: Scratch.directory)
        let lesson = try #require(course.lessons.first)
        return (ExerciseFiles(course: course), lesson, course.exerciseFile(for: lesson))
    }

    @Test func startCreatesOnceAndNeverOverwrites() throws {
        let (files, lesson, file) = try lesson()
        #expect(try files.start(lesson) == .created)
        try "mine".write(to: file, atomically: true, encoding: .utf8)
        #expect(try files.start(lesson) == .alreadyThere)
        #expect(try String(contentsOf: file, encoding: .utf8) == "mine")
    }

    @Test func resetKeepsThePreviousVersionAndSaysWhere() throws {
        let (files, lesson, file) = try lesson()
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "my work\n".write(to: file, atomically: true, encoding: .utf8)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        guard case .replaced(let backup) = try files.reset(lesson, now: now) else {
            Issue.record("expected a backup")
            return
        }
        #expect(backup.hasPrefix("exercises/.backup/01-sample."))
        #expect(try String(contentsOf: Scratch.directory.appendingPathComponent(backup), encoding: .utf8) == "my work\n")
        #expect(try String(contentsOf: file, encoding: .utf8) == SampleLesson.starter)
        // Backups stay out of git, and nothing temporary is left beside the file.
        #expect(FileManager.default.fileExists(atPath: files.backupDirectory.appendingPathComponent(".gitignore").path))
        let left = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
        #expect(Set(left) == [".backup", "01-sample.py"])

        // A second reset at the same second keeps both versions.
        try "second try\n".write(to: file, atomically: true, encoding: .utf8)
        guard case .replaced(let second) = try files.reset(lesson, now: now) else {
            Issue.record("expected a second backup")
            return
        }
        #expect(second != backup)
        #expect(try String(contentsOf: Scratch.directory.appendingPathComponent(second), encoding: .utf8) == "second try\n")
    }

    @Test func resetOfAStarterOrAMissingFile() throws {
        let (files, lesson, file) = try lesson()
        #expect(try files.reset(lesson) == .created)
        #expect(try files.reset(lesson) == .unchanged)
        #expect(try String(contentsOf: file, encoding: .utf8) == SampleLesson.starter)
    }
}

@Suite("Lesson explanations", .scratchDirectory)
struct ExplanationTests {
    @Test func fragmentsOfTheSolutionLoad() throws {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory)
        let markdown = SampleLesson.frontMatter(
            id: "01-sample", extra: "explain:\n  - code: \"await asyncio.sleep(1)\"\n    why: \"waits without blocking\"")
        try Scratch.write(markdown, to: "lessons/01-sample/lesson.md")
        let course = Course.load(root: Scratch.directory)
        #expect(course.problems.isEmpty, "\(course.problems)")
        #expect(course.lessons.first?.explanations == [Explanation(code: "await asyncio.sleep(1)", why: "waits without blocking")])
        #expect(course.lessons.first?.explanations.first?.matches("    await   asyncio.sleep(1)  # one second") == true)
    }

    @Test(arguments: [
        "explain:\n  - code: \"not in the solution\"\n    why: \"x\"",
        "explain: just text",
        "explain:\n  - code: \"return 42\"",
    ])
    func aBadExplanationIsReportedWithTheField(extra: String) throws {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory)
        try Scratch.write(SampleLesson.frontMatter(id: "01-sample", extra: extra), to: "lessons/01-sample/lesson.md")
        let course = Course.load(root: Scratch.directory)
        #expect(course.lessons.isEmpty)
        #expect(course.problems.contains { $0.field?.hasPrefix("explain") == true })
    }

    @Test func theRepositoryLessonsExplainTheirSolutions() throws {
        let course = Course.load(root: Repository.root)
        #expect(course.problems.isEmpty, "\(course.problems)")
        for lesson in course.lessons where lesson.number <= 5 {
            #expect(!lesson.explanations.isEmpty, "\(lesson.id) explains no line of its solution")
        }
    }
}
