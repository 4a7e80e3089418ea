import Course
import Foundation

/// The whole room at a glance: every learner branch × every lesson.
///
/// Built by `ClassReader` from branch histories (what each learner recorded) and, after
/// `Regrader`, from grading each exercise file at each tip again with trusted checks.
/// Plain values, so the terminal view, the HTML page and `--json` all render the same
/// thing and tests can build one by hand.
public struct ClassMatrix: Codable, Sendable, Equatable {
    /// The columns, in course order (lessons only seen in records come last).
    public var lessons: [LessonColumn]
    /// The rows, sorted by display name.
    public var learners: [LearnerRow]
    /// Set once the exercise files were graded again.
    public var regrade: RegradeSummary?
    /// When the matrix was read.
    public var generated: Date

    public init(lessons: [LessonColumn], learners: [LearnerRow], regrade: RegradeSummary? = nil, generated: Date = Date()) {
        self.lessons = lessons
        self.learners = learners
        self.regrade = regrade
        self.generated = generated
    }

    /// Counts over the whole room.
    public var summary: Summary {
        var summary = Summary(learners: learners.count, lessons: lessons.count)
        for cell in learners.flatMap(\.cells) {
            switch cell.state {
            case .passed: summary.passed += 1
            case .failsNow: summary.failsNow += 1
            case .regressed: summary.regressed += 1
            case .missingFile: summary.missingFile += 1
            case .refused: summary.refused += 1
            default: break
            }
        }
        summary.flaggedLearners = learners.filter { !$0.warnings.isEmpty }.count
        return summary
    }

    /// Room-wide counts for the summary line.
    public struct Summary: Codable, Sendable, Equatable {
        public var learners: Int
        public var lessons: Int
        /// Cells whose recorded pass holds (and re-grades as a pass, after a regrade).
        public var passed = 0
        /// Recorded passes that no longer grade as a pass.
        public var failsNow = 0
        /// Recorded passes whose file changed since and fails now.
        public var regressed = 0
        /// Recorded passes with no exercise file behind them.
        public var missingFile = 0
        /// Exercise paths that are not a small regular text file.
        public var refused = 0
        /// Rows with a warning: a name that may pass for another, a branch that is not
        /// a commit or shares no history with the course, records naming no lesson.
        public var flaggedLearners = 0

        /// Recorded passes a regrade found wanting: they fail now, or there is no
        /// exercise file to grade. Any of these makes `class --regrade` exit 1.
        public var unconfirmedPasses: Int { failsNow + missingFile }

        enum CodingKeys: String, CodingKey {
            case learners, lessons, passed, refused, regressed
            case failsNow = "fails_now"
            case missingFile = "missing_file"
            case flaggedLearners = "flagged_learners"
        }
    }

    /// Cells a regrade found wrong or could not grade, row by row, for the list under the
    /// matrix: recorded passes that fail now, changed files that fail now, recorded passes
    /// with no file, refused files, grading errors (`CellState.isProblem` decides).
    public var problems: [(learner: LearnerRow, lesson: LessonColumn, cell: Cell)] {
        var found: [(LearnerRow, LessonColumn, Cell)] = []
        for learner in learners {
            for (index, cell) in learner.cells.enumerated() where cell.state.isProblem {
                found.append((learner, lessons[index], cell))
            }
        }
        return found
    }

    enum CodingKeys: String, CodingKey {
        case lessons, learners, regrade, generated, summary
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lessons = try container.decode([LessonColumn].self, forKey: .lessons)
        learners = try container.decode([LearnerRow].self, forKey: .learners)
        regrade = try container.decodeIfPresent(RegradeSummary.self, forKey: .regrade)
        generated = try container.decode(Date.self, forKey: .generated)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lessons, forKey: .lessons)
        try container.encode(learners, forKey: .learners)
        try container.encode(regrade, forKey: .regrade)
        try container.encode(generated, forKey: .generated)
        try container.encode(summary, forKey: .summary)
    }

    /// The matrix as one JSON object (dates in ISO 8601, keys sorted).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// One lesson column.
public struct LessonColumn: Codable, Sendable, Hashable {
    /// `02-gather`.
    public var id: String
    /// The lesson's title; nil for a lesson that only appears in some learner's records.
    public var title: String?

    public init(id: String, title: String? = nil) {
        self.id = id
        self.title = title
    }

    /// The number before the first dash (`02`), what the terminal matrix shows as header.
    public var shortID: String {
        Lesson.shortID(ofID: id)
    }
}
