import ArgumentParser
import Course
import Foundation

struct Start: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create your exercise file from the lesson's starter (never overwrites).")

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var lessonArgument: LessonArgument

    func run(in context: CommandContext) throws {
        let (course, lesson) = try courseOptions.loadLesson(lessonArgument.lesson, in: context)
        switch try ExerciseFiles(course: course).start(lesson) {
        case .alreadyThere:
            context.console.print("\(lesson.exercisePath) already exists; it was left as it is.")
        case .created:
            context.console.print(
                "Created \(lesson.exercisePath). Edit it until `asynclings check \(lesson.id)` passes: "
                    + "it grades the file and records the pass. (`asynclings` alone grades it on every save.)")
        }
    }
}
