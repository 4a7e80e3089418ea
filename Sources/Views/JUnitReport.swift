import Classroom
import Foundation
import Grading
import TerminalKit

/// Results as JUnit XML, the format every CI system reads (`--junit FILE` on `grade`,
/// `verify` and `class --regrade`): `testsuites` › `testsuite` (with `properties`) ›
/// `testcase`, each case passing or holding one `failure` (the code is wrong), `error`
/// (it could not be graded) or `skipped`.
///
/// - `grade`: one suite per lesson, one case per check.
/// - `verify`: one suite per lesson, one case per file graded or rule checked.
/// - `class --regrade`: one suite per learner, one case per lesson.
///
/// Everything a learner controls (branch names, check messages, printed output) is hostile:
/// control characters and bidi controls are spelled out as on the terminal
/// (``ANSI/sanitized(_:keepingLineBreaks:)``), characters XML cannot hold become U+FFFD,
/// and markup is escaped (``MarkupText``), never wrapped in CDATA, so `]]>` is only text.
public struct JUnitReport: Equatable, Sendable {
    public var name: String
    public var suites: [Suite]

    public struct Suite: Equatable, Sendable {
        public var name: String
        public var properties: [(name: String, value: String)]
        public var cases: [Case]
        /// Seconds, when known.
        public var time: Double?

        public init(name: String, properties: [(name: String, value: String)] = [], cases: [Case], time: Double? = nil) {
            self.name = name
            self.properties = properties
            self.cases = cases
            self.time = time
        }

        public static func == (a: Suite, b: Suite) -> Bool {
            a.name == b.name && a.cases == b.cases && a.time == b.time
                && a.properties.map(\.name) == b.properties.map(\.name) && a.properties.map(\.value) == b.properties.map(\.value)
        }
    }

    public struct Case: Equatable, Sendable {
        public var name: String
        public var classname: String
        public var outcome: Outcome

        public init(name: String, classname: String, outcome: Outcome) {
            self.name = name
            self.classname = classname
            self.outcome = outcome
        }
    }

    public enum Outcome: Equatable, Sendable {
        case pass
        /// The code was judged and found wrong: `type` is the check id or state, `message`
        /// one line, `detail` the full text.
        case failure(type: String, message: String, detail: String)
        /// It could not be judged (no interpreter, a grader error, a refused file).
        case error(type: String, message: String, detail: String)
        case skipped(message: String)
    }

    public init(name: String = "asynclings", suites: [Suite]) {
        self.name = name
        self.suites = suites
    }

    // MARK: - From the domain

    /// One grade: a case per check.
    public static func grade(_ report: GradeReport) -> JUnitReport {
        let checkCases = report.checks.map { check -> Case in
            let outcome: Outcome
            switch check.status {
            case .pass: outcome = .pass
            case .fail: outcome = .failure(type: check.id, message: firstLine(check.message), detail: check.message)
            case .error: outcome = .error(type: check.id, message: firstLine(check.message), detail: check.message)
            case .skip: outcome = .skipped(message: check.message)
            }
            return Case(name: check.id, classname: report.lesson, outcome: outcome)
        }
        var cases = checkCases
        if report.status == .error && !report.checks.contains(where: { $0.status == .error || $0.status == .fail }) {
            // An error whose checks do not say why still fails the suite, with what is known.
            let message = report.notes?.joined(separator: "\n") ?? "the grade ended in an error"
            cases.append(Case(name: "grade", classname: report.lesson, outcome: .error(type: "grade", message: firstLine(message), detail: message)))
        }
        let properties = [
            (name: "lesson", value: report.lesson), (name: "file", value: report.file), (name: "status", value: report.status.rawValue),
            (name: "seed", value: String(report.seed)), (name: "virtual_seconds", value: String(report.virtualSeconds)),
        ]
        return JUnitReport(suites: [Suite(name: report.lesson, properties: properties, cases: cases, time: report.wallSeconds)])
    }

    /// A command that could not produce any result (no interpreter, no such lesson): one
    /// erroring case, so CI shows why rather than a missing report.
    public static func failedToRun(_ suite: String, properties: [(name: String, value: String)] = [], message: String) -> JUnitReport {
        JUnitReport(suites: [
            Suite(
                name: suite, properties: properties,
                cases: [Case(name: "grade", classname: suite, outcome: .error(type: "environment", message: firstLine(message), detail: message))])
        ])
    }

    /// `verify`: a suite per lesson, a case per file or rule.
    public static func verify(_ items: [Verifier.Item], problems: [String] = []) -> JUnitReport {
        var order: [String] = []
        var byLesson: [String: [Case]] = [:]
        var seconds: [String: Double] = [:]
        for item in items {
            if byLesson[item.lesson] == nil { order.append(item.lesson) }
            let message = "expected \(item.expected), got \(item.actual)"
            let outcome: Outcome =
                item.ok ? .pass
                : item.couldNotGrade ? .error(type: item.kind.rawValue, message: firstLine(message), detail: message)
                : .failure(type: item.kind.rawValue, message: firstLine(message), detail: message)
            let name = item.kind == .lesson ? "\(item.kind.rawValue): \(item.expected)" : "\(item.kind.rawValue): \(item.file)"
            byLesson[item.lesson, default: []].append(Case(name: name, classname: item.lesson, outcome: outcome))
            seconds[item.lesson, default: 0] += item.wallSeconds
        }
        var suites = order.map { lesson in
            Suite(name: lesson, properties: [(name: "lesson", value: lesson)], cases: byLesson[lesson] ?? [], time: seconds[lesson])
        }
        if !problems.isEmpty {
            suites.append(
                Suite(
                    name: "course",
                    cases: problems.map { Case(name: $0, classname: "course", outcome: .failure(type: "course", message: firstLine($0), detail: $0)) }))
        }
        return JUnitReport(suites: suites)
    }

    /// `class --regrade`: a suite per learner, a case per lesson.
    public static func regrade(_ matrix: ClassMatrix) -> JUnitReport {
        let suites = matrix.learners.map { learner -> Suite in
            let cases = zip(matrix.lessons, learner.cells).map { lesson, cell -> Case in
                let explanation = MatrixRenderer.explain(cell)
                let outcome: Outcome
                switch cell.state {
                case .passed, .passing: outcome = .pass
                case .failsNow, .regressed, .failing, .missingFile:
                    outcome = .failure(type: cell.state.rawValue, message: firstLine(explanation), detail: explanation)
                case .error, .refused: outcome = .error(type: cell.state.rawValue, message: firstLine(explanation), detail: explanation)
                case .changed, .none: outcome = .skipped(message: cell.state.meaning)
                }
                return Case(name: lesson.id, classname: learner.name, outcome: outcome)
            }
            var properties = [(name: "learner", value: learner.name), (name: "branch", value: learner.branch), (name: "tip", value: learner.tip)]
            if let regrade = matrix.regrade {
                properties += [(name: "course_ref", value: regrade.courseRef), (name: "course_commit", value: regrade.courseCommit)]
            }
            properties += learner.warnings.map { (name: "warning", value: $0.description) }
            return Suite(name: learner.name, properties: properties, cases: cases)
        }
        return JUnitReport(name: "asynclings class", suites: suites)
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }

    // MARK: - XML

    public func xml() -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites\(attributes(("name", name), ("tests", "\(count { _ in true })"), ("failures", "\(count(\.isFailure))"), ("errors", "\(count(\.isError))"), ("skipped", "\(count(\.isSkipped))")))>\n"
        for suite in suites {
            var attributes: [(String, String)] = [
                ("name", suite.name), ("tests", "\(suite.cases.count)"), ("failures", "\(suite.cases.filter(\.outcome.isFailure).count)"),
                ("errors", "\(suite.cases.filter(\.outcome.isError).count)"), ("skipped", "\(suite.cases.filter(\.outcome.isSkipped).count)"),
            ]
            if let time = suite.time { attributes.append(("time", String(format: "%.3f", max(0, time)))) }
            xml += "  <testsuite\(self.attributes(attributes))>\n"
            if !suite.properties.isEmpty {
                xml += "    <properties>\n"
                for property in suite.properties {
                    xml += "      <property\(self.attributes(("name", property.name), ("value", property.value)))/>\n"
                }
                xml += "    </properties>\n"
            }
            for testcase in suite.cases {
                let opening = "    <testcase\(self.attributes(("name", testcase.name), ("classname", testcase.classname)))"
                switch testcase.outcome {
                case .pass:
                    xml += opening + "/>\n"
                case .failure(let type, let message, let detail), .error(let type, let message, let detail):
                    let element = testcase.outcome.isFailure ? "failure" : "error"
                    xml += opening + ">\n      <\(element)\(self.attributes(("message", message), ("type", type)))>"
                    xml += MarkupText.escaped(detail, keepingLineBreaks: true) + "</\(element)>\n    </testcase>\n"
                case .skipped(let message):
                    xml += opening + ">\n      <skipped\(self.attributes(("message", message)))/>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    private func count(_ matching: (Outcome) -> Bool) -> Int {
        suites.reduce(0) { $0 + $1.cases.filter { matching($0.outcome) }.count }
    }

    private func attributes(_ pairs: (String, String)...) -> String {
        attributes(pairs)
    }

    private func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(MarkupText.escaped($0.1))\"" }.joined()
    }

}

extension JUnitReport.Outcome {
    var isFailure: Bool { if case .failure = self { true } else { false } }
    var isError: Bool { if case .error = self { true } else { false } }
    var isSkipped: Bool { if case .skipped = self { true } else { false } }
}
