import ArgumentParser
import Course
import Foundation
import Grading

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove the course is consistent: starters fail, solutions pass, wrong variants fail their check.")

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var pythonOptions: PythonOptions
    @Argument(help: "Lessons to verify (default: all).") var lessons: [String] = []
    @Flag(name: .long, help: "Print the results as JSON.") var json = false

    func run() throws {
        var failed = false
        try reportingFailures {
            let course = try courseOptions.load(reportProblems: !json)
            let selected = try lessons.isEmpty ? course.lessons : lessons.map { try courseOptions.lesson($0, in: course) }
            let grader = try pythonOptions.grader(for: course)
            let started = Date()
            let items = Verifier(grader: grader, course: course).verify(selected)
            let problems = lessons.isEmpty ? course.problems : []
            failed = items.contains { !$0.ok } || !problems.isEmpty
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let body = VerifyJSON(ok: !failed, items: items, problems: problems.map(\.description))
                Console.print(String(decoding: try encoder.encode(body), as: UTF8.self))
                return
            }
            Console.print(table(items))
            for problem in problems {
                Console.print("✗ \(problem)")
            }
            let bad = items.filter { !$0.ok }.count + problems.count
            let elapsed = Date().timeIntervalSince(started)
            Console.print(String(format: "\n%d lessons, %d files, %d problems (%.2f s)", selected.count, items.count, bad, elapsed))
        }
        if failed { throw ExitCode(1) }
    }

    private func table(_ items: [Verifier.Item]) -> String {
        let fileWidth = min(60, items.map(\.file.count).max() ?? 10)
        let expectWidth = items.map(\.expected.count).max() ?? 10
        return items.map { item in
            let mark = item.ok ? "✓" : "✗"
            let file = item.file.padding(toLength: fileWidth, withPad: " ", startingAt: 0)
            let expected = item.expected.padding(toLength: expectWidth, withPad: " ", startingAt: 0)
            return "\(mark) \(file)  \(expected)  \(item.actual)"
        }.joined(separator: "\n")
    }
}

private struct VerifyJSON: Encodable {
    let ok: Bool
    let items: [Verifier.Item]
    let problems: [String]
}
