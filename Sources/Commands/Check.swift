import ArgumentParser
import Course
import Foundation
import Grading
import TerminalKit
import Views
import Workshop

struct Check: AsynclingsCommand {
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

    func run(in context: CommandContext) throws {
        let course: Course
        var named: Lesson?
        if let lesson = lessonArgument.lesson {
            let loaded = try courseOptions.loadLesson(lesson, in: context)
            course = loaded.0
            named = loaded.1
        } else {
            course = try courseOptions.load(in: context, reportProblems: !json)
            guard !course.lessons.isEmpty else { throw Failure.usage("the course has no lessons") }
        }
        let records = context.records(for: course)
        let session = LearnerSession(records: records, grader: try pythonOptions.grader(for: course, in: context))
        guard let lesson = named ?? session.firstUnfinishedLesson() else {
            if json {
                context.console.print(#"{"status":"done","lessons":\#(course.lessons.count)}"#)
            } else {
                context.console.print("Every lesson is passed on this branch. `asynclings progress` lists them.")
            }
            return
        }
        let before = records.store()
        let outcome = try session.check(lesson, record: !noRecord, seed: seed)
        if json {
            context.console.print(ANSI.terminalSafeJSON(CheckText.json(outcome)))
        } else {
            context.console.print(
                ReportRenderer(style: context.style).render(outcome.report, hints: lesson.hints.count, hintsSeen: records.hintsSeen(lesson)))
            var remote: String?
            var left: String?
            if case .recorded(let branch, _, _, _) = outcome.recording {
                remote = records.pushRemote(ofBranch: branch)
                if case .branch(let name, _) = before, name != branch { left = name }
            }
            let text = CheckText.describe(outcome.recording, lesson: lesson, remote: remote, leftBranch: left)
            context.console.print(ANSI.sanitized(text, keepingLineBreaks: true))
        }
        if outcome.report.exitCode != 0 { throw ExitCode(outcome.report.exitCode) }
    }
}
