import ArgumentParser
import Course
import Foundation
import Grading
import TerminalKit
import Views
import Workshop

struct Grade: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade a file against a lesson.",
        discussion: """
            Exit status: 0 pass, 1 fail, 2 usage or course error, 3 environment error (no usable Python).

            --junit FILE also writes the grade as JUnit XML (a test case per check), for CI; \
            when the grade cannot run, the file holds one erroring case saying why.
            """)

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var pythonOptions: PythonOptions
    @OptionGroup var lessonArgument: LessonArgument
    @Argument(help: "The file to grade (default: exercises/LESSON.py).") var file: String?
    @Flag(name: .long, help: "Print the report as one JSON object.") var json = false
    @Option(name: .long, help: "Seed for the grader's varied latencies and schedules (replays a failure).") var seed = 0
    @OptionGroup var junitOptions: JUnitOptions

    func run(in context: CommandContext) throws {
        try junitOptions.reportingFailure(suite: lessonArgument.lesson, in: context) { try grade(in: context) }
    }

    private func grade(in context: CommandContext) throws {
        let (course, lesson) = try courseOptions.loadLesson(lessonArgument.lesson, in: context)
        let grader = try pythonOptions.grader(for: course, in: context)
        let target: URL
        let shown: String
        if let file {
            target = context.url(forPath: file)
            shown = file
        } else {
            target = course.exerciseFile(for: lesson)
            shown = lesson.exercisePath
        }
        let report = try grader.grade(lesson, file: target, seed: seed, displayPath: shown)
        try junitOptions.write(.grade(report), in: context)
        if json {
            context.console.print(ANSI.terminalSafeJSON(report.json()))
        } else {
            let seen = context.records(for: course).hintsSeen(lesson)
            context.console.print(ReportRenderer(style: context.style).render(report, hints: lesson.hints.count, hintsSeen: seen))
            if report.status == .pass, file == nil {
                context.console.print("Not recorded: `grade` only grades. `asynclings check \(lesson.id)` grades and records the pass.")
            }
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
