/// The verdict of grading one exercise file again.
public enum RegradeVerdict: Codable, Sendable, Equatable {
    /// Every check passed.
    case pass(checksPassed: Int, checksTotal: Int)
    /// The grade failed; `failed` are the ids of the failing (or erroring) checks.
    case fail(checksPassed: Int, checksTotal: Int, failed: [String])
    /// The file could not be graded at all.
    case error(message: String)

    enum CodingKeys: String, CodingKey {
        case status, failed, message
        case checksPassed = "checks_passed"
        case checksTotal = "checks_total"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .status) {
        case "pass":
            self = .pass(
                checksPassed: try container.decode(Int.self, forKey: .checksPassed),
                checksTotal: try container.decode(Int.self, forKey: .checksTotal))
        case "fail":
            self = .fail(
                checksPassed: try container.decode(Int.self, forKey: .checksPassed),
                checksTotal: try container.decode(Int.self, forKey: .checksTotal),
                failed: try container.decode([String].self, forKey: .failed))
        default:
            self = .error(message: try container.decodeIfPresent(String.self, forKey: .message) ?? "")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .pass(let passed, let total):
            try container.encode("pass", forKey: .status)
            try container.encode(passed, forKey: .checksPassed)
            try container.encode(total, forKey: .checksTotal)
        case .fail(let passed, let total, let failed):
            try container.encode("fail", forKey: .status)
            try container.encode(passed, forKey: .checksPassed)
            try container.encode(total, forKey: .checksTotal)
            try container.encode(failed, forKey: .failed)
        case .error(let message):
            try container.encode("error", forKey: .status)
            try container.encode(message, forKey: .message)
        }
    }
}

/// What a regrade did, for the summary line and `--json`.
public struct RegradeSummary: Codable, Sendable, Equatable {
    /// The revision the lessons and checks came from, as given or defaulted (`origin/main`).
    public var courseRef: String
    /// The commit it named.
    public var courseCommit: String
    /// Cells graded (learner × lesson with a regular exercise file).
    public var cells: Int
    /// Distinct (lesson, file contents) pairs actually graded: identical files are graded once.
    public var grades: Int
    /// How many grades ran at once.
    public var parallelism: Int
    /// Wall-clock seconds for all grades.
    public var seconds: Double

    public init(courseRef: String, courseCommit: String, cells: Int, grades: Int, parallelism: Int, seconds: Double) {
        self.courseRef = courseRef
        self.courseCommit = courseCommit
        self.cells = cells
        self.grades = grades
        self.parallelism = parallelism
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case cells, grades, parallelism, seconds
        case courseRef = "course_ref"
        case courseCommit = "course_commit"
    }
}
