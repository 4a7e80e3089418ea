import Foundation
import TestSupport
import Testing

@Suite("hint, reset, doctor, show, completions", .scratchDirectory)
struct LearnerCommandTests {
    @Test func hintClimbsTheLadderAndCountsEachRung() throws {
        let root = try learnerRepository()
        let first = asynclings(["hint", "02"], in: root)
        #expect(first.status == 0)
        #expect(first.stdout.contains("Hint 1 of 3"))
        let second = asynclings(["hint", "02"], in: root)
        #expect(second.stdout.contains("Hint 2 of 3"))
        #expect(second.stdout.contains("Earlier hints"))
        let counters = try String(
            contentsOf: root.appendingPathComponent(".git/asynclings/counters/learner%2Fann.json"), encoding: .utf8)
        #expect(counters.contains("\"hints\":2"))
    }

    @Test func hintsOutsideARepositoryAreCountedInTheCacheFolder() throws {
        let root = try learnerRepository()
        try FileManager.default.removeItem(at: root.appendingPathComponent(".git"))
        let cache = Scratch.directory.appendingPathComponent("cache")
        let environment = ["XDG_CACHE_HOME": cache.path]
        #expect(asynclings(["hint", "02"], in: root, environment: environment).stdout.contains("Hint 1 of 3"))
        #expect(asynclings(["hint", "02"], in: root, environment: environment).stdout.contains("Hint 2 of 3"))
        let counted = try FileManager.default.subpathsOfDirectory(atPath: cache.appendingPathComponent("asynclings/counters").path)
        #expect(counted.contains { $0.hasSuffix(".json") }, "\(counted)")
    }

    @Test func resetKeepsTheLearnersVersionAndSaysWhere() throws {
        let root = try learnerRepository()
        let file = root.appendingPathComponent("exercises/02-gather.py")
        try Scratch.write("# my attempt\n", to: "exercises/02-gather.py")
        let run = asynclings(["reset", "02-gather"], in: root)
        #expect(run.status == 0)
        let backup = try #require(Self.backup(named: run))
        #expect(try String(contentsOf: root.appendingPathComponent(backup), encoding: .utf8) == "# my attempt\n")
        let starter = try String(contentsOf: root.appendingPathComponent("lessons/02-gather/starter.py"), encoding: .utf8)
        #expect(try String(contentsOf: file, encoding: .utf8) == starter)
        #expect(try Git.run(["status", "--porcelain"], in: root).contains(".backup") == false)
    }

    @Test func twoResetsInTheSameSecondKeepBothVersions() throws {
        let root = try learnerRepository()
        let moment = Date(timeIntervalSince1970: 1_800_000_000)
        try Scratch.write("# first attempt\n", to: "exercises/02-gather.py")
        let first = try #require(Self.backup(named: asynclings(["reset", "02"], in: root, now: { moment })))
        try Scratch.write("# second attempt\n", to: "exercises/02-gather.py")
        let second = try #require(Self.backup(named: asynclings(["reset", "02"], in: root, now: { moment })))
        #expect(second == first.replacingOccurrences(of: ".py", with: "-2.py"))
        #expect(try String(contentsOf: root.appendingPathComponent(first), encoding: .utf8) == "# first attempt\n")
        #expect(try String(contentsOf: root.appendingPathComponent(second), encoding: .utf8) == "# second attempt\n")
    }

    /// The backup `reset` says it made: the path in its `cp BACKUP FILE` line.
    static func backup(named run: Ran) -> String? {
        run.stdout.split(separator: "\n").first { $0.hasPrefix("  cp ") }?.split(separator: " ").dropFirst().first.map(String.init)
    }

    @Test func doctorNamesEachPartAndTheBranch() throws {
        let root = try learnerRepository()
        let run = asynclings(["doctor", "--python", Python.path], in: root)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        for topic in ["course", "python", "libgit2", "cmark-gfm", "repository", "branch", "file watching"] {
            #expect(run.stdout.contains(topic), "\(topic) missing from:\n\(run.stdout)")
        }
        #expect(run.stdout.contains("learner/ann"))
        #expect(run.stdout.contains("output is not a terminal"))
    }

    @Test func doctorGivesTheFixOutsideARepository() throws {
        try FileManager.default.copyItem(
            at: Repository.lessons.appendingPathComponent("01-first-coroutine"),
            to: Scratch.directory.appendingPathComponent("lessons/01-first-coroutine"))
        let run = asynclings(["doctor", "--python", "/nonexistent/python3"], in: Scratch.directory)
        #expect(run.status == 1)
        #expect(run.stdout.contains("✗ python"))
        // The repository's reason on its line, and the fix on the next, apart.
        let lines = run.stdout.components(separatedBy: "\n")
        let repository = try #require(
            lines.firstIndex { $0.contains("repository") && $0.hasSuffix("not in a git repository") }, "\(run.stdout)")
        #expect(lines[repository + 1].hasSuffix("fix: run `asynclings init --learner NAME` to keep your progress in git"))
    }

    @Test func showIsPlainWhenNotWritingToATerminal() throws {
        let root = try learnerRepository()
        let piped = asynclings(["show", "02"], in: root, environment: ["NO_COLOR": ""])
        #expect(piped.status == 0)
        #expect(!piped.stdout.contains("\u{1B}"))
        #expect(piped.stdout.contains("asyncio.gather"))
        #expect(piped.stdout.contains("Your file: exercises/02-gather.py (create it with asynclings start"))
    }

    @Test func showInAPipeIsReadableTextWithMarkupRenderedAwayAndCodeLinesWhole() throws {
        let root = try learnerRepository()
        let piped = asynclings(["show", "02"], in: root, environment: ["NO_COLOR": "", "COLUMNS": "40"])
        #expect(piped.status == 0)
        #expect(!piped.stdout.contains("**"), "\(piped.stdout)")
        #expect(!piped.stdout.contains("`"), "\(piped.stdout)")
        #expect(!piped.stdout.contains("↪"), "\(piped.stdout)")
        // A code line longer than the 40 columns, whole on its own line.
        #expect(piped.stdout.contains("    pages = await asyncio.gather(*(fetch(url) for url in urls))   # 10 URLs ≈ 1 s\n"))
        // Prose is still wrapped to the width.
        let prose = piped.stdout.split(separator: "\n").filter { !$0.hasPrefix("    ") }
        #expect(prose.allSatisfy { $0.count <= 40 }, "\(prose.filter { $0.count > 40 })")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScripts(shell: String) throws {
        let run = asynclings(["completions", shell])
        #expect(run.status == 0)
        #expect(run.stdout.contains("asynclings"))
        #expect(run.stdout.contains("doctor"))
    }

    @Test func anUnknownShellIsAUsageError() throws {
        let run = asynclings(["completions", "tcsh"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("unknown shell `tcsh`"))
        #expect(run.stdout.isEmpty)
    }
}
