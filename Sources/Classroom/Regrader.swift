import Course
import Foundation
import GitStore
import Grading

/// Grades every learner's exercise file again, with the trusted course's checks, many
/// at once.
///
/// Each grade is a child Python process, so they run on worker threads, `parallelism` at
/// a time (one per core by default). Identical files of the same lesson (learners who
/// never changed the starter, two branches at the same commit) are graded once.
public struct Regrader: Sendable {
    public let grader: Grader
    /// How many grades run at once; at least 1.
    public var parallelism: Int

    public init(grader: Grader, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.grader = grader
        self.parallelism = max(1, parallelism)
    }

    /// A regrader that refuses to run every learner's code with the instructor's powers:
    /// where `grader` cannot sandbox its grades, only when `allowingUnsandboxed`
    /// (`--unsafe-regrade-without-sandbox`), never by default.
    ///
    /// - Throws: `.unsandboxedRegrade`.
    public init(grader: Grader, allowingUnsandboxed: Bool) throws(ClassroomError) {
        guard grader.isolation.isSandboxed || allowingUnsandboxed else {
            throw .unsandboxedRegrade(isolation: grader.isolation)
        }
        self.init(grader: grader)
    }

    /// One grade to run: a lesson and the exact bytes of a file.
    struct Job: Sendable {
        let lesson: Lesson
        let source: [UInt8]
        let displayPath: String
    }

    /// Fills in `regrade` for every cell with a regular exercise file of a lesson the
    /// trusted course has, and returns what was done.
    ///
    /// - Parameters:
    ///   - matrix: read with `keepContents: true`.
    ///   - contents: the exercise files' bytes by blob id, from the same read.
    @discardableResult
    public func regrade(_ matrix: inout ClassMatrix, contents: [String: Data], course: TrustedCourse) -> RegradeSummary {
        let lessons = Dictionary(course.course.lessons.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var jobIndex: [String: Int] = [:]
        var jobs: [Job] = []
        var cellJobs: [(row: Int, column: Int, job: Int)] = []
        for (row, learner) in matrix.learners.enumerated() {
            for (column, cell) in learner.cells.enumerated() {
                guard case .regular(let blob, _) = cell.file, let lesson = lessons[matrix.lessons[column].id],
                    let data = contents[blob]
                else { continue }
                let key = lesson.id + " " + blob
                let index: Int
                if let known = jobIndex[key] {
                    index = known
                } else {
                    index = jobs.count
                    jobIndex[key] = index
                    jobs.append(Job(lesson: lesson, source: [UInt8](data), displayPath: "\(learner.branch):\(lesson.exercisePath)"))
                }
                cellJobs.append((row, column, index))
            }
        }
        let started = Date()
        let verdicts = run(jobs)
        let seconds = Date().timeIntervalSince(started)
        for (row, column, job) in cellJobs {
            matrix.learners[row].cells[column].regrade = verdicts[job]
        }
        let summary = RegradeSummary(
            courseRef: course.reference, courseCommit: course.commit.hex, cells: cellJobs.count, grades: jobs.count,
            parallelism: min(parallelism, max(1, jobs.count)), seconds: seconds)
        matrix.regrade = summary
        return summary
    }

    /// Grades `jobs`, `parallelism` at a time, forked from one warm interpreter.
    func run(_ jobs: [Job]) -> [RegradeVerdict] {
        var lessons: [String: Lesson] = [:]
        for job in jobs { lessons[job.lesson.id] = job.lesson }
        let warm = grader.warmedUp(for: lessons.values.sorted { $0.id < $1.id })
        defer { if warm.isWarm && !grader.isWarm { warm.stopServer() } }
        return inParallel(jobs, parallelism: parallelism) { job in Self.verdict(of: job, grader: warm) }
    }

    /// Grades one job; a grade that cannot run becomes an `.error` verdict for its cell.
    static func verdict(of job: Job, grader: Grader) -> RegradeVerdict {
        do throws(GradingError) {
            let report = try grader.grade(job.lesson, source: job.source, displayPath: job.displayPath)
            switch report.status {
            case .pass:
                return .pass(checksPassed: report.passedCount, checksTotal: report.checks.count)
            case .fail:
                return .fail(checksPassed: report.passedCount, checksTotal: report.checks.count, failed: report.failedChecks.map(\.id))
            case .error:
                let message = report.failedChecks.map { "\($0.id): \($0.message)" }.joined(separator: "; ")
                return .error(message: message.isEmpty ? "the grader reported an error" : message)
            }
        } catch {
            return .error(message: error.description)
        }
    }
}
