import ArgumentParser
import Course
import Foundation

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the lessons of the course.")

    @OptionGroup var courseOptions: CourseOptions

    func run() throws {
        try reportingFailures {
            let course = try courseOptions.load()
            for lesson in course.lessons {
                let started = FileManager.default.fileExists(atPath: course.exerciseFile(for: lesson).path)
                let mark = started ? "•" : " "
                Console.print("\(mark) \(lesson.id.padding(toLength: 28, withPad: " ", startingAt: 0)) \(lesson.title)")
            }
            if course.lessons.isEmpty {
                Console.print("(no lessons)")
            }
        }
    }
}
