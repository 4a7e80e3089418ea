import ArgumentParser
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
