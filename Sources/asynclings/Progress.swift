import ArgumentParser
import Course
import Foundation
import GitStore
import Rendering
import Workshop

struct ProgressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "List the lessons passed on a branch, from its history.",
        discussion: """
            A pass counts only while the committed exercise file is the one that passed. \
            Switching branch switches progress; --branch reads any local or remote-tracking \
            branch (learner/ada, origin/learner/ada) without switching.
            """)

    @OptionGroup var courseOptions: CourseOptions
    @Option(name: .long, help: ArgumentHelp("The branch to read (default: the current one).", valueName: "branch"))
    var branch: String?
    @Flag(name: .long, help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingFailures {
            // The course is optional: in the workshop's bare repository there is none on
            // disk, and the records alone still say what passed.
            let course = try? courseOptions.load(reportProblems: !json)
            let start = course?.root.path ?? FileManager.default.currentDirectoryPath
            let report: ProgressReport
            do throws(GitStoreError) {
                let repository = try Repository(discoveringFrom: start)
                let prefix = course.flatMap { repository.folderInWorkdir($0.root) } ?? ""
                report = try ProgressReport.read(
                    repository: repository, branch: branch, lessons: course?.lessons ?? [], coursePrefix: prefix)
            } catch {
                throw Failure.git(error)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                let body = try encoder.encode(JSONBody(report: report))
                Console.print(ANSI.terminalSafeJSON(String(decoding: body, as: UTF8.self)))
            } else {
                Console.print(render(report, style: .detect()))
            }
        }
    }

    private struct JSONBody: Encodable {
        let report: ProgressReport
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(report.branch, forKey: .branch)
            try container.encode(report.tip, forKey: .tip)
            try container.encode(report.passedCount, forKey: .passed)
            try container.encode(report.lessons.count, forKey: .total)
            try container.encode(report.lessons, forKey: .lessons)
        }
        enum Keys: String, CodingKey { case branch, tip, passed, total, lessons }
    }

    func render(_ report: ProgressReport, style: TerminalRenderer.Style) -> String {
        func paint(_ text: String, _ attributes: ANSI.SGR...) -> String { ANSI.styled(text, attributes, enabled: style.color) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        // Branch names and the lesson ids of records are whatever the branch's author wrote.
        var lines = [paint("\(ANSI.sanitized(report.branch)): \(report.passedCount)/\(report.lessons.count) lessons passed", .bold)]
        if report.tip == nil { lines.append(paint("(no commit yet: your first pass creates one)", .dim)) }
        let ids = report.lessons.map { ANSI.sanitized($0.id) }
        let width = ids.map { ANSI.visibleWidth(of: $0) }.max() ?? 10
        for (entry, shown) in zip(report.lessons, ids) {
            let id = ANSI.pad(shown, to: width)
            switch entry.state {
            case .passed:
                var detail = "passed"
                if let date = entry.date { detail += " " + formatter.string(from: date) }
                if let attempts = entry.attempts { detail += " · \(attempts) attempt\(attempts == 1 ? "" : "s")" }
                if let hints = entry.hints { detail += " · \(hints) hint\(hints == 1 ? "" : "s")" }
                if let checks = entry.checks { detail += " · \(checks) checks" }
                lines.append(paint("✓", .foreground(.green), .bold) + " \(id)  \(detail)")
            case .changed:
                lines.append(paint("~", .foreground(.yellow)) + " \(id)  passed once, but the file changed in a later commit: "
                    + "`asynclings check \(shown)` records it again")
            case .notPassed:
                var detail = "not passed"
                if entry.pendingAttempts > 0 || entry.pendingHints > 0 {
                    detail += " · \(entry.pendingAttempts) attempt\(entry.pendingAttempts == 1 ? "" : "s"), "
                        + "\(entry.pendingHints) hint\(entry.pendingHints == 1 ? "" : "s") so far"
                }
                lines.append(paint("·", .dim) + " \(id)  " + paint(detail, .dim))
            }
        }
        return lines.joined(separator: "\n")
    }
}
