/// The stable check ids of docs/DESIGN.md. Reports, course files and other tools use them:
/// never rename one.
public enum CheckID: String, CaseIterable, Codable, Sendable, Comparable {
    case compile
    case run
    case timeLimit = "time-limit"
    case deadlock
    case behaviour
    case concurrency
    case bounded
    case blocking
    case unawaited
    case leakedTasks = "leaked-tasks"
    case unretrievedException = "unretrieved-exception"
    case cancellation
    case race
    case testsCatchMutants = "tests-catch-mutants"
    case tampering

    /// What a failure of this check means, in one line.
    public var meaning: String {
        switch self {
        case .compile: "the file does not compile"
        case .run: "importing the file or calling the lesson's entry point raised, or the process died"
        case .timeLimit: "the real-time or virtual-time budget ran out"
        case .deadlock: "every task waits forever"
        case .behaviour: "wrong results, output, ordering or timing"
        case .concurrency: "work that should overlap ran one after another"
        case .bounded: "more work in flight than the limit allows, or the limit was not used"
        case .blocking: "a blocking call ran on the event loop thread"
        case .unawaited: "a coroutine was created and never awaited"
        case .leakedTasks: "tasks were still pending when the entry point returned"
        case .unretrievedException: "a task failed and nobody retrieved the exception"
        case .cancellation: "cancellation was swallowed, or cleanup did not run"
        case .race: "an invariant broke under one of the explored schedules"
        case .testsCatchMutants: "the learner's tests let a broken implementation pass"
        case .tampering: "the code touched the grader itself: its objects, hooks, clock or report channel"
        }
    }

    /// The checks the harness decides for every lesson, around the lesson's own
    /// (`LEADING_CHECKS` and `TRAILING_CHECKS` in the harness's report.py).
    public static let reportedByEveryGrade: [CheckID] = [
        .compile, .run, .timeLimit, .deadlock, .blocking, .unawaited, .leakedTasks, .unretrievedException,
    ]

    public static func < (lhs: CheckID, rhs: CheckID) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
