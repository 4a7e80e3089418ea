import ArgumentParser
import Course
import Foundation
import Grading
import Rendering
import Workshop

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade your exercise and, on a pass, record it on your branch.",
        discussion: """
            Grades exercises/LESSON.py (default: the first lesson you have not passed). A pass \
            is committed on the current branch: a commit of only that file, carrying the \
            lesson, checks, attempts and hints in its trailers; nothing else you staged or \
            edited changes. A failed grade counts an attempt (kept under .git/, not committed).

            Exit status: 0 pass, 1 fail, 2 usage or course error, 3 environment error.
            """)

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var pythonOptions: PythonOptions
    @Argument(help: "The lesson id or number (default: the first one not passed yet).") var lesson: String?
    @Flag(name: .long, help: "Grade only: record nothing, count nothing.") var noRecord = false
    @Flag(name: .long, help: "Print one JSON object: the grade report plus a \"recording\" object.") var json = false
    @Option(name: .long, help: "Seed for the grader's varied latencies and schedules (replays a failure).") var seed = 0

    func run() throws {
        var exitCode: Int32 = 0
        try reportingFailures {
            let course: Course
            let chosen: Lesson
            if let lesson {
                (course, chosen) = try courseOptions.loadLesson(lesson)
            } else {
                course = try courseOptions.load(reportProblems: !json)
                guard !course.lessons.isEmpty else { throw Failure.usage("the course has no lessons") }
                let session = LearnerSession(course: course, grader: try pythonOptions.grader(for: course))
                guard let next = session.firstUnfinishedLesson() else {
                    if json {
                        Console.print(#"{"status":"done","lessons":\#(course.lessons.count)}"#)
                    } else {
                        Console.print("Every lesson is passed on this branch. `asynclings progress` lists them.")
                    }
                    return
                }
                chosen = next
            }
            let session = LearnerSession(course: course, grader: try pythonOptions.grader(for: course))
            let outcome = try session.check(chosen, record: !noRecord, seed: seed)
            if json {
                Console.print(ANSI.terminalSafeJSON(Self.json(outcome)))
            } else {
                Console.print(ReportRenderer(style: .detect()).render(outcome.report, hints: chosen.hints.count))
                Console.print(ANSI.sanitized(Self.describe(outcome.recording, lesson: chosen), keepingLineBreaks: true))
            }
            exitCode = outcome.report.exitCode
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    static func describe(_ recording: LearnerSession.Recording, lesson: Lesson) -> String {
        switch recording {
        case .recorded(let branch, let commit, let attempts, let hints):
            return "Recorded the pass of \(lesson.id) on \(branch) (commit \(commit.prefix(7)); "
                + "\(attempts) attempt\(attempts == 1 ? "" : "s"), \(hints) hint\(hints == 1 ? "" : "s")). "
                + "`git push` shares it with your instructor."
        case .attemptCounted(let attempts):
            return "Not recorded: the grade failed. Attempt \(attempts) counted; fix the file and run `asynclings check \(lesson.id)` again."
        case .notRecorded(let reason):
            return "Not recorded: \(reason)."
        }
    }

    /// The report's JSON object with a `recording` object appended, keeping the report's
    /// own keys first and in docs/DESIGN.md's order.
    static func json(_ outcome: LearnerSession.CheckOutcome) -> String {
        let recording: [String: Any]
        switch outcome.recording {
        case .recorded(let branch, let commit, let attempts, let hints):
            recording = ["status": "recorded", "branch": branch, "commit": commit, "attempts": attempts, "hints": hints]
        case .attemptCounted(let attempts):
            recording = ["status": "attempt-counted", "attempts": attempts]
        case .notRecorded(let reason):
            recording = ["status": "not-recorded", "reason": reason]
        }
        let data = (try? JSONSerialization.data(withJSONObject: recording, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        let report = outcome.report.json()
        return String(report.dropLast()) + #","recording":"# + String(decoding: data, as: UTF8.self) + "}"
    }
}
