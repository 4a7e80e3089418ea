import ArgumentParser
import Course
import Foundation
import GitStore
import TerminalKit
import Views
import Workshop

struct Init: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep your progress in git: create the repository, or your learner branch.",
        discussion: """
            Outside a git repository: creates one in the course folder, commits the course on \
            main and, with --learner NAME, creates and switches to learner/NAME.

            Inside a repository (a clone of your workshop's repository): with --learner NAME, \
            creates learner/NAME at the current commit, or switches to it when it exists here \
            or on the remote, and sets it up so that `git push` publishes it. Only HEAD moves: \
            your files and anything you staged stay exactly as they are. Without --learner it \
            only explains.
            """)

    @OptionGroup var courseOptions: CourseOptions
    @Option(name: .long, help: ArgumentHelp("Your name; your progress goes on the branch learner/NAME.", valueName: "name"))
    var learner: String?

    func run(in context: CommandContext) throws {
        let root = try courseOptions.root(in: context)
        let outcome: CourseRepository.Outcome
        do throws(GitStoreError) {
            outcome = try CourseRepository.initialise(courseRoot: root, learner: learner)
        } catch {
            throw Self.failure(error)
        }
        // Plain text quoting branch names, one of them possibly from the remote.
        context.console.print(ANSI.sanitized(InitText.describe(outcome), keepingLineBreaks: true))
    }

    static func failure(_ error: GitStoreError) -> any CommandError {
        if case .git(let git) = error, git.code == GitError.conflict {
            return Failure.usage(
                "switching branch would overwrite your uncommitted changes (\(git.message)); "
                    + "commit or stash them first (`git stash`), then run this again")
        }
        return error
    }

}
