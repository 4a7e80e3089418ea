import Course
import Foundation
import Grading
import TestSupport
import Testing

/// A grader on the repository's interpreter (.venv when `make` made one) and the built harness.
func makeGrader() throws -> Grader {
    let interpreter = try PythonInterpreter.resolve(explicit: nil, courseRoot: Repository.root)
    return Grader(interpreter: interpreter, harness: try Harness.locate())
}

let repositoryCourse = Course.load(root: Repository.root)

@Suite("Grading the repository's lessons")
struct GradingLessons {
    /// `asynclings verify` for one lesson, in the sandbox: the starter fails, the solution
    /// and every right/ variant pass every check, every wrong/ variant fails its check.
    @Test(arguments: Repository.lessonIDs)
    func theLessonVerifies(id: String) throws {
        let lesson = try repositoryCourse.lesson(id)
        let verifier = Verifier(grader: try makeGrader(), course: repositoryCourse)
        defer { verifier.grader.stopServer() }
        #expect(verifier.grader.isolation.isSandboxed)
        let items = verifier.verify([lesson])
        for item in items where !item.ok {
            Issue.record("\(item.file): expected \(item.expected), \(item.actual)")
        }
        #expect(items.contains { $0.kind == .right })
    }

    @Test func aReportListsTheLeadingChecksFirst() throws {
        let lesson = try repositoryCourse.lesson("02-gather")
        let report = try makeGrader().grade(lesson, file: lesson.solution)
        #expect(report.checks.map(\.id).starts(with: ["compile", "run", "time-limit", "deadlock"]))
    }
}

/// How the grade's child is started: a fresh interpreter, or forked from a warm one.
enum Start: String, CaseIterable, Sendable {
    case cold, warm

    func grader() throws -> Grader {
        let grader = try makeGrader()
        return self == .warm ? grader.warmedUp(for: repositoryCourse.lessons) : grader
    }
}

@Suite("Bad input: a clear verdict, nothing lost", .scratchDirectory)
struct BadInput {
    let lesson = try! repositoryCourse.lesson("02-gather")

    func grade(_ source: String, lesson: Lesson? = nil, start: Start) throws -> GradeReport {
        let file = try Scratch.write(source, to: "exercise.py")
        let grader = try start.grader()
        if start == .warm { #expect(grader.isWarm) }
        defer { grader.stopServer() }
        return try grader.grade(lesson ?? self.lesson, file: file)
    }

    @Test(arguments: Start.allCases) func aSyntaxErrorFailsCompileWithLineAndCaret(start: Start) throws {
        let report = try grade("import asyncio\nasync def fetch_user(user_id)\n    pass\n", start: start)
        #expect(report.status == .fail)
        let compile = try #require(report.check(.compile))
        #expect(compile.status == .fail)
        #expect(compile.message.contains("line 2") && compile.message.contains("^"))
    }

    @Test func aMissingFileSaysHowToCreateIt() throws {
        #expect {
            try makeGrader().grade(lesson, file: Scratch.directory.appendingPathComponent("nope.py"))
        } throws: { error in
            guard case GradingError.fileMissing = error else { return false }
            return "\(error)".contains("asynclings start 02-gather")
        }
    }

    @Test func aDirectoryIsNotGraded() throws {
        #expect {
            try makeGrader().grade(lesson, file: Scratch.directory)
        } throws: { error in
            if case GradingError.notARegularFile(_, let kind) = error { return kind == "a directory" }
            return false
        }
    }

    @Test(arguments: Start.allCases) func nonUTF8OutputIsDecodedLossily(start: Start) throws {
        let report = try grade("import os\nos.write(1, b'\\xff\\xfe bad bytes')\nos.write(2, b'\\xc3\\x28')\nos._exit(3)\n", start: start)
        #expect(report.status == .fail)
        #expect(report.output?.contains("bad bytes") == true)
    }

    @Test(arguments: Start.allCases) func exitingEarlyIsNeverAPass(start: Start) throws {
        for source in ["import sys\nsys.exit(0)\n", "import os\nos._exit(0)\n"] {
            let report = try grade(source, start: start)
            #expect(report.status == .fail)
            #expect(report.check(.run)?.status == .fail)
        }
    }

    @Test(arguments: Start.allCases) func aFakeReportOnStdoutIsIgnored(start: Start) throws {
        let fake = #"{"lesson": "02-gather", "file": "x", "status": "pass", "checks": [], "seed": 0, "virtual_seconds": 0, "wall_seconds": 0}"#
        let report = try grade("print('\(fake)')\nimport os\ntry:\n    os.write(3, b'\(fake)')\nexcept OSError:\n    pass\n", start: start)
        #expect(report.status == .fail)
    }

    @Test(arguments: Start.allCases) func codeTheHarnessCannotInterruptIsKilledAtTheBudget(start: Start) throws {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory, budget: 1)
        let lesson = try Course.load(root: Scratch.directory).lesson("01-sample")
        // SIGALRM blocked: the harness cannot stop it, so the runner kills the whole group.
        let report = try grade("import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])\nwhile True:\n    pass\n", lesson: lesson, start: start)
        #expect(report.status == .fail)
        #expect(report.check(.timeLimit)?.status == .fail)
    }

    @Test(arguments: Start.allCases) func anInfiniteLoopFailsTheTimeLimitAtItsLine(start: Start) throws {
        try SampleLesson.write(id: "01-sample", in: Scratch.directory, budget: 1)
        let lesson = try Course.load(root: Scratch.directory).lesson("01-sample")
        let report = try grade("async def work():\n    while True:\n        pass\n", lesson: lesson, start: start)
        let check = try #require(report.check(.timeLimit))
        #expect(check.status == .fail)
        #expect(check.message.contains("line 2"))
    }
}

@Suite("Finding Python")
struct FindingPython {
    @Test func aMissingInterpreterIsAnEnvironmentError() {
        #expect {
            try PythonInterpreter.resolve(explicit: "/nonexistent/python3", courseRoot: nil)
        } throws: { error in
            (error as? GradingError)?.exitCode == 3
        }
    }

    @Test func noPythonOnPathSaysHowToGetOne() {
        #expect {
            try PythonInterpreter.resolve(explicit: nil, courseRoot: nil, environment: ["PATH": "/nonexistent"])
        } throws: { error in
            guard case GradingError.noPython = error else { return false }
            return "\(error)".contains("make deps") && (error as? GradingError)?.exitCode == 3
        }
    }

    @Test(.scratchDirectory) func theNamesTriedOnPathFollowTheTestedRange() throws {
        let bin = Scratch.directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("python3.12").path, withDestinationPath: Python.path)
        let three11 = PythonVersion(major: 3, minor: 11), three12 = PythonVersion(major: 3, minor: 12)
        let found = try PythonInterpreter.resolve(explicit: nil, courseRoot: nil, environment: ["PATH": bin.path], tested: three11...three12)
        #expect(found.version >= .minimumSupported)
        #expect {
            try PythonInterpreter.resolve(explicit: nil, courseRoot: nil, environment: ["PATH": bin.path], tested: three11...three11)
        } throws: { error in
            guard case GradingError.noPython(let tried) = error else { return false }
            return tried == ["python3", "python3.11"]
        }
    }

    @Test(.scratchDirectory) func anOldPythonIsRefusedWithTheVersion() throws {
        let fake = try Scratch.write("#!/bin/sh\necho /usr/bin/python3.9\necho 3 9\n", to: "python3.9")
        chmod(fake.path, 0o755)
        #expect {
            try PythonInterpreter.resolve(explicit: fake.path, courseRoot: nil)
        } throws: { error in
            guard case GradingError.pythonTooOld(_, let version, _) = error else { return false }
            return version == PythonVersion(major: 3, minor: 9)
        }
    }

    @Test func theVenvIsPreferredAndResolvedOnce() throws {
        let venv = Repository.root.appendingPathComponent(".venv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: venv), "run `make deps` first")
        let found = try PythonInterpreter.resolve(explicit: nil, courseRoot: Repository.root)
        #expect(found.path == venv)
        #expect(found.version >= .minimumSupported)
    }
}

@Suite("The report contract")
struct ReportContract {
    @Test func exitCodesFollowDesign() throws {
        func report(_ json: String) throws -> GradeReport {
            try JSONDecoder().decode(GradeReport.self, from: Data(json.utf8))
        }
        let base = #""lesson":"02-gather","file":"f.py","checks":[],"seed":0,"virtual_seconds":0,"wall_seconds":0"#
        #expect(try report("{\(base),\"status\":\"pass\"}").exitCode == 0)
        #expect(try report("{\(base),\"status\":\"fail\"}").exitCode == 1)
        #expect(try report("{\(base),\"status\":\"error\"}").exitCode == 2)
        #expect(try report("{\(base),\"status\":\"error\",\"environment\":true}").exitCode == 3)
    }

    @Test func theJSONKeepsDesignKeyOrder() throws {
        let json = GradeReport(lesson: "02-gather", file: "f.py", status: .pass, checks: [
            .init(id: "compile", status: .pass, message: "ok")
        ]).json()
        let keys = ["\"lesson\"", "\"file\"", "\"status\"", "\"checks\"", "\"seed\"", "\"virtual_seconds\"", "\"wall_seconds\""]
        let positions = keys.compactMap { json.range(of: $0)?.lowerBound }
        #expect(positions.count == keys.count)
        #expect(positions == positions.sorted())
        let decoded = try JSONDecoder().decode(GradeReport.self, from: Data(json.utf8))
        #expect(decoded.checks.first?.message == "ok")
    }
}

/// A course cloned into /tmp has its .venv there, where every confined grade mounts its
/// own scratch folder: the grade still runs sandboxed, from wherever the venv is shown.
@Suite("An interpreter under the scratch folder", .scratchDirectory)
struct InterpreterUnderScratch {
    @Test(arguments: Start.allCases) func aVenvInTmpStillGradesSandboxed(start: Start) throws {
        try #require(Scratch.directory.path.hasPrefix("/tmp/"))
        let base = try PythonInterpreter.resolve(explicit: nil, courseRoot: Repository.root)
        let venv = Scratch.directory.appendingPathComponent("venv")
        let made = Process()
        made.executableURL = URL(fileURLWithPath: base.path)
        made.arguments = ["-m", "venv", "--without-pip", venv.path]
        try made.run()
        made.waitUntilExit()
        try #require(made.terminationStatus == 0)
        let interpreter = try PythonInterpreter.resolve(explicit: venv.appendingPathComponent("bin/python").path, courseRoot: nil)
        try SampleLesson.write(id: "01-sample", in: Scratch.directory)
        let course = Course.load(root: Scratch.directory)
        let lesson = try course.lesson("01-sample")
        var grader = Grader(interpreter: interpreter, harness: try Harness.locate())
        #expect(grader.isolation.isSandboxed)
        if start == .warm {
            grader = grader.warmedUp(for: course.lessons)
            #expect(grader.isWarm)
        }
        defer { grader.stopServer() }
        let report = try grader.grade(lesson, file: lesson.solution)
        #expect(report.status == .pass, "\(report.json())")
    }
}
