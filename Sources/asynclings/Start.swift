import ArgumentParser
import Course
import Foundation

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create your exercise file from the lesson's starter (never overwrites).")

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var lessonArgument: LessonArgument

    func run() throws {
        try reportingFailures {
            let (course, lesson) = try courseOptions.loadLesson(lessonArgument.lesson)
            switch try ExerciseFiles(course: course).start(lesson) {
            case .alreadyThere:
                Console.print("\(lesson.exercisePath) already exists; it was left as it is.")
            case .created:
                Console.print("Created \(lesson.exercisePath). Edit it, then run `asynclings grade \(lesson.id)`.")
            }
        }
    }
}
