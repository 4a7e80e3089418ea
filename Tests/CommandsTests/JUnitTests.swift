import Classroom
import Foundation
import Grading
import TestSupport
import Testing
import Views

/// `--junit FILE` on `grade`, `verify` and `class --regrade`: JUnit XML that a strict XML
/// parser reads, that the schema in docs/ci/junit.xsd accepts, and whose counts add up.
@Suite("JUnit reports", .scratchDirectory)
struct JUnitTests {
    /// Parses a report with expat (which refuses ill-formed XML and characters XML cannot
    /// hold), validates it against the schema when `xmlschema` is installed (`make
    /// dev-tools`), checks that every count matches its cases, and prints it as JSON.
    static let reader = #"""
        import json, sys, xml.etree.ElementTree as ET

        path, xsd = sys.argv[1], sys.argv[2]
        root = ET.parse(path).getroot()
        try:
            import xmlschema
        except ImportError:
            schema = None
        else:
            errors = [str(e.reason) for e in xmlschema.XMLSchema(xsd).iter_errors(path)]
            schema = errors

        def outcome(case):
            return case[0].tag if len(case) else "pass"

        consistent = True
        suites = []
        for suite in root.findall("testsuite"):
            cases = suite.findall("testcase")
            for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
                if int(suite.get(key, "0")) != sum(outcome(c) == tag for c in cases):
                    consistent = False
            if int(suite.get("tests")) != len(cases):
                consistent = False
            suites.append({
                "name": suite.get("name"),
                "properties": {p.get("name"): p.get("value") for p in suite.iter("property")},
                "cases": [{
                    "name": c.get("name"), "classname": c.get("classname"), "outcome": outcome(c),
                    "message": c[0].get("message") if len(c) else None,
                    "type": c[0].get("type") if len(c) else None,
                    "text": c[0].text if len(c) else None,
                } for c in cases],
            })
        total = sum(len(s["cases"]) for s in suites)
        consistent = consistent and int(root.get("tests")) == total and root.tag == "testsuites"
        print(json.dumps({"schema": schema, "consistent": consistent, "suites": suites}))
        """#

    struct Report {
        let schemaErrors: [String]?
        let consistent: Bool
        let suites: [[String: Any]]

        func cases(_ suite: String) -> [String: [String: Any]] {
            let found = suites.first { $0["name"] as? String == suite }
            let cases = (found?["cases"] as? [[String: Any]]) ?? []
            return Dictionary(cases.map { ($0["name"] as? String ?? "", $0) }) { first, _ in first }
        }
    }

    static func read(_ file: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> Report {
        let script = try Scratch.write(reader, to: "read-junit.py")
        let schema = Repository.root.appendingPathComponent("docs/ci/junit.xsd")
        let result = try Shell.run([Python.path, script.path, file.path, schema.path])
        try #require(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let report = Report(
            schemaErrors: object["schema"] as? [String], consistent: object["consistent"] as? Bool == true,
            suites: object["suites"] as? [[String: Any]] ?? [])
        #expect(report.consistent, "counts do not match the cases", sourceLocation: sourceLocation)
        if let errors = report.schemaErrors { #expect(errors.isEmpty, "\(errors)", sourceLocation: sourceLocation) }
        return report
    }

    static var schemaValidatorInstalled: Bool {
        (try? Shell.run([Python.path, "-c", "import xmlschema"]).status) == 0
    }

    @Test func aFailingGradeIsAFailurePerFailingCheck() throws {
        let course = try ScratchCourse.write(in: Scratch.directory.appendingPathComponent("course"))
        let junit = Scratch.directory.appendingPathComponent("grade.xml")
        try Scratch.write(SampleLesson.starter, to: "starter.py")
        let ran = asynclings(
            ["grade", "01", Scratch.directory.appendingPathComponent("starter.py").path, "--course", course.path,
             "--python", Python.path, "--junit", junit.path])
        #expect(ran.status == 1, "\(ran.stderr)")
        let report = try Self.read(junit)
        let cases = report.cases("01-alpha")
        #expect(cases["compile"]?["outcome"] as? String == "pass")
        let failing = cases.values.filter { $0["outcome"] as? String == "failure" }
        #expect(!failing.isEmpty)
        #expect(failing.allSatisfy { ($0["message"] as? String)?.isEmpty == false && $0["type"] as? String == $0["name"] as? String })
        let properties = report.suites.first?["properties"] as? [String: String]
        #expect(properties?["lesson"] == "01-alpha")
        #expect(properties?["status"] == "fail")

        let passing = Scratch.directory.appendingPathComponent("solution.py")
        try ScratchCourse.solution().write(to: passing, atomically: true, encoding: .utf8)
        #expect(asynclings(["grade", "01", passing.path, "--course", course.path, "--python", Python.path, "--junit", junit.path]).status == 0)
        #expect(try Self.read(junit).cases("01-alpha").values.allSatisfy { ["pass", "skipped"].contains($0["outcome"] as? String) })
    }

    @Test func aGradeThatCannotRunIsAnErrorSayingWhy() throws {
        let course = try ScratchCourse.write(in: Scratch.directory.appendingPathComponent("course"))
        let junit = Scratch.directory.appendingPathComponent("grade.xml")
        let ran = asynclings(["grade", "01", "--course", course.path, "--python", "/no/such/python", "--junit", junit.path])
        #expect(ran.status == 3)
        let report = try Self.read(junit)
        let only = try #require(report.cases("01").values.first)
        #expect(only["outcome"] as? String == "error")
        #expect((only["text"] as? String)?.contains("/no/such/python") == true)
    }

    @Test func theFileIsReplacedInOnePiece() throws {
        let course = try ScratchCourse.write(in: Scratch.directory.appendingPathComponent("course"))
        let junit = Scratch.directory.appendingPathComponent("grade.xml")
        let file = try Scratch.write(ScratchCourse.solution(), to: "solution.py").path
        try "an older report".write(to: junit, atomically: false, encoding: .utf8)
        let before = try #require(try FileManager.default.attributesOfItem(atPath: junit.path)[.systemFileNumber] as? UInt64)
        #expect(asynclings(["grade", "01", file, "--course", course.path, "--python", Python.path, "--junit", junit.path]).status == 0)
        let after = try #require(try FileManager.default.attributesOfItem(atPath: junit.path)[.systemFileNumber] as? UInt64)
        // A new file renamed over the old one: a reader sees the old report or the new, never half.
        #expect(before != after)
        #expect(try Self.read(junit).suites.count == 1)

        let nowhere = asynclings(["grade", "01", file, "--course", course.path, "--python", Python.path, "--junit", "/no/such/folder/r.xml"])
        #expect(nowhere.status == 3)
        #expect(nowhere.stderr.contains("could not write /no/such/folder/r.xml"))
    }

    /// Branch names, check messages and output come from learners: nothing in them can
    /// break the XML, add a test case or smuggle in a terminal escape.
    @Test func hostileTextStaysText() throws {
        let hostile = "a\u{0}b\u{1}\u{1B}[2J]]></failure><testcase name=\"forged\" classname=\"x\"/><![CDATA[\u{FFFE}\u{FFFF}\u{202E}&amp;'\r\n\t"
        let report = JUnitReport(suites: [
            JUnitReport.Suite(
                name: hostile, properties: [(name: "learner", value: hostile)],
                cases: [
                    .init(name: hostile, classname: hostile, outcome: .failure(type: hostile, message: hostile, detail: hostile)),
                    .init(name: "b", classname: hostile, outcome: .error(type: "e", message: hostile, detail: hostile)),
                    .init(name: "c", classname: hostile, outcome: .skipped(message: hostile)),
                ])
        ])
        let file = Scratch.directory.appendingPathComponent("hostile.xml")
        try report.xml().write(to: file, atomically: true, encoding: .utf8)
        let read = try Self.read(file)
        #expect(read.suites.count == 1)
        let cases = try #require(read.suites.first?["cases"] as? [[String: Any]])
        #expect(cases.count == 3)
        let message = try #require(cases.first?["message"] as? String)
        #expect(message.contains("]]></failure><testcase name=\"forged\""))
        #expect(message.contains("\\x1b[2J"))
        #expect(message.contains("\\x00") && message.contains("\\u202e"))
        #expect(!message.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0 == "\u{FFFE}" || $0 == "\u{FFFF}" || $0 == "\u{202E}" })
    }

    @Test(.enabled(if: schemaValidatorInstalled, "needs xmlschema (make dev-tools)"))
    func theSchemaRefusesWhatIsNotJUnit() throws {
        let file = try Scratch.write(
            "<testsuites tests=\"1\" failures=\"0\" errors=\"0\"><testsuite name=\"x\" tests=\"1\" failures=\"0\" errors=\"0\"><testcase name=\"a\"/></testsuite></testsuites>",
            to: "bad.xml")
        let script = try Scratch.write(Self.reader, to: "read-junit.py")
        let result = try Shell.run([Python.path, script.path, file.path, Repository.root.appendingPathComponent("docs/ci/junit.xsd").path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["schema"] as? [String])?.isEmpty == false)  // a testcase without classname
    }

    @Test func verifyWritesASuitePerLesson() throws {
        let course = try ScratchCourse.write(in: Scratch.directory.appendingPathComponent("course"))
        let junit = Scratch.directory.appendingPathComponent("verify.xml")
        let ran = asynclings(["verify", "--course", course.path, "--python", Python.path, "--junit", junit.path])
        let report = try Self.read(junit)
        #expect(report.suites.compactMap { $0["name"] as? String }.filter { $0 != "course" } == ScratchCourse.lessons)
        let solution = try #require(report.cases("01-alpha")["solution: lessons/01-alpha/solution.py"])
        #expect(solution["outcome"] as? String == "pass")
        // The sample lessons have too few variants and hints for the course's rules: failures.
        let failed = report.suites.flatMap { ($0["cases"] as? [[String: Any]]) ?? [] }.contains { $0["outcome"] as? String == "failure" }
        #expect(failed == (ran.status == 1))
    }

    @Test func aRegradeIsASuitePerLearnerAndACasePerLesson() throws {
        let room = try Room(in: Scratch.directory)
        try room.learnerWhoPassed("ada", source: ScratchCourse.solution("ada"))
        let bob = try room.learnerWhoPassed("bob", source: ScratchCourse.solution("bob"))
        // Bob breaks his file after the pass and pushes it: a regression.
        try ScratchCourse.exercise("01-alpha", SampleLesson.starter, in: bob)
        try Git.run(["commit", "-qam", "oops"], in: bob)
        try Git.run(["push", "-q"], in: bob)

        let teacher = try room.clone("teacher")
        let junit = teacher.appendingPathComponent("class.xml")
        #expect(asynclings(["class", "--junit", junit.path], in: teacher).status == 2)
        let ran = asynclings(["class", "--regrade", "--python", Python.path, "--junit", junit.path], in: teacher)
        #expect(ran.stdout.contains("~✗ bob · 01-alpha"), "\(ran.stdout)")
        let report = try Self.read(junit)
        #expect(report.cases("ada")["01-alpha"]?["outcome"] as? String == "pass")
        #expect(report.cases("ada")["02-beta"]?["outcome"] as? String == "skipped")
        let regressed = try #require(report.cases("bob")["01-alpha"])
        #expect(regressed["outcome"] as? String == "failure")
        #expect(regressed["type"] as? String == "regressed")
        let properties = report.suites.first { $0["name"] as? String == "bob" }?["properties"] as? [String: String]
        #expect(properties?["learner"] == "bob")
        #expect(properties?["course_ref"] == "origin/main")
    }
}
