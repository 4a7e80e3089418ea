import ArgumentParser
import Course
import Foundation
import TerminalKit
import Views
import Workshop

struct Hint: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the next hint for a lesson (gentle first, explicit last).",
        discussion: """
            Each run climbs one rung of the lesson's hint ladder and shows the rungs below it \
            again. Hints shown are counted on your branch and recorded with your next pass.
            """)

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var lessonArgument: LessonArgument

    func run(in context: CommandContext) throws {
        let (course, lesson) = try courseOptions.loadLesson(lessonArgument.lesson, in: context)
        guard let hint = context.records(for: course).nextHint(lesson) else {
            context.console.print("\(lesson.id) has no hints. `asynclings show \(lesson.id)` shows the lesson text.")
            return
        }
        var text = "**Hint \(hint.number) of \(hint.of)** for \(lesson.id):\n\n\(hint.text)\n"
        if hint.number > 1 {
            text += "\nEarlier hints:\n\n"
            for (index, earlier) in lesson.hints.prefix(hint.number - 1).enumerated() {
                text += "\(index + 1). \(earlier)\n"
            }
        }
        text +=
            hint.number < hint.of
            ? "\nRun `asynclings hint \(lesson.id)` again for a more explicit one."
            : "\nThat was the last hint. `asynclings show \(lesson.id)` shows the lesson text again."
        context.console.print(TerminalRenderer(style: context.style).render(markdown: text).trimmingCharacters(in: .newlines))
    }
}
