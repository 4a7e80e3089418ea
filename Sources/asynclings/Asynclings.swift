import ArgumentParser
import Foundation

@main
struct Asynclings: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asynclings",
        abstract: "Learn async Python patterns, graded by what your code actually does.",
        version: "0.1.0",
        subcommands: [
            Watch.self, List.self, Show.self, Start.self, Grade.self, Check.self, Hint.self, Reset.self,
            Verify.self, Init.self, ProgressCommand.self, Class.self, Doctor.self, Completions.self,
        ],
        defaultSubcommand: Watch.self)

    /// Parses and runs like ArgumentParser's own `main()`, except that a usage error exits
    /// with 2, as docs/DESIGN.md promises (ArgumentParser's default is 64, EX_USAGE).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.note(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
