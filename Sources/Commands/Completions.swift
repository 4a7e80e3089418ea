import ArgumentParser

struct Completions: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            Install it once:
              bash: asynclings completions bash > ~/.local/share/bash-completion/completions/asynclings
              zsh:  asynclings completions zsh > "${fpath[1]}/_asynclings"   (then restart zsh)
              fish: asynclings completions fish > ~/.config/fish/completions/asynclings.fish
            Lesson arguments complete to the lesson ids of the course you are in.
            """)

    @Argument(help: "The shell: bash, zsh or fish.", completion: .list(["bash", "zsh", "fish"]))
    var shell: String

    func run(in context: CommandContext) throws {
        guard let kind = CompletionShell(rawValue: shell) else {
            throw ValidationError("unknown shell `\(shell)`: use bash, zsh or fish")
        }
        context.console.output.write(Asynclings.completionScript(for: kind))
    }
}
