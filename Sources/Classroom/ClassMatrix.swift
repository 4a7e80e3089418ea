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
            case learners, lessons, passed, refused
            case failsNow = "fails_now"
            case missingFile = "missing_file"
            case flaggedLearners = "flagged_learners"
        }
    }

    /// Cells a regrade found wrong or could not grade, row by row, for the list under the
    /// matrix: recorded passes that fail now or have no file, refused files, grading errors.
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

/// One learner branch and its cells, one per lesson column.
public struct LearnerRow: Codable, Sendable, Equatable {
    /// What people call the learner: the branch name without the remote and `learner/`
    /// (`zoë`, `team-a/zoë`), made unique when a local and a remote branch share it.
    public var name: String
    /// The branch as git names it: `learner/zoë` or `origin/learner/zoë`.
    public var branch: String
    /// `refs/heads/…` or `refs/remotes/…`.
    public var reference: String
    /// True for a local branch, false for a remote-tracking one.
    public var isLocal: Bool
    /// The commit the branch pointed at when read.
    public var tip: String
    /// One per `ClassMatrix.lessons` entry, same order.
    public var cells: [Cell]
    /// What the instructor should know about this branch beyond its cells: a name that
    /// may pass for another learner's, a tip that is no commit, and so on.
    public var warnings: [LearnerWarning]

    public init(
        name: String, branch: String, reference: String, isLocal: Bool, tip: String, cells: [Cell],
        warnings: [LearnerWarning] = []
    ) {
        self.name = name
        self.branch = branch
        self.reference = reference
        self.isLocal = isLocal
        self.tip = tip
        self.cells = cells
        self.warnings = warnings
    }

    /// Lessons passed (recorded, current, and confirmed by a regrade if one ran).
    public var passedCount: Int { cells.filter { $0.state == .passed }.count }
    /// Attempts over every recorded pass.
    public var attempts: Int { Self.saturatingSum(cells.compactMap { $0.record?.attempts }) }
    /// Hints over every recorded pass.
    public var hints: Int { Self.saturatingSum(cells.compactMap { $0.record?.hints }) }
    /// The newest recorded pass.
    public var lastPass: Date? { cells.compactMap { $0.record?.date }.max() }

    /// A sum that stops at `Int.max` instead of trapping. Counts read from trailers are
    /// bounded already; a matrix decoded from JSON or built by hand need not be.
    static func saturatingSum(_ values: [Int]) -> Int {
        values.reduce(0) { total, value in
            let (sum, overflow) = total.addingReportingOverflow(max(0, value))
            return overflow ? Int.max : sum
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, branch, reference, tip, cells, warnings
        case isLocal = "local"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        branch = try container.decode(String.self, forKey: .branch)
        reference = try container.decode(String.self, forKey: .reference)
        isLocal = try container.decode(Bool.self, forKey: .isLocal)
        tip = try container.decode(String.self, forKey: .tip)
        cells = try container.decode([Cell].self, forKey: .cells)
        warnings = try container.decodeIfPresent([LearnerWarning].self, forKey: .warnings) ?? []
    }
}

/// What is known about one learner × lesson.
public struct Cell: Codable, Sendable, Equatable {
    /// The newest record of the lesson on the branch, if any.
    public var record: RecordedPass?
    /// The exercise file at the branch tip.
    public var file: ExerciseFile
    /// The verdict of grading that file again; nil when no regrade ran (or there was
    /// nothing to grade).
    public var regrade: RegradeVerdict?

    public init(record: RecordedPass?, file: ExerciseFile, regrade: RegradeVerdict? = nil) {
        self.record = record
        self.file = file
        self.regrade = regrade
    }

    /// The one state the cell is shown as.
    ///
    /// A recorded pass counts only with the lesson's exercise file behind it: at the
    /// branch tip, and in the recording commit. Without one (the file was deleted, or the
    /// record's commit held some other file) it is `missingFile`, never `passed`.
    public var state: CellState {
        if case .refused = file { return .refused }
        let claimsPass = record?.status == "pass"
        let unbacked = claimsPass && (file == .missing || record?.recordedFile == false)
        let holds = claimsPass && !unbacked && record?.isCurrent == true
        switch (holds, regrade) {
        case (true, nil), (true, .pass?): return .passed
        case (true, .fail?): return .failsNow
        case (true, .error?): return .error
        case (false, .pass?): return .passing
        case (false, .fail?): return unbacked ? .missingFile : record == nil ? .failing : .changed
        case (false, .error?): return .error
        case (false, nil): return unbacked ? .missingFile : record == nil ? .none : .changed
        }
    }

    enum CodingKeys: String, CodingKey {
        case record, file, regrade, state
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        record = try container.decodeIfPresent(RecordedPass.self, forKey: .record)
        file = try container.decode(ExerciseFile.self, forKey: .file)
        regrade = try container.decodeIfPresent(RegradeVerdict.self, forKey: .regrade)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record, forKey: .record)
        try container.encode(file, forKey: .file)
        try container.encode(regrade, forKey: .regrade)
        try container.encode(state, forKey: .state)
    }
}

/// What is known of one learner × lesson, as one state (views give each a glyph and a word).
public enum CellState: String, Codable, Sendable, CaseIterable {
    /// A recorded pass that holds at the tip (and grades as a pass, after a regrade).
    case passed
    /// A recorded pass that holds at the tip but no longer grades as a pass with the
    /// trusted checks: an edited check script, a changed course, or a forged record.
    case failsNow = "fails-now"
    /// A pass was recorded, but the committed file changed since (and, after a regrade,
    /// does not pass as it is now).
    case changed
    /// No current record, but the file at the tip grades as a pass (regrade only).
    case passing
    /// No record, and the file at the tip fails (regrade only).
    case failing
    /// The exercise path is a symlink, a directory, a submodule, a binary, too large or
    /// a corrupt object: not read, not graded.
    case refused
    /// A pass was recorded, but there is no exercise file behind it: none at the branch
    /// tip, or none in the commit that recorded it (a record naming another file).
    case missingFile = "missing-file"
    /// The regrade could not grade the file.
    case error
    /// Nothing recorded (and nothing at the tip to grade).
    case none

    /// States listed under the matrix, one line each.
    public var isProblem: Bool {
        self == .failsNow || self == .missingFile || self == .refused || self == .error
    }
}

/// A record from a branch's history, as the class view shows it.
public struct RecordedPass: Codable, Sendable, Equatable {
    /// The trailer's status (`pass`).
    public var status: String
    /// True while the branch tip still holds the recorded file unchanged.
    public var isCurrent: Bool
    /// True when the recording commit held the lesson's exercise file (whatever the
    /// record's `Asynclings-File` trailer says): a record without one vouches for nothing.
    public var recordedFile: Bool
    public var attempts: Int
    public var hints: Int
    public var checksPassed: Int
    public var checksTotal: Int
    /// The recording commit's time.
    public var date: Date?
    /// The recording commit.
    public var commit: String?

    public init(
        status: String, isCurrent: Bool, recordedFile: Bool = true, attempts: Int, hints: Int, checksPassed: Int,
        checksTotal: Int, date: Date?, commit: String?
    ) {
        self.status = status
        self.isCurrent = isCurrent
        self.recordedFile = recordedFile
        self.attempts = attempts
        self.hints = hints
        self.checksPassed = checksPassed
        self.checksTotal = checksTotal
        self.date = date
        self.commit = commit
    }

    enum CodingKeys: String, CodingKey {
        case status, attempts, hints, date, commit
        case isCurrent = "current"
        case recordedFile = "recorded_file"
        case checksPassed = "checks_passed"
        case checksTotal = "checks_total"
    }
}

/// The exercise path at a branch tip, classified without trusting it.
public enum ExerciseFile: Codable, Sendable, Equatable {
    /// A regular text file of `bytes` bytes, stored as `blob`.
    case regular(blob: String, bytes: Int)
    /// Nothing there.
    case missing
    /// There, but not read or graded: `reason` says what it is.
    case refused(reason: Refusal)

    /// Why an exercise path was not read.
    public enum Refusal: Codable, Sendable, Equatable {
        case symlink, directory, submodule, binary
        case tooLarge(bytes: Int)
        case corrupt

        /// In words, for the problem list and the hover text.
        public var description: String {
            switch self {
            case .symlink: "a symbolic link (not followed)"
            case .directory: "a directory"
            case .submodule: "a submodule"
            case .binary: "a binary file"
            case .tooLarge(let bytes): "\(bytes) bytes, too large to be an exercise (not read)"
            case .corrupt: "a truncated or corrupt git object"
            }
        }

        /// A short word for JSON and the cell.
        public var kind: String {
            switch self {
            case .symlink: "symlink"
            case .directory: "directory"
            case .submodule: "submodule"
            case .binary: "binary"
            case .tooLarge: "too-large"
            case .corrupt: "corrupt"
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case kind, blob, bytes, reason
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "regular":
            self = .regular(blob: try container.decode(String.self, forKey: .blob), bytes: try container.decode(Int.self, forKey: .bytes))
        case "missing":
            self = .missing
        case "symlink": self = .refused(reason: .symlink)
        case "directory": self = .refused(reason: .directory)
        case "submodule": self = .refused(reason: .submodule)
        case "binary": self = .refused(reason: .binary)
        case "too-large": self = .refused(reason: .tooLarge(bytes: try container.decode(Int.self, forKey: .bytes)))
        default: self = .refused(reason: .corrupt)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .regular(let blob, let bytes):
            try container.encode("regular", forKey: .kind)
            try container.encode(blob, forKey: .blob)
            try container.encode(bytes, forKey: .bytes)
        case .missing:
            try container.encode("missing", forKey: .kind)
        case .refused(let reason):
            try container.encode(reason.kind, forKey: .kind)
            try container.encode(reason.description, forKey: .reason)
            if case .tooLarge(let bytes) = reason { try container.encode(bytes, forKey: .bytes) }
        }
    }
}

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
