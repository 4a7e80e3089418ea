import Foundation
import TestSupport
import Testing

import Glibc

/// The learner's git commands on scratch repositories, inspected with the git command line.
@Suite("asynclings init", .scratchDirectory)
struct InitCommand {
    var course: URL { Scratch.directory.appendingPathComponent("course") }

    @Test func outsideARepositoryCreatesOneWithTheCourseOnMain() throws {
        try ScratchCourse.write(in: course)
        try Scratch.write("not for git\n", to: ".venv/bin/python", in: course)
        let run = asynclings(["init"], in: course)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("committed the course on main"))
        #expect(try Git.run(["symbolic-ref", "--short", "HEAD"], in: course) == "main\n")
        #expect(try Git.run(["log", "--format=%s"], in: course) == "asynclings: the course\n")
        let files = try Git.run(["ls-files"], in: course)
        #expect(files.contains("lessons/01-alpha/check.py"))
        #expect(!files.contains(".venv"))
        #expect(try Git.run(["status", "--porcelain"], in: course).isEmpty)
    }

    @Test func outsideARepositoryWithANameAlsoSwitchesToTheLearnerBranch() throws {
        try ScratchCourse.write(in: course)
        let run = asynclings(["init", "--learner", "ada"], in: course)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Git.run(["symbolic-ref", "--short", "HEAD"], in: course) == "learner/ada\n")
        #expect(try Git.run(["rev-parse", "main"], in: course) == (try Git.run(["rev-parse", "HEAD"], in: course)))
        // Without a remote it says how to add one rather than pretending `git push` works.
        #expect(run.stdout.contains("git remote add"))
    }

    @Test func insideARepositoryItOnlyExplains() throws {
        try ScratchCourse.write(in: course)
        try Git.initialise(course)
        try Git.run(["add", "-A"], in: course)
        try Git.run(["commit", "-qm", "course"], in: course)
        try Scratch.write("staged\n", to: "notes.txt", in: course)
        try Git.run(["add", "notes.txt"], in: course)
        let before = try Git.run(["status", "--porcelain=v2", "--branch"], in: course)
        let run = asynclings(["init"], in: course)
        #expect(run.status == 0)
        #expect(run.stdout.contains("Nothing was changed"))
        #expect(run.stdout.contains("asynclings init --learner NAME"))
        #expect(try Git.run(["status", "--porcelain=v2", "--branch"], in: course) == before)
    }

    @Test func aLearnerAfterCloningGetsTheirBranchAndKeepsEveryChange() throws {
        let room = try Room(in: Scratch.directory)
        let clone = try room.clone("ada")
        // Work already in the folder: staged, unstaged and untracked.
        try Scratch.write("staged\n", to: "notes.txt", in: clone)
        try Git.run(["add", "notes.txt"], in: clone)
        try Scratch.write("edited\n", to: "lessons/01-alpha/lesson.md", in: clone)
        try ScratchCourse.exercise("01-alpha", "untracked\n", in: clone)
        let before = try Git.run(["status", "--porcelain"], in: clone)
        let diff = try Git.run(["diff"], in: clone) + (try Git.run(["diff", "--cached"], in: clone))

        let run = asynclings(["init", "--learner", "team-a/zoë"], in: clone)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Git.run(["symbolic-ref", "--short", "HEAD"], in: clone) == "learner/team-a/zoë\n")
        #expect(try Git.run(["status", "--porcelain"], in: clone) == before)
        #expect(try Git.run(["diff"], in: clone) + (try Git.run(["diff", "--cached"], in: clone)) == diff)
        #expect(run.stdout.contains("origin/learner/team-a/zoë"))

        // A plain `git push` publishes the branch.
        try Git.run(["push", "-q"], in: clone)
        #expect(try Git.run(["branch", "--list"], in: room.bare).contains("learner/team-a/zoë"))

        // Running it again is harmless.
        let again = asynclings(["init", "--learner", "team-a/zoë"], in: clone)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already on learner/team-a/zoë"))
    }

    @Test func aLearnerWhoClonesAgainGetsTheirPushedBranchBack() throws {
        let room = try Room(in: Scratch.directory)
        let first = try room.clone("first")
        #expect(asynclings(["init", "--learner", "ada"], in: first).status == 0)
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: first)
        #expect(asynclings(["check", "01", "--python", Python.path], in: first).status == 0)
        try Git.run(["push", "-q"], in: first)

        let second = try room.clone("second")
        let run = asynclings(["init", "--learner", "ada"], in: second)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("restored from origin/learner/ada"))
        #expect(try Git.run(["rev-parse", "HEAD"], in: second) == (try Git.run(["rev-parse", "HEAD"], in: first)))
        #expect(FileManager.default.fileExists(atPath: second.appendingPathComponent("exercises/01-alpha.py").path))
    }

    @Test func aBareRepositoryIsExplainedAndRefusesALearnerBranch() throws {
        try Git.initialise(course, bare: true)
        try ScratchCourse.write(in: course)
        let explained = asynclings(["init"], in: course)
        #expect(explained.status == 0)
        #expect(explained.stdout.contains("bare"))
        let refused = asynclings(["init", "--learner", "ada"], in: course)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("bare repository"))
    }

    @Test(arguments: ["", "bad..name", "a b", "ends.lock"])
    func anInvalidNameIsAUsageError(name: String) throws {
        try ScratchCourse.write(in: course)
        let run = asynclings(["init", "--learner", name], in: course)
        #expect(run.status == 2)
        #expect(run.stderr.contains("not a valid branch name"))
        #expect(!FileManager.default.fileExists(atPath: course.appendingPathComponent(".git").path))
    }

    @Test func outsideACourseIsAUsageError() throws {
        let run = asynclings(["init"], in: Scratch.directory)
        #expect(run.status == 2)
        #expect(run.stderr.contains("no course found"))
    }
}

@Suite("asynclings check", .scratchDirectory)
struct CheckCommand {
    var course: URL { Scratch.directory.appendingPathComponent("course") }

    /// The scratch course committed on `main` by `asynclings init`, on `learner/ada`.
    @discardableResult
    func learnerRepository() throws -> URL {
        try ScratchCourse.write(in: course)
        #expect(asynclings(["init", "--learner", "ada"], in: course).status == 0)
        try Git.identify(course)
        return course
    }

    func check(_ arguments: String..., in directory: URL? = nil) -> Ran {
        asynclings(["check"] + arguments + ["--python", Python.path], in: directory ?? course)
    }

    @Test func outsideARepositoryItGradesAndSaysWhyNothingWasRecorded() throws {
        try ScratchCourse.write(in: course)
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        let run = check("01")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("PASS"))
        #expect(run.stdout.contains("Not recorded: not in a git repository"))
        #expect(!FileManager.default.fileExists(atPath: course.appendingPathComponent(".git").path))
    }

    @Test func onAnUnbornBranchTheFirstPassCreatesTheRootCommit() throws {
        try ScratchCourse.write(in: course)
        try Git.initialise(course, branch: "learner/ada")
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        let run = check("01")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Recorded the pass of 01-alpha on learner/ada"))
        #expect(try Git.run(["rev-list", "--count", "learner/ada"], in: course) == "1\n")
        #expect(try Git.run(["ls-tree", "-r", "--name-only", "learner/ada"], in: course) == "exercises/01-alpha.py\n")
        // Everything else is still untracked, as before.
        #expect(try Git.run(["status", "--porcelain"], in: course).contains("?? lessons/"))
    }

    @Test func onADetachedHeadItGradesButDoesNotRecord() throws {
        try learnerRepository()
        try Git.run(["checkout", "-q", "--detach"], in: course)
        let head = try Git.run(["rev-parse", "HEAD"], in: course)
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        let run = check("01")
        #expect(run.status == 0)
        #expect(run.stdout.contains("Not recorded: HEAD is detached"))
        #expect(try Git.run(["rev-parse", "HEAD"], in: course) == head)
        #expect(try Git.run(["rev-parse", "learner/ada"], in: course) == head)
        // What the guide tells a learner in this state: `init` puts them back on their branch.
        let back = asynclings(["init", "--learner", "ada"], in: course)
        #expect(back.stdout.contains("Switched to your existing branch learner/ada"))
        #expect(check("01").stdout.contains("Recorded the pass of 01-alpha on learner/ada"))
    }

    @Test func inABareRepositoryItGradesButDoesNotRecord() throws {
        try Git.initialise(course, bare: true)
        try ScratchCourse.write(in: course)
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        let run = check("01")
        #expect(run.status == 0)
        #expect(run.stdout.contains("Not recorded: the repository is bare"))
        #expect(try Git.run(["rev-list", "--all", "--count"], in: course) == "0\n")
    }

    @Test func anUntrackedExerciseFileIsRecordedAndThenClean() throws {
        try learnerRepository()
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        #expect(try Git.run(["status", "--porcelain"], in: course) == "?? exercises/\n")
        let run = check("01")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Git.run(["status", "--porcelain"], in: course).isEmpty)
        #expect(try Git.run(["show", "HEAD:exercises/01-alpha.py"], in: course) == ScratchCourse.solution())
        let message = try Git.run(["log", "-1", "--format=%B"], in: course)
        #expect(message.hasPrefix("asynclings: pass 01-alpha\n\n"))
        for trailer in ["Asynclings-Lesson: 01-alpha", "Asynclings-Status: pass", "Asynclings-Checks: ", "Asynclings-Attempts: 1", "Asynclings-Hints: 0"] {
            #expect(message.contains(trailer))
        }
    }

    @Test func otherFilesStagedAndModifiedStayExactlyAsTheyWere() throws {
        try learnerRepository()
        try Scratch.write("one\n", to: "notes.txt", in: course)
        try Scratch.write("tracked\n", to: "exercises/02-beta.py", in: course)
        try Git.run(["add", "notes.txt", "exercises/02-beta.py"], in: course)
        try Git.run(["commit", "-qm", "notes"], in: course)
        // notes.txt: one change staged, another on top unstaged; a new file staged;
        // the next lesson's file modified but not staged; an untracked file.
        try Scratch.write("one\nstaged\n", to: "notes.txt", in: course)
        try Git.run(["add", "notes.txt"], in: course)
        try Scratch.write("one\nstaged\nunstaged\n", to: "notes.txt", in: course)
        try Scratch.write("new\n", to: "new.txt", in: course)
        try Git.run(["add", "new.txt"], in: course)
        try Scratch.write("tracked\nedited\n", to: "exercises/02-beta.py", in: course)
        try Scratch.write("scratch\n", to: "untracked.txt", in: course)
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)

        func state() throws -> [String] {
            [
                try Git.run(["diff"], in: course), try Git.run(["diff", "--cached"], in: course),
                try Git.run(["status", "--porcelain"], in: course).split(separator: "\n").filter { !$0.contains("01-alpha") }.joined(separator: "\n"),
                try String(contentsOf: course.appendingPathComponent("notes.txt"), encoding: .utf8),
                try String(contentsOf: course.appendingPathComponent("new.txt"), encoding: .utf8),
                try String(contentsOf: course.appendingPathComponent("exercises/02-beta.py"), encoding: .utf8),
                try String(contentsOf: course.appendingPathComponent("untracked.txt"), encoding: .utf8),
            ]
        }
        let before = try state()
        let run = check("01")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Recorded"))
        #expect(try state() == before)
        #expect(try Git.run(["show", "--name-only", "--format=", "HEAD"], in: course) == "exercises/01-alpha.py\n")
        #expect(try Git.run(["fsck", "--no-dangling"], in: course).isEmpty)
    }

    @Test func aFailedGradeCountsAnAttemptThatThePassCarries() throws {
        try learnerRepository()
        try ScratchCourse.exercise("01-alpha", SampleLesson.starter, in: course)
        let failed = check("01")
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("Attempt 1 counted"))
        #expect(try Git.run(["rev-list", "--count", "HEAD"], in: course) == "1\n")
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        let passed = check("01")
        #expect(passed.status == 0)
        #expect(try Git.run(["log", "-1", "--format=%(trailers:key=Asynclings-Attempts,valueonly)"], in: course).trimmed == "2")
    }

    @Test func withoutALessonItChecksTheFirstUnfinishedOne() throws {
        try learnerRepository()
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        #expect(check().stdout.contains("01-alpha"))
        try ScratchCourse.exercise("02-beta", ScratchCourse.solution(), in: course)
        let second = check()
        #expect(second.stdout.contains("Recorded the pass of 02-beta"))
    }

    @Test func withoutALessonAnUnsandboxedGraderIsSaidOnce() throws {
        try learnerRepository()
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        let run = asynclings(["check", "--python", Python.path], in: course, graders: .unsandboxed)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Recorded the pass of 01-alpha"))
        #expect(run.stderr.components(separatedBy: "NOT sandboxed: a test says so").count == 2, "\(run.stderr)")
    }

    @Test func jsonIsOneObjectWithTheRecording() throws {
        try learnerRepository()
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        let run = check("01", "--json")
        #expect(run.status == 0)
        let object = try #require(run.json)
        #expect(object["lesson"] as? String == "01-alpha")
        #expect(object["status"] as? String == "pass")
        let recording = try #require(object["recording"] as? [String: Any])
        #expect(recording["status"] as? String == "recorded")
        #expect(recording["branch"] as? String == "learner/ada")
        #expect((recording["commit"] as? String)?.count == 40)
    }

    @Test func noRecordGradesOnly() throws {
        try learnerRepository()
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        let run = check("01", "--no-record")
        #expect(run.status == 0)
        #expect(run.stdout.contains("Not recorded: --no-record"))
        #expect(try Git.run(["rev-list", "--count", "HEAD"], in: course) == "1\n")
        let json = check("01", "--no-record", "--json")
        #expect(json.json?["recording"] as? [String: String] == ["status": "not-recorded", "reason": "--no-record"])
        let outside = Scratch.directory.appendingPathComponent("outside")
        try ScratchCourse.write(in: outside)
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: outside)
        let reason = check("01", "--json", in: outside).json?["recording"] as? [String: String]
        #expect(reason?["reason"] == "not in a git repository: run `asynclings init --learner NAME` to keep your progress in git")
    }

    @Test func branchNamesWithSlashesAndNonASCIIRecordAndRead() throws {
        try ScratchCourse.write(in: course)
        #expect(asynclings(["init", "--learner", "équipe/zoë"], in: course).status == 0)
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        let run = check("01")
        #expect(run.stdout.contains("on learner/équipe/zoë"))
        let progress = asynclings(["progress", "--branch", "learner/équipe/zoë", "--json"], in: course)
        #expect(progress.json?["passed"] as? Int == 1)
        #expect(progress.json?["branch"] as? String == "learner/équipe/zoë")
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to hand the repository to another user"))
    func aRepositoryOwnedByAnotherUserStillRecords() throws {
        try learnerRepository()
        try ScratchCourse.exercise("01-alpha", ScratchCourse.solution(), in: course)
        #expect(try Shell.run(["/bin/chown", "-R", "65534:65534", course.path]).status == 0)
        let run = check("01")
        #expect(run.status == 0)
        #expect(run.stdout.contains("Recorded the pass of 01-alpha on learner/ada"), "\(run.stdout)")
        let trusted = ["-c", "safe.directory=*"]
        #expect(try Git.run(trusted + ["log", "-1", "--format=%s"], in: course) == "asynclings: pass 01-alpha\n")
        let progress = asynclings(["progress", "--json"], in: course)
        #expect(progress.json?["passed"] as? Int == 1)
        let room = asynclings(["class", "--regrade", "--json", "--python", Python.path], in: course)
        #expect(room.status == 0, "\(room.stderr)")
        #expect((room.json?["summary"] as? [String: Any])?["passed"] as? Int == 1)
    }
}

@Suite("asynclings progress", .scratchDirectory)
struct ProgressCommand {
    var course: URL { Scratch.directory.appendingPathComponent("course") }

    @Test func passesCountOnlyWhileTheCommittedFileIsTheOneThatPassed() throws {
        try ScratchCourse.write(in: course)
        #expect(asynclings(["init", "--learner", "ada"], in: course).status == 0)
        for lesson in ["01-alpha", "02-beta"] {
            try ScratchCourse.exercise(lesson, ScratchCourse.solution(), in: course)
            #expect(asynclings(["check", lesson, "--python", Python.path], in: course).status == 0)
        }
        try ScratchCourse.exercise("02-beta", "# rewritten\n", in: course)
        try Git.run(["commit", "-qam", "rewrite"], in: course)
        let text = asynclings(["progress"], in: course, environment: ["NO_COLOR": "1"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("learner/ada: 1/3 lessons passed"))
        #expect(text.stdout.contains("✓ 01-alpha"))
        #expect(text.stdout.contains("~ 02-beta"))
        #expect(text.stdout.contains("· 03-gamma"))

        let json = try #require(asynclings(["progress", "--json"], in: course).json)
        let states = (json["lessons"] as? [[String: Any]])?.map { "\($0["id"]!)=\($0["state"]!)" }
        #expect(states == ["01-alpha=passed", "02-beta=changed", "03-gamma=not-passed"])

        // Another branch, without switching to it.
        let main = try #require(asynclings(["progress", "--branch", "main", "--json"], in: course).json)
        #expect(main["passed"] as? Int == 0)
        #expect(try Git.run(["symbolic-ref", "--short", "HEAD"], in: course) == "learner/ada\n")
    }

    @Test func pendingAttemptsShowBeforeThePass() throws {
        try ScratchCourse.write(in: course)
        #expect(asynclings(["init", "--learner", "ada"], in: course).status == 0)
        try ScratchCourse.exercise("01-alpha", SampleLesson.starter, in: course)
        #expect(asynclings(["check", "01", "--python", Python.path], in: course).status == 1)
        let json = try #require(asynclings(["progress", "--json"], in: course).json)
        let first = try #require((json["lessons"] as? [[String: Any]])?.first)
        #expect(first["pending_attempts"] as? Int == 1)
    }

    @Test func refusalsAreUsageErrorsWithTheFix() throws {
        try ScratchCourse.write(in: course)
        let outside = asynclings(["progress"], in: course)
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("not inside a git repository"))

        #expect(asynclings(["init"], in: course).status == 0)
        try Git.run(["checkout", "-q", "--detach"], in: course)
        let detached = asynclings(["progress"], in: course)
        #expect(detached.status == 2)
        #expect(detached.stderr.contains("detached"))
        #expect(asynclings(["progress", "--branch", "main"], in: course).status == 0)
        let missing = asynclings(["progress", "--branch", "learner/nobody"], in: course)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no branch named learner/nobody"))
    }

    @Test func anUnbornBranchHasNothingPassedYet() throws {
        try ScratchCourse.write(in: course)
        try Git.initialise(course, branch: "learner/ada")
        let run = asynclings(["progress"], in: course, environment: ["NO_COLOR": "1"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("learner/ada: 0/3 lessons passed"))
        #expect(run.stdout.contains("no commit yet"))
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
