import ArgumentParser
import Course
import Foundation
import Grading
import TerminalKit
import TerminalUI
import Workshop

struct Watch: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work through the course: saving your exercise file grades it (the default command).",
        discussion: """
            Opens the first unfinished lesson (or LESSON) and grades exercises/LESSON.py each \
            time you save it. A pass is recorded in git when the course is in a repository.

            Keys: h next hint · l lesson list (/ searches) · n next lesson · r grade again · s lesson text · \
            q quit. ↑↓ PgUp PgDn scroll. Ctrl-Z suspends.

            Saves are noticed through inotify on the exercises/ folder, with polling as a \
            backstop; the status line says which. On network or shared folders where inotify \
            is silent, --poll polls only; r always grades by hand.
            """)

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var pythonOptions: PythonOptions
    @OptionGroup var lessonArgument: OptionalLessonArgument
    @Flag(name: .long, help: "Notice saves by polling only (for folders where inotify reports nothing).")
    var poll = false

    func run(in context: CommandContext) throws {
        let course = try courseOptions.load(in: context)
        guard !course.lessons.isEmpty else { throw Failure.usage("the course at \(course.root.path) has no lessons") }
        // Warm: every save forks a grade from a Python that has already imported asyncio
        // and the harness, instead of starting an interpreter (most of a cold grade).
        let grader = try pythonOptions.grader(for: course, in: context, warnUnsandboxed: false).warmedUp(for: course.lessons)
        defer { grader.stopServer() }
        var options = WatchApp.Options()
        options.useInotify = !poll
        options.color = context.style.color
        if let lesson = lessonArgument.lesson { options.startLesson = try course.lesson(lesson).id }
        if !grader.isolation.isSandboxed { options.startupNotice = "Grades are \(grader.isolation.summary)" }
        let app = try WatchApp(session: LearnerSession(records: context.records(for: course), grader: grader), options: options)
        let status = try app.run()
        if !app.terminalWasClosed { context.console.print(app.farewell()) }
        if status != 0 { throw ExitCode(status) }
    }
}
