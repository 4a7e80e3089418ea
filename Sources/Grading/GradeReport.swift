import Course
import Foundation

/// The one JSON object `asynclings grade --json` prints (docs/DESIGN.md), decoded from the harness.
public struct GradeReport: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case pass, fail, error
    }

    public struct Check: Codable, Sendable, Equatable {
        public enum Status: String, Codable, Sendable {
            case pass, fail, skip, error
        }

        public var id: String
        public var status: Status
        public var message: String

        public init(id: String, status: Status, message: String) {
            self.id = id
            self.status = status
            self.message = message
        }

        public var checkID: CheckID? { CheckID(rawValue: id) }
    }

    /// A bar of the timeline: a task's life or one call of a grader fake, in virtual seconds.
    public struct Span: Codable, Sendable, Equatable {
        public var kind: String
        public var label: String
        public var start: Double
        public var end: Double?
        public var task: String?

        public init(kind: String, label: String, start: Double, end: Double?, task: String? = nil) {
            self.kind = kind
            self.label = label
            self.start = start
            self.end = end
            self.task = task
        }
    }

    public struct Timeline: Codable, Sendable, Equatable {
        public var scenario: String
        public var spans: [Span]

        public init(scenario: String, spans: [Span]) {
            self.scenario = scenario
            self.spans = spans
        }
    }

    public var lesson: String
    public var file: String
    public var status: Status
    public var checks: [Check]
    public var seed: Int
    public var virtualSeconds: Double
    public var wallSeconds: Double
    public var python: String?
    public var notes: [String]?
    public var timeline: Timeline?
    /// What the learner's code printed (the head of it).
    public var output: String?
    /// The child's stderr when it matters (a crash), head only.
    public var stderr: String?
    /// Set when the interpreter, not the lesson or the learner, is at fault (a package the
    /// lesson needs is missing): the grade exits 3 like any other environment error.
    public var environment: Bool?

    enum CodingKeys: String, CodingKey {
        case lesson, file, status, checks, seed, python, notes, timeline, output, stderr, environment
        case virtualSeconds = "virtual_seconds"
        case wallSeconds = "wall_seconds"
    }

    public init(
        lesson: String, file: String, status: Status, checks: [Check], seed: Int = 0,
        virtualSeconds: Double = 0, wallSeconds: Double = 0
    ) {
        self.lesson = lesson
        self.file = file
        self.status = status
        self.checks = checks
        self.seed = seed
        self.virtualSeconds = virtualSeconds
        self.wallSeconds = wallSeconds
    }

    /// A grade that could not mean anything on this machine (the interpreter is at fault, not
    /// the lesson or the learner): an error in `run` saying why, exit status 3.
    public static func environmentError(_ message: String, lesson: String, file: String, seed: Int = 0) -> GradeReport {
        var report = GradeReport(
            lesson: lesson, file: file, status: .error,
            checks: [Check(id: CheckID.run.rawValue, status: .error, message: message)], seed: seed)
        report.environment = true
        return report
    }

    public func check(_ id: CheckID) -> Check? { checks.first { $0.id == id.rawValue } }

    public var passedCount: Int { checks.filter { $0.status == .pass }.count }
    public var failedChecks: [Check] { checks.filter { $0.status == .fail || $0.status == .error } }

    /// Exit status of `asynclings grade`: 0 pass, 1 fail, 2 course error, 3 environment error.
    public var exitCode: Int32 {
        switch status {
        case .pass: 0
        case .fail: 1
        case .error: environment == true ? 3 : 2
        }
    }

    /// The report as one JSON object, keys in the order docs/DESIGN.md lists them
    /// (Foundation's encoder does not keep key order, so the top level is written by hand).
    public func json() -> String {
        var fields: [(String, String)] = [
            ("lesson", Self.encoded(lesson)),
            ("file", Self.encoded(file)),
            ("status", Self.encoded(status.rawValue)),
            ("checks", "[" + checks.map { check in
                Self.object([("id", Self.encoded(check.id)), ("status", Self.encoded(check.status.rawValue)),
                             ("message", Self.encoded(check.message))])
            }.joined(separator: ",") + "]"),
            ("seed", String(seed)),
            ("virtual_seconds", Self.encoded(virtualSeconds)),
            ("wall_seconds", Self.encoded(wallSeconds)),
        ]
        if let python { fields.append(("python", Self.encoded(python))) }
        if let notes { fields.append(("notes", Self.encoded(notes))) }
        if let timeline { fields.append(("timeline", Self.encoded(timeline))) }
        if let output { fields.append(("output", Self.encoded(output))) }
        if let stderr { fields.append(("stderr", Self.encoded(stderr))) }
        if let environment { fields.append(("environment", Self.encoded(environment))) }
        return Self.object(fields)
    }

    private static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(encoded($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    private static func encoded(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
