import ArgumentParser

@main
struct Asynclings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Learn async Python patterns, graded by what your code actually does.")
}
