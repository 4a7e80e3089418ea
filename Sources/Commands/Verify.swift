import ArgumentParser
import Course
import Foundation
import Grading
import Views

struct Verify: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove the course is consistent: starters fail, solutions pass, wrong variants fail their check.")

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var pythonOptions: PythonOptions
    @OptionGroup var lessonsArgument: LessonsArgument
    @Flag(name: .long, help: "Print the results as JSON.") var json = false
    @OptionGroup var junitOptions: JUnitOptions

    func run(in context: CommandContext) throws {
        try junitOptions.reportingFailure(suite: "verify", in: context) { try verify(in: context) }
    }

    private func verify(in context: CommandContext) throws {
        let course = try courseOptions.load(in: context, reportProblems: !json)
        let lessons = lessonsArgument.lessons
        let selected = try lessons.isEmpty ? course.lessons : lessons.map { query throws(CourseError) in try course.lesson(query) }
        let grader = try pythonOptions.grader(for: course, in: context)
        let started = context.now()
        let items = Verifier(grader: grader, course: course).verify(selected)
        let problems = lessons.isEmpty ? course.problems : []
        let failed = items.contains { !$0.ok } || !problems.isEmpty
        try junitOptions.write(.verify(items, problems: problems.map(\.description)), in: context)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let body = VerifyJSON(ok: !failed, items: items, problems: problems.map(\.description))
            context.console.print(String(decoding: try encoder.encode(body), as: UTF8.self))
        } else {
            context.console.print(VerifyText.table(items))
            for problem in problems {
                context.console.print("✗ \(problem)")
            }
            let bad = items.filter { !$0.ok }.count + problems.count
            let elapsed = context.now().timeIntervalSince(started)
            context.console.print(String(format: "\n%d lessons, %d files, %d problems (%.2f s)", selected.count, items.count, bad, elapsed))
        }
        if failed { throw ExitCode(1) }
    }

}

private struct VerifyJSON: Encodable {
    let ok: Bool
    let items: [Verifier.Item]
    let problems: [String]
}
