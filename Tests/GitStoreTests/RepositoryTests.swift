import Foundation
import GitStore
import Testing

@Suite("Repository")
struct RepositoryTests {
    @Test func openingOutsideARepositoryThrowsNotARepository() throws {
        let scratch = try Scratch()
        #expect(throws: GitStoreError.notARepository(path: scratch.path)) {
            _ = try Repository(discoveringFrom: scratch.path)
        }
    }

    @Test func openingDiscoversTheRepositoryFromASubdirectory() throws {
        let repo = try ScratchRepository.withCourse()
        let opened = try Repository(discoveringFrom: repo.path + "/lessons/01-hello")
        #expect(opened.workdir == (repo.path as NSString).resolvingSymlinksInPath)
        #expect(!opened.isBare)
        #expect(try opened.head() == .branch("main"))
    }
}

extension RepositoryTests {
    @Test func creatingARepositoryCommitsTheCourseRespectingGitignore() throws {
        let scratch = try Scratch()
        let root = scratch.url("course")
        let repository = try Repository(at: root, initialBranch: "main")
        #expect(try repository.head() == .unborn("main"))
        #expect(try repository.headCommit() == nil)
        try scratch.write("course/.gitignore", "__pycache__/\n*.pyc\n")
        try scratch.write("course/lessons/01-hello/lesson.md", "hello\n")
        try scratch.write("course/exercises/01-hello.py", "print('hi')\n")
        try scratch.write("course/exercises/__pycache__/x.pyc", "junk")
        try scratch.write("course/notes.pyc", "junk")
        try runGit(["config", "user.name", "Course Author"], in: root)
        try runGit(["config", "user.email", "author@example.com"], in: root)

        let commit = try repository.commitAll(message: "asynclings: start the course")
        #expect(try repository.head() == .branch("main"))
        #expect(commit.parentIDs.isEmpty)
        #expect(commit.message == "asynclings: start the course\n")
        #expect(commit.author.name == "Course Author")
        let files = try runGit(["ls-files"], in: root).split(separator: "\n")
        #expect(files == [".gitignore", "exercises/01-hello.py", "lessons/01-hello/lesson.md"])
        #expect(try runGit(["status", "--porcelain"], in: root) == "")
        #expect(try runGit(["rev-parse", "HEAD"], in: root).trimmed == commit.id.hex)

        // A second snapshot picks up additions and deletions, like `git add -A`.
        try FileManager.default.removeItem(atPath: scratch.url("course/lessons/01-hello/lesson.md"))
        try scratch.write("course/exercises/02-gather.py", "print('two')\n")
        let second = try repository.commitAll(message: "more")
        #expect(second.parentIDs == [commit.id])
        #expect(try runGit(["ls-files"], in: root).split(separator: "\n") == [".gitignore", "exercises/01-hello.py", "exercises/02-gather.py"])
        #expect(try runGit(["status", "--porcelain"], in: root) == "")
        #expect(throws: GitStoreError.alreadyARepository(path: root)) {
            _ = try Repository(at: root, initialBranch: "main")
        }
    }

    @Test func headReportsBranchDetachedAndUnborn() throws {
        let repo = try ScratchRepository(branch: "learner/zoë")
        #expect(try repo.open().head() == .unborn("learner/zoë"))
        try repo.write("a.txt", "a\n")
        try repo.git("add", "a.txt")
        try repo.git("commit", "-q", "-m", "a")
        #expect(try repo.open().head() == .branch("learner/zoë"))
        let id = try repo.git("rev-parse", "HEAD").trimmed
        try repo.git("checkout", "-q", "--detach")
        #expect(try repo.open().head() == .detached(ObjectID(hex: id)!))
    }

    @Test func defaultSignatureUsesConfigAndFallsBackWhenUnset() throws {
        let repo = try ScratchRepository()
        let configured = try repo.open().defaultSignature()
        #expect(configured.name == "Learner Zoë")
        #expect(configured.email == "zoe@example.com")
        // Empty values override whatever the global configuration says.
        try repo.git("config", "user.name", "")
        try repo.git("config", "user.email", "")
        let before = Date.wholeSecondNow
        let fallback = try repo.open().defaultSignature()
        let after = Date()
        #expect(fallback.name == "asynclings")
        #expect(fallback.email == "asynclings@localhost")
        #expect(before <= fallback.date && fallback.date <= after)  // dated now
    }

    @Test func branchesListLocalAndRemoteTrackingWithoutSymbolicHead() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.git("branch", "learner/zoë")
        try repo.git("branch", "a/b/c")
        let tip = try repo.git("rev-parse", "HEAD").trimmed
        try repo.git("update-ref", "refs/remotes/origin/learner/ana", tip)
        try repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/learner/ana")
        let repository = try repo.open()
        let branches = try repository.branches()
        #expect(branches.map(\.name) == ["a/b/c", "learner/zoë", "main", "origin/learner/ana"])
        #expect(branches.map(\.kind) == [.local, .local, .local, .remoteTracking])
        #expect(branches.allSatisfy { $0.tip.hex == tip })
        #expect(try repository.branches([.remoteTracking]).map(\.referenceName) == ["refs/remotes/origin/learner/ana"])
        #expect(try repository.branch(named: "learner/zoë").referenceName == "refs/heads/learner/zoë")
        #expect(try repository.branch(named: "origin/learner/ana").kind == .remoteTracking)
        #expect(try repository.branch(named: "refs/heads/a/b/c").name == "a/b/c")
        #expect(throws: GitStoreError.branchNotFound("origin/HEAD")) { try repository.branch(named: "origin/HEAD") }
        #expect(throws: GitStoreError.branchNotFound("nope")) { try repository.branch(named: "nope") }
        #expect(throws: GitStoreError.branchNotFound("bad..name")) { try repository.branch(named: "bad..name") }
    }

    @Test func switchingToANewBranchMovesOnlyHead() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.write("exercises/01-hello.py", "print('edited, not staged')\n")
        try repo.write("README.md", "# staged change\n")
        try repo.git("add", "README.md")
        try repo.write("untracked.txt", "u\n")
        let before = try repo.snapshot()
        let indexBefore = try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index"))

        let repository = try repo.open()
        #expect(try repository.switchToNewBranch(named: "learner/zoë") == .branch("learner/zoë"))
        #expect(try repository.head() == .branch("learner/zoë"))
        #expect(try repo.git("symbolic-ref", "HEAD").trimmed == "refs/heads/learner/zoë")
        let after = try repo.snapshot()
        #expect(after.status == before.status)
        #expect(after.diff == before.diff)
        #expect(after.cached == before.cached)
        #expect(try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index")) == indexBefore)
        #expect(throws: GitStoreError.branchExists("learner/zoë")) { try repository.switchToNewBranch(named: "learner/zoë") }
        #expect(throws: GitStoreError.invalidBranchName("a..b")) { try repository.switchToNewBranch(named: "a..b") }
    }

    @Test func switchingToANewBranchOnAnUnbornHeadRenamesIt() throws {
        let repo = try ScratchRepository()
        let repository = try repo.open()
        #expect(try repository.switchToNewBranch(named: "a/b/c") == .unborn("a/b/c"))
        #expect(try repository.head() == .unborn("a/b/c"))
    }

    @Test func switchingBranchChecksOutADifferentTree() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.git("switch", "-q", "-c", "other")
        try repo.write("exercises/01-hello.py", "print('other')\n")
        try repo.git("commit", "-q", "-am", "other")
        try repo.git("switch", "-q", "main")
        let repository = try repo.open()
        try repository.switchBranch(to: "other")
        #expect(try repository.head() == .branch("other"))
        #expect(try repo.read("exercises/01-hello.py") == "print('other')\n")
        #expect(try repo.git("status", "--porcelain") == "")
        #expect(throws: GitStoreError.branchNotFound("missing")) { try repository.switchBranch(to: "missing") }
    }
}

@Suite("Revisions, remotes and upstreams")
struct RemoteTests {
    @Test func revisionsResolveToCommits() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.git("tag", "-a", "v1", "-m", "course v1")
        let head = try repo.git("rev-parse", "HEAD").trimmed
        let repository = try repo.open()
        for revision in ["main", "refs/heads/main", "v1", head, String(head.prefix(10)), "HEAD"] {
            #expect(try repository.commit(revision: revision).id.hex == head, "\(revision)")
        }
        #expect(throws: GitStoreError.revisionNotFound("nope")) { try repository.commit(revision: "nope") }
        #expect(throws: GitStoreError.revisionNotFound("main:README.md")) {
            try repository.commit(revision: "main:README.md")
        }
    }

    @Test func upstreamOfABranchTheRemoteDoesNotHaveYetLetsPlainPushWork() throws {
        let scratch = try Scratch()
        let room = scratch.url("room.git")
        try runGit(["init", "-q", "--bare", "-b", "main", room], in: scratch.path)
        let seed = try ScratchRepository.withCourse()
        try seed.git("push", "-q", room, "main")
        let clone = scratch.url("clone")
        try runGit(["clone", "-q", room, clone], in: scratch.path)
        try runGit(["config", "user.name", "Zoë"], in: clone)
        try runGit(["config", "user.email", "zoe@example.com"], in: clone)

        let repository = try Repository(discoveringFrom: clone)
        #expect(try repository.remoteNames() == ["origin"])
        #expect(try repository.defaultBranch(ofRemote: "origin") == "origin/main")
        #expect(try repository.defaultBranch(ofRemote: "elsewhere") == nil)
        try repository.switchToNewBranch(named: "learner/team-a/zoë")
        try repository.setUpstream(ofBranch: "learner/team-a/zoë", remote: "origin")
        #expect(try git("config", "branch.learner/team-a/zoë.merge", in: clone).trimmed == "refs/heads/learner/team-a/zoë")
        try git("push", "-q", in: clone)
        #expect(try git("rev-parse", "--abbrev-ref", "@{upstream}", in: clone).trimmed == "origin/learner/team-a/zoë")
        #expect(try git("branch", "--list", "learner/*", in: room).contains("learner/team-a/zoë"))
        #expect(throws: GitStoreError.remoteNotFound("upstream")) {
            try repository.setUpstream(ofBranch: "learner/team-a/zoë", remote: "upstream")
        }
    }
}
