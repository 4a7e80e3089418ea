import ArgumentParser

@main
struct Asynclings: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asynclings",
        abstract: "Learn async Python patterns, graded by what your code actually does.",
        version: "0.1.0",
        subcommands: [
            Watch.self, List.self, Show.self, Start.self, Grade.self, Hint.self, Reset.self, Verify.self,
            Doctor.self, Completions.self,
        ],
        defaultSubcommand: Watch.self)
}
