import ArgumentParser

@main
struct Asynclings: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asynclings",
        abstract: "Learn async Python patterns, graded by what your code actually does.",
        version: "0.1.0",
        subcommands: [
            List.self, Show.self, Start.self, Grade.self, Verify.self,
            Init.self, Check.self, ProgressCommand.self, Class.self,
        ],
        defaultSubcommand: List.self)
}
