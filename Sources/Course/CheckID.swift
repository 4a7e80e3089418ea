/// The stable check ids of docs/DESIGN.md. Reports, course files and other tools use them:
/// never rename one.
public enum CheckID: String, CaseIterable, Codable, Sendable, Comparable {
    case compile
    case run
    case timeLimit = "time-limit"
    case deadlock
    case tampering
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

    /// The checks the harness decides for every lesson, around the lesson's own
    /// (`LEADING_CHECKS` and `TRAILING_CHECKS` in the harness's report.py).
    public static let reportedByEveryGrade: [CheckID] = [
        .compile, .run, .timeLimit, .deadlock, .tampering, .blocking, .unawaited, .leakedTasks, .unretrievedException,
    ]

    public static func < (lhs: CheckID, rhs: CheckID) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
