import ArgumentParser
import Course
import Foundation

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create your exercise file from the lesson's starter (never overwrites).")

    @OptionGroup var courseOptions: CourseOptions
    @Argument(help: "The lesson id.") var lesson: String

    func run() throws {
        try reportingFailures {
            let (course, lesson) = try courseOptions.loadLesson(lesson)
            let target = course.exerciseFile(for: lesson)
            if FileManager.default.fileExists(atPath: target.path) {
                Console.print("\(lesson.exercisePath) already exists; it was left as it is.")
                return
            }
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let starter = try Data(contentsOf: lesson.starter)
            // O_EXCL: if the file appeared since the check above, do not touch it.
            let fd = open(target.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else {
                Console.print("\(lesson.exercisePath) already exists; it was left as it is.")
                return
            }
            defer { close(fd) }
            let written = starter.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == starter.count else { throw Failure.environment("could not write \(lesson.exercisePath)") }
            Console.print("Created \(lesson.exercisePath). Edit it, then run `asynclings grade \(lesson.id)`.")
        }
    }
}
