import ArgumentParser
import Course
import Foundation

struct Reset: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a lesson's starter back in your exercise file; your version is kept.",
        discussion: """
            The current file is first copied to exercises/.backup/LESSON.TIMESTAMP.py (kept \
            out of git), then the starter replaces it in one step. The command prints how to \
            get your version back.
            """)

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var lessonArgument: LessonArgument

    func run() throws {
        try reportingFailures {
            let (course, lesson) = try courseOptions.loadLesson(lessonArgument.lesson)
            let result = try ExerciseFiles(course: course).reset(lesson)
            switch result {
            case .created:
                Console.print("\(lesson.exercisePath) did not exist; created it from the starter.")
            case .unchanged:
                Console.print("\(lesson.exercisePath) already holds the starter; nothing changed.")
            case .replaced(let backup):
                Console.print("Put the starter back in \(lesson.exercisePath).")
                Console.print("Your previous version is in \(backup). To get it back:")
                Console.print("  cp \(backup) \(lesson.exercisePath)")
            }
        }
    }
}
