import ArgumentParser
import Course
import Foundation
import Grading
import TerminalKit
import Views
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
    @OptionGroup var lessonArgument: OptionalLessonArgument
    @Flag(name: .long, help: "Grade only: record nothing, count nothing.") var noRecord = false
    @Flag(name: .long, help: "Print one JSON object: the grade report plus a \"recording\" object.") var json = false
    @Option(name: .long, help: "Seed for the grader's varied latencies and schedules (replays a failure).") var seed = 0

    func run() throws {
        var exitCode: Int32 = 0
        try reportingFailures {
            let course: Course
            let chosen: Lesson
            if let lesson = lessonArgument.lesson {
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
                Console.print(ANSI.terminalSafeJSON(CheckText.json(outcome)))
            } else {
                Console.print(ReportRenderer(style: .detect()).render(outcome.report, hints: chosen.hints.count))
                Console.print(ANSI.sanitized(CheckText.describe(outcome.recording, lesson: chosen), keepingLineBreaks: true))
            }
            exitCode = outcome.report.exitCode
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

}
