import ArgumentParser
import Course
import Foundation
import GitStore
import TerminalKit
import Views
import Workshop

struct ProgressCommand: AsynclingsCommand {
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

    func run(in context: CommandContext) throws {
        // The course is optional: in the workshop's bare repository there is none on
        // disk, and the records alone still say what passed.
        let course = try? courseOptions.load(in: context, reportProblems: !json)
        let start = course?.root.path ?? context.currentDirectory.path
        let repository = try Repository(discoveringFrom: start)
        let prefix = course.flatMap { repository.folderInWorkdir($0.root) } ?? ""
        let report = try ProgressReport.read(
            repository: repository, branch: branch, lessons: course?.lessons ?? [], coursePrefix: prefix)
        if json {
            context.console.print(ANSI.terminalSafeJSON(try ProgressText.json(report)))
        } else {
            context.console.print(ProgressText.render(report, style: context.style))
        }
    }

}
