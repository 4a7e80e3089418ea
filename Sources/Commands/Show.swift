import ArgumentParser
import Course
import Foundation
import TerminalKit
import Views

struct Show: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a lesson's text.",
        discussion: "Coloured and wrapped to the terminal; plain text without escape codes under NO_COLOR or when not writing to a terminal.")

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var lessonArgument: LessonArgument

    func run(in context: CommandContext) throws {
        let (course, lesson) = try courseOptions.loadLesson(lessonArgument.lesson, in: context)
        let started = FileManager.default.fileExists(atPath: course.exerciseFile(for: lesson).path)
        let markdown = """
            \(LessonText.markdown(lesson))

            ---

            Your file: `\(lesson.exercisePath)`\(started ? "" : " (create it with `asynclings start \(lesson.id)`)"). \
            `asynclings` watches it and grades each save; `asynclings hint \(lesson.id)` gives a hint.
            """
        context.console.print(TerminalRenderer(style: context.style).render(markdown: markdown).trimmingCharacters(in: .newlines))
    }
}
