import ArgumentParser
import Course
import Foundation

struct Reset: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a lesson's starter back in your exercise file; your version is kept.",
        discussion: """
            The current file is first copied to exercises/.backup/LESSON.TIMESTAMP.py (kept \
            out of git), then the starter replaces it in one step. The command prints how to \
            get your version back.
            """)

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var lessonArgument: LessonArgument

    func run(in context: CommandContext) throws {
        let (course, lesson) = try courseOptions.loadLesson(lessonArgument.lesson, in: context)
        switch try ExerciseFiles(course: course).reset(lesson, now: context.now()) {
        case .created:
            context.console.print("\(lesson.exercisePath) did not exist; created it from the starter.")
        case .unchanged:
            context.console.print("\(lesson.exercisePath) already holds the starter; nothing changed.")
        case .replaced(let backup):
            context.console.print("Put the starter back in \(lesson.exercisePath).")
            context.console.print("Your previous version is in \(backup). To get it back:")
            context.console.print("  cp \(backup) \(lesson.exercisePath)")
        }
    }
}
