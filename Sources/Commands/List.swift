import ArgumentParser
import Course
import Foundation

struct List: AsynclingsCommand {
    static let configuration = CommandConfiguration(abstract: "List the lessons of the course.")

    @OptionGroup var courseOptions: CourseOptions

    func run(in context: CommandContext) throws {
        let course = try courseOptions.load(in: context)
        for lesson in course.lessons {
            let started = FileManager.default.fileExists(atPath: course.exerciseFile(for: lesson).path)
            let mark = started ? "•" : " "
            context.console.print("\(mark) \(lesson.id.padding(toLength: 28, withPad: " ", startingAt: 0)) \(lesson.title)")
        }
        if course.lessons.isEmpty {
            context.console.print("(no lessons)")
        }
    }
}
