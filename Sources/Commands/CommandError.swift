import Classroom
import Course
import GitStore
import Grading
import TerminalKit

/// An error that ends a command, with the exit status docs/DESIGN.md gives it. The domain's
/// error types own theirs (`exitCode`); this only lets one `catch` (`Asynclings.run`) read
/// any of them.
protocol CommandError: Error, CustomStringConvertible {
    var exitCode: Int32 { get }
}

extension CourseError: CommandError {}
extension ExerciseFileError: CommandError {}
extension GradingError: CommandError {}
extension GitStoreError: CommandError {}
extension ClassroomError: CommandError {}
extension TerminalError: CommandError {}

/// How a command fails for reasons of its own (bad arguments, a file it cannot write).
enum Failure: CommandError {
    /// Bad arguments, unknown lesson, malformed course (exit 2).
    case usage(String)
    /// No usable Python, missing harness (exit 3).
    case environment(String)

    var description: String {
        switch self {
        case .usage(let message), .environment(let message): message
        }
    }

    var exitCode: Int32 {
        switch self {
        case .usage: 2
        case .environment: 3
        }
    }
}
