import ArgumentParser
import Course
import Foundation

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a lesson's text.")

    @OptionGroup var courseOptions: CourseOptions
    @Argument(help: "The lesson id (e.g. 02-gather, or 02).") var lesson: String

    func run() throws {
        try reportingFailures {
            let (course, lesson) = try courseOptions.loadLesson(lesson)
            Console.print("\(lesson.id): \(lesson.title)\n\n\(lesson.summary)\n\n\(lesson.body)")
            Console.print("\nYour file: \(lesson.exercisePath)  (create it with `asynclings start \(lesson.id)`)")
        }
    }
}
