import Course
import Foundation

/// Proves a course is consistent: every starter fails (but compiles), every reference
/// solution and every correct alternative (`right/`) passes every check, and every
/// known-wrong variant fails the check it declares.
public struct Verifier: Sendable {
    public let grader: Grader
    public let course: Course
    /// Least hints and wrong variants a lesson should have.
    public var minimumHints = 3
    public var minimumWrongVariants = 3
    public var minimumRightVariants = 3

    public init(grader: Grader, course: Course) {
        // Many grades in one run: fork them from a warm interpreter.
        self.grader = grader.warmedUp(for: course.lessons)
        self.course = course
    }

    /// One line of the verify table.
    public struct Item: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case starter, solution, right, wrong, lesson }

        public var lesson: String
        public var kind: Kind
        /// The file, relative to the course root.
        public var file: String
        /// What must happen, e.g. "fails concurrency".
        public var expected: String
        /// What did happen, e.g. "failed concurrency, behaviour".
        public var actual: String
        public var ok: Bool
        public var wallSeconds: Double
        /// True when the file could not be graded at all (no interpreter, a grader error):
        /// the course is not wrong, the environment is.
        public var couldNotGrade = false

        enum CodingKeys: String, CodingKey {
            case lesson, kind, file, expected, actual, ok
            case wallSeconds = "wall_seconds"
        }
    }

    private struct Job: Sendable {
        let lesson: Lesson
        let kind: Item.Kind
        let file: URL
        let expectedFailure: CheckID?
    }

    /// Grades every file of `lessons` in parallel (one child process per core) and judges each result.
    public func verify(_ lessons: [Lesson]) -> [Item] {
        var jobs: [Job] = []
        for lesson in lessons {
            jobs.append(Job(lesson: lesson, kind: .starter, file: lesson.starter, expectedFailure: nil))
            jobs.append(Job(lesson: lesson, kind: .solution, file: lesson.solution, expectedFailure: nil))
            for file in lesson.rightVariants {
                jobs.append(Job(lesson: lesson, kind: .right, file: file, expectedFailure: nil))
            }
            for variant in lesson.wrongVariants {
                jobs.append(Job(lesson: lesson, kind: .wrong, file: variant.file, expectedFailure: variant.expectedFailure))
            }
        }
        var items = inParallel(jobs) { job in judge(job) }
        for lesson in lessons {
            items += lint(lesson)
        }
        return items
    }

    /// Course-level rules: enough hints, wrong and right variants, and no malformed lesson folders.
    public func lint(_ lesson: Lesson) -> [Item] {
        var items: [Item] = []
        let path = course.relativePath(of: lesson.directory.appendingPathComponent("lesson.md"))
        if lesson.hints.count < minimumHints {
            items.append(Item(lesson: lesson.id, kind: .lesson, file: path, expected: "at least \(minimumHints) hints",
                              actual: "\(lesson.hints.count) hints", ok: false, wallSeconds: 0))
        }
        if lesson.wrongVariants.count < minimumWrongVariants {
            items.append(Item(lesson: lesson.id, kind: .lesson, file: course.relativePath(of: lesson.directory.appendingPathComponent("wrong")),
                              expected: "at least \(minimumWrongVariants) wrong variants",
                              actual: "\(lesson.wrongVariants.count)", ok: false, wallSeconds: 0))
        }
        if lesson.rightVariants.count < minimumRightVariants {
            items.append(Item(lesson: lesson.id, kind: .lesson, file: course.relativePath(of: lesson.directory.appendingPathComponent("right")),
                              expected: "at least \(minimumRightVariants) right variants",
                              actual: "\(lesson.rightVariants.count)", ok: false, wallSeconds: 0))
        }
        return items
    }

    private func judge(_ job: Job) -> Item {
        let path = course.relativePath(of: job.file)
        let expected: String
        switch job.kind {
        case .starter: expected = "compiles, fails"
        case .solution, .right: expected = "passes every check"
        case .wrong: expected = "fails \(job.expectedFailure?.rawValue ?? "?")"
        case .lesson: expected = ""
        }
        let report: GradeReport
        do {
            report = try grader.grade(job.lesson, file: job.file, displayPath: path)
        } catch {
            return Item(lesson: job.lesson.id, kind: job.kind, file: path, expected: expected,
                        actual: "could not grade: \(error)", ok: false, wallSeconds: 0, couldNotGrade: true)
        }
        let failed = report.failedChecks.map { "\($0.id)\($0.status == .error ? " (error)" : "")" }
        let actual: String
        let ok: Bool
        switch job.kind {
        case .starter:
            let compiles = report.check(.compile)?.status == .pass
            ok = report.status == .fail && compiles
            actual = !compiles ? "does not compile" : report.status == .pass ? "passes" : "failed \(failed.joined(separator: ", "))"
        case .solution, .right:
            let notPassing = report.checks.filter { $0.status != .pass }
            ok = report.status == .pass && notPassing.isEmpty
            // The first line of each failure, so an author sees why without grading again.
            actual = ok ? "passed \(report.passedCount)/\(report.checks.count)"
                : "did not pass: " + notPassing.map { check in
                    "\(check.id) \(check.status.rawValue)"
                        + (check.status == .skip ? "" : " (\(check.message.split(separator: "\n").first ?? ""))")
                }.joined(separator: ", ")
        case .wrong:
            let target = job.expectedFailure.flatMap { report.check($0) }
            ok = report.status == .fail && target?.status == .fail
            actual = report.status == .pass ? "passes" : "failed \(failed.joined(separator: ", "))"
        case .lesson:
            ok = true
            actual = ""
        }
        return Item(lesson: job.lesson.id, kind: job.kind, file: path, expected: expected, actual: actual, ok: ok,
                    wallSeconds: report.wallSeconds)
    }
}
