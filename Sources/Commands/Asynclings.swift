import ArgumentParser
import Course
import Foundation

/// The `asynclings` command line: its subcommands, and running one in a context.
///
/// `@main` (Sources/asynclings) only calls `run(_:in:)` with the process's context and
/// exits with what it returns; tests call it with their own.
public struct Asynclings: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "asynclings",
        abstract: "Learn async Python patterns, graded by what your code actually does.",
        version: "0.1.0",
        subcommands: [
            Watch.self, List.self, Show.self, Start.self, Grade.self, Check.self, Hint.self, Reset.self,
            Verify.self, Init.self, ProgressCommand.self, Class.self, Doctor.self, Completions.self,
        ],
        defaultSubcommand: Watch.self)

    public init() {}

    /// Parses `arguments` (without the program name) and runs the subcommand they name in
    /// `context`. Returns the exit status: the command's own, a `CommandError`'s, 2 for a
    /// usage error (docs/DESIGN.md; ArgumentParser's default is 64, EX_USAGE), and 0
    /// after help, `--version` or a completion script printed on `context`'s output.
    public static func run(_ arguments: [String], in context: CommandContext) -> Int32 {
        do {
            if let typo = misspelledSubcommand(arguments, in: context) { throw typo }
            var command = try parseAsRoot(arguments)
            if let ours = command as? any AsynclingsCommand {
                try ours.run(in: context)
            } else {
                try command.run()  // ArgumentParser's own (`help`): it throws what to print
            }
            return 0
        } catch let error as any CommandError {
            context.console.error(error.description)
            return error.exitCode
        } catch {
            let status = exitCode(for: error)
            let message = fullMessage(for: error)
            if status == .validationFailure {
                context.console.note(message)
                return 2
            }
            if !message.isEmpty {
                (status == .success ? context.console.output : context.console.errors).write(message + "\n")
            }
            return status.rawValue
        }
    }
}

extension Asynclings {
    /// The names a first argument can give: every subcommand's (from ArgumentParser's own
    /// configuration, aliases included) and `help`.
    static var subcommandNames: [String] {
        configuration.subcommands.flatMap { [$0._commandName] + $0.configuration.aliases } + ["help"]
    }

    /// A first argument that names no subcommand but is a typo of one (`grdae`, `lsit`):
    /// without this, the default subcommand (watch) would take it for a lesson. A word
    /// that names a lesson of the course around is left to watch.
    static func misspelledSubcommand(_ arguments: [String], in context: CommandContext) -> Failure? {
        guard let first = arguments.first, !first.hasPrefix("-"), !subcommandNames.contains(first),
            let guess = Spelling.closest(to: first, among: subcommandNames).first
        else { return nil }
        if let root = try? Course.locate(from: context.currentDirectory), (try? Course.loadLesson(first, root: root)) != nil {
            return nil
        }
        let corrected = (["asynclings", guess] + arguments.dropFirst()).joined(separator: " ")
        return .usage("unknown command `\(first)`. Did you mean `\(corrected)`? (`asynclings --help` lists the commands.)")
    }
}

/// A subcommand: parsed by ArgumentParser, run against a `CommandContext` instead of the
/// process's globals (a new command conforms and joins `Asynclings.configuration`).
protocol AsynclingsCommand: ParsableCommand {
    func run(in context: CommandContext) throws
}

extension AsynclingsCommand {
    /// ArgumentParser's entry point, for completeness: `Asynclings.run` calls `run(in:)`.
    func run() throws {
        try run(in: .process())
    }
}
