import Foundation
import TestSupport
import Testing

/// The CI templates in docs/ci/: the script both workflows run, end to end on a scratch
/// room as a CI job would run it (a fresh clone of the room at the pushed commit), and the
/// workflow files themselves against the schemas `make check-ci` uses.
@Suite("docs/ci workflow templates", .scratchDirectory)
struct CIWorkflowTests {
    static let ci = Repository.root.appendingPathComponent("docs/ci")

    /// Runs the binary as a learner would type it in `clone`.
    @discardableResult
    static func asynclings(_ arguments: [String], in clone: URL) throws -> Shell.Result {
        try Shell.run(
            [Repository.binary.path] + arguments, in: clone,
            environment: ["HOME": clone.path, "XDG_CACHE_HOME": clone.appendingPathComponent(".cache").path, "NO_COLOR": "1"])
    }

    /// A learner clone on `learner/NAME` that recorded `source` as its pass of 01-alpha and pushed.
    static func learner(_ name: String, passing source: String, in room: Room) throws -> URL {
        let clone = try room.clone(name)
        #expect(try asynclings(["init", "--learner", name], in: clone).status == 0)
        try ScratchCourse.exercise("01-alpha", source, in: clone)
        let check = try asynclings(["check", "01", "--python", Python.path], in: clone)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        try Git.run(["push", "-q"], in: clone)
        return clone
    }

    /// What a CI job does: clones the room at the pushed branch and runs the script.
    static func job(for branch: String, in room: Room) throws -> (result: Shell.Result, junit: String, page: String) {
        let checkout = room.directory.appendingPathComponent("ci-\(branch.replacingOccurrences(of: "/", with: "-"))")
        try Git.run(["clone", "-q", "--branch", branch, room.bare.path, checkout.path], in: room.directory)
        let result = try Shell.run(
            ["/bin/sh", ci.appendingPathComponent("grade-push.sh").path, branch], in: checkout,
            environment: Git.environment.merging(["ASYNCLINGS": Repository.binary.path, "HOME": checkout.path]) { $1 })
        let junit = (try? String(contentsOf: checkout.appendingPathComponent("asynclings-junit.xml"), encoding: .utf8)) ?? ""
        let page = (try? String(contentsOf: checkout.appendingPathComponent("asynclings.html"), encoding: .utf8)) ?? ""
        return (result, junit, page)
    }

    @Test func theScriptGradesThePushedBranchWithTheRoomsChecks() throws {
        let room = try Room(in: Scratch.directory)
        _ = try Self.learner("ada", passing: ScratchCourse.solution("ada"), in: room)

        // Eve records a pass with a check script of her own and commits it on her branch.
        let eve = try room.clone("eve")
        #expect(try Self.asynclings(["init", "--learner", "eve"], in: eve).status == 0)
        try Scratch.write("CHECKS = []\n", to: "lessons/01-alpha/check.py", in: eve)
        try ScratchCourse.exercise("01-alpha", SampleLesson.starter, in: eve)
        _ = try Self.asynclings(["check", "01", "--python", Python.path], in: eve)
        try Scratch.write(
            "from asynclings_harness import Trial, scenario\n\nCHECKS = [\"behaviour\"]\n\n\n@scenario(\"free\")\nasync def free(t: Trial) -> None:\n    t.expect(\"behaviour\", True, \"never fails\")\n",
            to: "lessons/01-alpha/check.py", in: eve)
        #expect(try Self.asynclings(["check", "01", "--python", Python.path], in: eve).status == 0)
        try Git.run(["commit", "-qam", "my own check"], in: eve)
        try Git.run(["push", "-q"], in: eve)

        let honest = try Self.job(for: "learner/ada", in: room)
        #expect(honest.result.status == 0, "\(honest.result.stdout)\(honest.result.stderr)")
        #expect(honest.junit.contains("<testsuite name=\"ada\""))
        #expect(honest.junit.contains("<testcase name=\"01-alpha\" classname=\"ada\"/>"))
        #expect(!honest.junit.contains("name=\"eve\""), "only the pushed branch is graded")
        #expect(honest.page.contains("<!DOCTYPE html>"))

        let forged = try Self.job(for: "learner/eve", in: room)
        #expect(forged.result.status == 1, "\(forged.result.stdout)\(forged.result.stderr)")
        #expect(forged.junit.contains("type=\"fails-now\""))
        #expect(forged.result.stdout.contains("✗! eve · 01-alpha"))

        let notALearner = try Self.job(for: "main", in: room)
        #expect(notALearner.result.status == 0)
        #expect(notALearner.result.stdout.contains("nothing to grade"))
    }

    @Test func theWorkflowsRunTheScriptForThePushedBranchAndKeepTheReport() throws {
        let github = try String(contentsOf: Self.ci.appendingPathComponent("github-actions.yml"), encoding: .utf8)
        #expect(github.contains("branches: [\"learner/**\"]"))
        #expect(github.contains("run: sh docs/ci/grade-push.sh \"$GITHUB_REF_NAME\""))
        #expect(github.contains("fetch-depth: 0"))
        #expect(github.contains("asynclings-junit.xml"))
        // Learner-controlled text never lands in a script through an expression.
        #expect(!github.contains("run: sh docs/ci/grade-push.sh \"${{"))
        // The Swift image has neither Python (make needs it for .venv) nor git (without it the
        // checkout is a tarball with no branches to grade): both are installed first.
        let install = github.range(of: "apt-get install -y -qq python3 python3-venv git")
        let checkout = github.range(of: "uses: actions/checkout")
        #expect(install != nil && checkout != nil && install!.lowerBound < checkout!.lowerBound)

        let gitlab = try String(contentsOf: Self.ci.appendingPathComponent("gitlab-ci.yml"), encoding: .utf8)
        #expect(gitlab.contains("sh docs/ci/grade-push.sh \"$CI_COMMIT_BRANCH\""))
        #expect(gitlab.contains("junit: asynclings-junit.xml"))
        #expect(gitlab.contains("apt-get install -y -qq python3 python3-venv\n    - make build"))
        #expect(gitlab.contains("$CI_COMMIT_BRANCH =~ /^learner\\//"))
    }

    static var checkJSONSchema: String? {
        let tool = Repository.root.appendingPathComponent(".venv/bin/check-jsonschema").path
        return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil
    }

    /// The schemas bite: a workflow that says `runs-on` twice wrong or a job without a
    /// script is refused, so `make check-ci` passing means something.
    @Test(.enabled(if: checkJSONSchema != nil, "needs check-jsonschema (make dev-tools)"))
    func theSchemasAcceptTheTemplatesAndRefuseBrokenOnes() throws {
        let tool = try #require(Self.checkJSONSchema)
        for (file, schema) in [("github-actions.yml", "vendor.github-workflows"), ("gitlab-ci.yml", "vendor.gitlab-ci")] {
            let path = Self.ci.appendingPathComponent(file).path
            let good = try Shell.run([tool, "--builtin-schema", schema, path])
            #expect(good.status == 0, "\(file): \(good.stdout)\(good.stderr)")
        }
        let brokenGitHub = try Scratch.write(
            "on: push\njobs:\n  regrade:\n    steps:\n      - run: true\n", to: "broken-github.yml")
        #expect(try Shell.run([tool, "--builtin-schema", "vendor.github-workflows", brokenGitHub.path]).status != 0)
        let brokenGitLab = try Scratch.write(
            "asynclings:\n  image: swift:6.3-bookworm\n  script: 5\n  artifacts:\n    when: sometimes\n", to: "broken-gitlab.yml")
        #expect(try Shell.run([tool, "--builtin-schema", "vendor.gitlab-ci", brokenGitLab.path]).status != 0)
    }
}
