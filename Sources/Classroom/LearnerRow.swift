import Foundation

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
        case (false, .fail?): return unbacked ? .missingFile : record == nil ? .failing : .regressed
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
    /// A pass was recorded, but the committed file changed since (and no regrade ran).
    case changed
    /// A pass was recorded, the file changed since, and as it is now it fails the trusted
    /// checks (regrade only): the learner's work went backwards.
    case regressed
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
        self == .failsNow || self == .regressed || self == .missingFile || self == .refused || self == .error
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
