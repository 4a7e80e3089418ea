import ArgumentParser
import Course
import Foundation
import Grading
import Views

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove the course is consistent: starters fail, solutions pass, wrong variants fail their check.")

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var pythonOptions: PythonOptions
    @OptionGroup var lessonsArgument: LessonsArgument
    @Flag(name: .long, help: "Print the results as JSON.") var json = false

    func run() throws {
        var failed = false
        try reportingFailures {
            let course = try courseOptions.load(reportProblems: !json)
            let lessons = lessonsArgument.lessons
            let selected = try lessons.isEmpty ? course.lessons : lessons.map { query throws(CourseError) in try course.lesson(query) }
            let grader = try pythonOptions.grader(for: course)
            let started = Date()
            let items = Verifier(grader: grader, course: course).verify(selected)
            let problems = lessonsArgument.lessons.isEmpty ? course.problems : []
            failed = items.contains { !$0.ok } || !problems.isEmpty
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let body = VerifyJSON(ok: !failed, items: items, problems: problems.map(\.description))
                Console.print(String(decoding: try encoder.encode(body), as: UTF8.self))
                return
            }
            Console.print(VerifyText.table(items))
            for problem in problems {
                Console.print("✗ \(problem)")
            }
            let bad = items.filter { !$0.ok }.count + problems.count
            let elapsed = Date().timeIntervalSince(started)
            Console.print(String(format: "\n%d lessons, %d files, %d problems (%.2f s)", selected.count, items.count, bad, elapsed))
        }
        if failed { throw ExitCode(1) }
    }

}

private struct VerifyJSON: Encodable {
    let ok: Bool
    let items: [Verifier.Item]
    let problems: [String]
}
