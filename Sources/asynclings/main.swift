import Commands
import Foundation

// The process: its arguments, streams, environment, directory and clock. Everything
// else is the Commands library, which tests run in-process.
exit(Asynclings.run(Array(CommandLine.arguments.dropFirst()), in: .process()))
