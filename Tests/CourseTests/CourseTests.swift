import Course
import Foundation
import TestSupport
import Testing

@Suite("The repository's course")
struct RepositoryCourse {
    @Test func everyLessonLoadsWithoutProblems() {
        let course = Course.load(root: Repository.root)
        #expect(course.problems.isEmpty, "\(course.problems)")
        #expect(course.lessons.map(\.id) == Repository.lessonIDs)
    }

    @Test(arguments: Repository.lessonIDs)
    func lessonMeetsTheCourseRules(id: String) throws {
        let lesson = try Course.load(root: Repository.root).lesson(id)
        #expect(lesson.hints.count >= 3)
        #expect(lesson.wrongVariants.count >= 3)
        #expect(!lesson.body.isEmpty)
        #expect(lesson.minimumPython >= PythonVersion.minimumSupported)
    }
}

@Suite("Loading lessons", .scratchDirectory)
struct LoadingLessons {
    var root: URL { Scratch.directory }

    @Test func aWellFormedLessonLoads() throws {
        try SampleLesson.write(id: "01-sample", in: root, budget: 3)
        let course = Course.load(root: root)
        let lesson = try course.lesson("01-sample")
        #expect(lesson.title == "Sample 01-sample")
        #expect(lesson.budgetSeconds == 3)
        #expect(lesson.hints == ["first", "second", "third"])
        #expect(lesson.wrongVariants.map(\.expectedFailure) == [.behaviour])
        #expect(lesson.exercisePath == "exercises/01-sample.py")
    }

    @Test func badYAMLIsReportedAndTheRestStillLoads() throws {
        try SampleLesson.write(id: "01-good", in: root)
        try SampleLesson.write(id: "02-bad", in: root)
        try Scratch.write("---\nid: 02-bad\ntitle: [unclosed\n---\nbody", to: "lessons/02-bad/lesson.md", in: root)
        let course = Course.load(root: root)
        #expect(course.lessons.map(\.id) == ["01-good"])
        let problem = try #require(course.problems.first)
        #expect(problem.file == "lessons/02-bad/lesson.md")
        #expect(problem.message.contains("not valid YAML"))
        #expect(!problem.fix.isEmpty)
    }

    @Test func missingFilesAreNamed() throws {
        try SampleLesson.write(id: "01-sample", in: root)
        try FileManager.default.removeItem(at: root.appendingPathComponent("lessons/01-sample/solution.py"))
        let course = Course.load(root: root)
        #expect(course.lessons.isEmpty)
        #expect(course.problems.contains { $0.file == "lessons/01-sample/solution.py" && $0.message == "missing" })
    }

    @Test func missingAndMistypedFieldsNameTheField() throws {
        try SampleLesson.write(id: "01-sample", in: root)
        try Scratch.write("---\nid: 01-sample\ntitel: typo\nbudget: forever\nhints: []\n---\n", to: "lessons/01-sample/lesson.md", in: root)
        let fields = Set(Course.load(root: root).problems.compactMap(\.field))
        #expect(fields.isSuperset(of: ["title", "summary", "titel", "budget", "hints"]))
    }

    @Test func duplicateIdsKeepTheFirstFolder() throws {
        try SampleLesson.write(id: "01-same", in: root)
        try SampleLesson.write(id: "02-same", in: root)
        try Scratch.write(SampleLesson.frontMatter(id: "01-same"), to: "lessons/02-same/lesson.md", in: root)
        let course = Course.load(root: root)
        #expect(course.lessons.map(\.id) == ["01-same"])
        #expect(course.problems.contains { $0.field == "id" })
    }

    @Test(arguments: ["../../etc/passwd", "/etc/passwd", "sub/../../outside.py"])
    func pathsMayNotEscapeTheLessonFolder(path: String) throws {
        try SampleLesson.write(id: "01-sample", in: root)
        try Scratch.write(SampleLesson.frontMatter(id: "01-sample", extra: "starter: \(path)"), to: "lessons/01-sample/lesson.md", in: root)
        let course = Course.load(root: root)
        #expect(course.lessons.isEmpty)
        #expect(course.problems.contains { $0.field == "starter" && $0.message.contains("outside") })
    }

    @Test func aSymlinkOutOfTheFolderIsRefused() throws {
        try SampleLesson.write(id: "01-sample", in: root)
        try Scratch.write("secret", to: "outside.py", in: root)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("lessons/01-sample/linked.py").path,
            withDestinationPath: root.appendingPathComponent("outside.py").path)
        try Scratch.write(SampleLesson.frontMatter(id: "01-sample", extra: "starter: linked.py"), to: "lessons/01-sample/lesson.md", in: root)
        #expect(Course.load(root: root).problems.contains { $0.field == "starter" && $0.message.contains("symlink") })
    }

    @Test func aWrongVariantMustDeclareAKnownCheck() throws {
        try SampleLesson.write(id: "01-sample", in: root)
        try Scratch.write("# expect: fail speed\n", to: "lessons/01-sample/wrong/bad.py", in: root)
        try Scratch.write("print('no header')\n", to: "lessons/01-sample/wrong/none.py", in: root)
        let problems = Course.load(root: root).problems
        #expect(problems.contains { $0.file.hasSuffix("wrong/bad.py") && $0.message.contains("speed") })
        #expect(problems.contains { $0.file.hasSuffix("wrong/none.py") && $0.fix.contains("# expect: fail") })
    }

    @Test func lessonsAreFoundByIdNumberOrSlug() throws {
        try SampleLesson.write(id: "01-first", in: root)
        try SampleLesson.write(id: "02-second", in: root)
        let course = Course.load(root: root)
        #expect(try course.lesson("02").id == "02-second")
        #expect(try course.lesson("2").id == "02-second")
        #expect(try course.lesson("second").id == "02-second")
        #expect(throws: CourseError.self) { try course.lesson("0") }
        do {
            _ = try course.lesson("99-nope")
            Issue.record("expected an unknown lesson error")
        } catch {
            #expect("\(error)".contains("01-first") && "\(error)".contains("02-second"))
        }
    }

    @Test func theCourseIsFoundFromASubfolder() throws {
        try SampleLesson.write(id: "01-sample", in: root)
        let nested = root.appendingPathComponent("exercises/deeper")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        #expect(try Course.locate(from: nested).path == root.path)
    }
}
