import Foundation
import TestSupport
import Testing

/// The sandbox as a user meets it: said once where it cannot start, refused for a
/// regrade, reported by doctor; and a hostile branch regraded by the instructor.
@Suite("Sandboxed grading from the command line", .scratchDirectory)
struct SandboxCommands {
    /// A `bwrap` that fails as bubblewrap does in a container without user namespaces.
    static func brokenBubblewrap() throws -> [String: String] {
        let fake = try Scratch.write(
            "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.' >&2\nexit 1\n",
            to: "fake/bwrap")
        chmod(fake.path, 0o755)
        return ["ASYNCLINGS_BWRAP": fake.path, "XDG_CACHE_HOME": Scratch.directory.appendingPathComponent("cache").path]
    }

    @Test func withoutASandboxAGradeStillRunsAndSaysSoOnce() throws {
        let run = asynclings(
            ["grade", "02-gather", "lessons/02-gather/solution.py", "--json"], environment: try Self.brokenBubblewrap())
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.json?["status"] as? String == "pass")
        #expect(run.stderr.components(separatedBy: "NOT sandboxed").count == 2, "\(run.stderr)")
        #expect(run.stderr.contains("user namespaces") && run.stderr.contains("fix:"))
    }

    @Test func withoutASandboxRegradeRefusesUnlessToldItIsUnsafe() throws {
        let room = try Room(in: Scratch.directory)
        try room.learnerWhoPassed("ada", source: ScratchCourse.solution("ada"))
        let broken = try Self.brokenBubblewrap()

        let refused = asynclings(["class", "--regrade", "--python", Python.path], in: room.bare, environment: broken)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("refusing to regrade") && refused.stderr.contains("--unsafe-regrade-without-sandbox"))
        #expect(refused.stdout.isEmpty)

        let forced = asynclings(
            ["class", "--regrade", "--unsafe-regrade-without-sandbox", "--json", "--python", Python.path], in: room.bare,
            environment: broken)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("without a sandbox"))
        #expect(((forced.json?["regrade"] as? [String: Any])?["cells"] as? Int) == 1)
    }

    @Test func doctorSaysWhetherGradesAreSandboxed() throws {
        let confined = asynclings(["doctor"], environment: ["NO_COLOR": "1"])
        #expect(confined.stdout.contains("sandbox") && confined.stdout.contains("bubblewrap"), "\(confined.stdout)")
        let broken = asynclings(["doctor"], environment: try Self.brokenBubblewrap().merging(["NO_COLOR": "1"]) { $1 })
        #expect(broken.stdout.contains("NOT sandboxed"))
        #expect(broken.stdout.contains("class --regrade` refuses"))
    }

    /// What a learner who wants to own the instructor writes, knowing every path: the
    /// regrade must leave the instructor's repository and the trusted checks as they were.
    @Test func aHostileBranchCannotTouchTheInstructorsRepositoryOrTheTrustedChecks() throws {
        let room = try Room(in: Scratch.directory)
        let teacher = try room.clone("teacher")
        try Git.run(["tag", "course"], in: teacher)
        let tagBefore = try Git.run(["rev-parse", "course"], in: teacher)
        let hook = teacher.appendingPathComponent(".git/hooks/post-checkout")

        try room.learnerWhoPassed("ada", source: ScratchCourse.solution("ada"))
        let attack = #"""
            import glob, os
            def attempt(path, text, mode="a"):
                try:
                    with open(path, mode) as handle:
                        handle.write(text)
                except OSError:
                    pass
            attempt(\#(String(reflecting: hook.path)), "#!/bin/sh\ntouch /tmp/owned\n", "w")
            attempt(\#(String(reflecting: teacher.appendingPathComponent(".git/refs/tags/course").path)), "0" * 40 + "\n", "w")
            for check in glob.glob("/tmp/asynclings-course-*/lessons/*/check.py") + glob.glob("/asynclings/lessons/*/check.py"):
                attempt(check, "\nCHECKS = []\n")
            attempt(\#(String(reflecting: Scratch.directory.appendingPathComponent("big.bin").path)), "x" * (64 << 20), "w")

            """# + ScratchCourse.solution("mallory")
        try room.learnerWhoPassed("mallory", source: attack)

        let run = asynclings(["class", "--fetch", "--regrade", "--json", "--python", Python.path], in: teacher)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(run.json)
        for learner in ["ada", "mallory"] {
            let cell = try ClassCommand.cells(json, learner: learner)["01-alpha"]
            #expect(ClassCommand.state(cell) == "passed", "\(learner): \(String(describing: cell))")
        }
        #expect(!FileManager.default.fileExists(atPath: hook.path))
        #expect(try Git.run(["rev-parse", "course"], in: teacher) == tagBefore)
        #expect(!FileManager.default.fileExists(atPath: Scratch.directory.appendingPathComponent("big.bin").path))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/owned"))
    }
}
