import Foundation
import GitStore
import Testing

@Suite("Progress")
struct ProgressTests {
    @Test func latestRecordPerLessonWinsAndStaysCurrent() throws {
        let repo = try ScratchRepository.withCourse()
        let repository = try repo.open()
        try repository.recordPass(.pass("01-hello", attempts: 1, hints: 0), content: Data("v1\n".utf8))
        try repository.recordPass(.pass("02-gather", attempts: 5, hints: 2), content: Data("g\n".utf8))
        let latest = try repository.recordPass(.pass("01-hello", attempts: 2, hints: 1), content: Data("v2\n".utf8))

        let progress = try repository.progress(branch: "main")
        #expect(progress.branch.referenceName == "refs/heads/main")
        #expect(Set(progress.lessons.keys) == ["01-hello", "02-gather"])
        let hello = try #require(progress.lessons["01-hello"])
        #expect(hello.isCurrent)
        #expect(hello.record == latest)
        #expect(hello.record.attempts == 2)
        #expect(hello.record.file == "exercises/01-hello.py")
        #expect(try repo.git("rev-parse", "HEAD:exercises/01-hello.py").trimmed == hello.record.blob?.hex)
        #expect(progress.lessons["02-gather"]?.record.checksPassed == 9)
        #expect(progress.lessons["02-gather"]?.record.checksTotal == 9)
        #expect(progress.lessons["02-gather"]?.record.hints == 2)
        #expect(progress.passedLessons == ["01-hello", "02-gather"])
    }

    @Test func laterCommitThatChangesTheFileMakesThePassStale() throws {
        let repo = try ScratchRepository.withCourse()
        let repository = try repo.open()
        try repo.write("exercises/02-gather.py", "passing\n")
        try repository.recordPass(.pass("02-gather"), content: Data("passing\n".utf8))
        try repository.recordPass(.pass("01-hello"), content: Data("print('starter 1')\n".utf8))

        // Uncommitted edits do not matter: progress is about history.
        try repo.write("exercises/02-gather.py", "broken, not committed\n")
        #expect(try repo.open().progress(branch: "main").lessons["02-gather"]?.isCurrent == true)

        try repo.git("commit", "-q", "-am", "learner edits the solution")
        let stale = try repo.open().progress(branch: "main")
        #expect(stale.lessons["02-gather"]?.isCurrent == false)
        #expect(stale.lessons["01-hello"]?.isCurrent == true)
        #expect(stale.passedLessons == ["01-hello"])

        // Putting the recorded bytes back makes it hold again; deleting the file does not.
        try repo.write("exercises/02-gather.py", "passing\n")
        try repo.git("commit", "-q", "-am", "restore")
        #expect(try repo.open().progress(branch: "main").lessons["02-gather"]?.isCurrent == true)
        try repo.git("rm", "-q", "exercises/02-gather.py")
        try repo.git("commit", "-q", "-m", "delete")
        #expect(try repo.open().progress(branch: "main").lessons["02-gather"]?.isCurrent == false)
    }

    /// The caller says where a lesson's file is; the record's `Asynclings-File` trailer
    /// is the learner's word and decides nothing.
    @Test func aRecordIsCheckedAgainstTheLessonsFileNotTheOneItNames() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.write("README.md", "# readme\n")
        try repo.git("add", "README.md")
        try repo.git("commit", "-q", "-m", "asynclings: pass 03-none\n\nAsynclings-Lesson: 03-none\nAsynclings-Status: pass\nAsynclings-File: README.md")
        let forged = try #require(try repo.open().progress(branch: "main").lessons["03-none"])
        #expect(forged.record.file == "README.md")
        #expect(forged.record.blob == nil)
        #expect(!forged.isCurrent)

        // Below a course folder, the same rule with the folder in front.
        let nested = try repo.open().progress(branch: "main", exercisePath: { "course/exercises/\($0).py" })
        #expect(nested.lessons["03-none"]?.isCurrent == false)
        // An id the caller does not recognise names no file at all.
        #expect(try repo.open().progress(branch: "main", exercisePath: { _ in nil }).passedLessons.isEmpty)
    }

    @Test func onlyFirstParentHistoryCounts() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.git("switch", "-q", "-c", "side")
        try repo.write("exercises/02-gather.py", "side pass\n")
        try repo.open().recordPass(.pass("02-gather"), content: Data("side pass\n".utf8))
        try repo.git("switch", "-q", "main")
        try repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
        let main = try repo.open().progress(branch: "main")
        #expect(main.lessons.isEmpty)
        #expect(try repo.open().progress(branch: "side").passedLessons == ["02-gather"])
    }

    @Test func switchingBranchSwitchesProgress() throws {
        let repo = try ScratchRepository.withCourse()
        let repository = try repo.open()
        try repository.switchToNewBranch(named: "learner/zoë")
        try repository.recordPass(.pass("01-hello"), content: Data("zoë\n".utf8))
        try repository.switchToNewBranch(named: "a/b/c")
        try repository.recordPass(.pass("02-gather"), content: Data("abc\n".utf8))
        #expect(try repository.progress(branch: "learner/zoë").passedLessons == ["01-hello"])
        #expect(try repository.progress(branch: "a/b/c").passedLessons == ["01-hello", "02-gather"])
        #expect(try repository.progress(branch: "main").lessons.isEmpty)
        #expect(try repo.git("log", "-1", "--format=%s", "learner/zoë") == "asynclings: pass 01-hello\n")
    }

    @Test func bareRepositoryIsReadable() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.git("switch", "-q", "-c", "learner/zoë")
        try repo.open().recordPass(.pass("02-gather"), content: Data("ok\n".utf8))
        let scratch = try Scratch()
        try runGit(["clone", "-q", "--bare", repo.path, scratch.url("room.git")], in: scratch.path)
        let bare = try Repository(discoveringFrom: scratch.url("room.git"))
        #expect(bare.isBare)
        let progress = try bare.progress(branch: "learner/zoë")
        #expect(progress.passedLessons == ["02-gather"])
        #expect(try bare.file(at: "exercises/02-gather.py", in: progress.branch, maxSize: 1 << 20) == .regular(Data("ok\n".utf8)))
    }

    @Test func remoteTrackingBranchesAfterFetchFromALocalBareRemote() throws {
        // The room: a bare repository learners push to.
        let scratch = try Scratch()
        let room = scratch.url("room.git")
        try runGit(["init", "-q", "--bare", "-b", "main", room], in: scratch.path)
        let learner = try ScratchRepository.withCourse()
        try learner.git("switch", "-q", "-c", "learner/zoë")
        try learner.open().recordPass(.pass("02-gather"), content: Data("zoë's pass\n".utf8))
        try learner.git("push", "-q", room, "main", "learner/zoë")

        // The instructor's clone fetches with libgit2.
        let instructor = try ScratchRepository.withCourse()
        try instructor.git("remote", "add", "origin", room)
        let repository = try instructor.open()
        let updates = try repository.fetch(remote: "origin")
        #expect(updates.map(\.referenceName) == ["refs/remotes/origin/learner/zoë", "refs/remotes/origin/main"])
        #expect(updates.allSatisfy { $0.old == nil })
        #expect(updates[0].new.hex == (try learner.git("rev-parse", "learner/zoë").trimmed))
        #expect(try instructor.git("rev-parse", "origin/learner/zoë").trimmed == updates[0].new.hex)

        try instructor.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
        let remotes = try repository.branches([.remoteTracking])
        #expect(remotes.map(\.name) == ["origin/learner/zoë", "origin/main"])
        let progress = try repository.progress(branch: "origin/learner/zoë")
        #expect(progress.branch.kind == .remoteTracking)
        #expect(progress.passedLessons == ["02-gather"])

        // Nothing new: nothing updated. A new pass: exactly that branch moves.
        #expect(try repository.fetch(remote: "origin").isEmpty)
        let second = try learner.open().recordPass(.pass("01-hello"), content: Data("hello\n".utf8))
        try learner.git("push", "-q", room, "learner/zoë")
        let moved = try repository.fetch(remote: "origin")
        #expect(moved.map(\.referenceName) == ["refs/remotes/origin/learner/zoë"])
        #expect(moved.first?.old == updates[0].new)
        #expect(moved.first?.new == second.commit)
        #expect(try repository.progress(branch: "origin/learner/zoë").passedLessons == ["01-hello", "02-gather"])
        #expect(try instructor.fsck().isEmpty)

        #expect(throws: GitStoreError.remoteNotFound("upstream")) { try repository.fetch(remote: "upstream") }
    }

    @Test func unreachableRemoteFailsWithAGitError() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.git("remote", "add", "origin", repo.path + "/does-not-exist.git")
        let repository = try repo.open()
        #expect {
            try repository.fetch(remote: "origin")
        } throws: { error in
            guard case .git(let git)? = error as? GitStoreError else { return false }
            return git.code < 0 && !git.message.isEmpty
        }
    }

    /// 200 learner branches × 10 lessons, read by one handle: must stay well under a second.
    @Test func progressOfTwoHundredBranchesIsRead() throws {
        let repo = try ScratchRepository()
        // Build the history with fast-import: a course commit, then per branch ten passes
        // (each commit changes its exercise file) and, on every third branch, a later
        // commit that edits lesson 05 again so that pass is stale.
        var script = ""
        var mark = 1
        script += "blob\nmark :\(mark)\ndata 7\ncourse\n"
        script += "commit refs/heads/main\nmark :\(mark + 1)\ncommitter C <c@x> 1700000000 +0000\ndata 6\ncourse\nM 100644 :\(mark) README.md\n\n"
        let course = mark + 1
        mark += 2
        for b in 0..<200 {
            var parent = course
            let branch = "refs/heads/learner/\(b % 2 == 0 ? "zoë" : "a/b")-\(b)"
            for lesson in 0..<10 {
                let id = String(format: "%02d-lesson", lesson)
                let body = "# branch \(b) lesson \(lesson)\n"
                let message = try ProgressRecord.pass(id).commitMessage()
                script += "blob\nmark :\(mark)\ndata \(body.utf8.count)\n\(body)\n"
                script += "commit \(branch)\nmark :\(mark + 1)\ncommitter L <l@x> \(1700000000 + lesson) +0000\n"
                script += "data \(message.utf8.count)\n\(message)from :\(parent)\nM 100644 :\(mark) exercises/\(id).py\n\n"
                parent = mark + 1
                mark += 2
            }
            if b % 3 == 0 {
                script += "blob\nmark :\(mark)\ndata 5\nedit\n\n"
                script += "commit \(branch)\nmark :\(mark + 1)\ncommitter L <l@x> 1700000100 +0000\ndata 5\nedit\nfrom :\(parent)\nM 100644 :\(mark) exercises/05-lesson.py\n\n"
                mark += 2
            }
        }
        try repo.git("fast-import", "--quiet", input: script)

        let repository = try repo.open()
        let branches = try repository.branches([.local]).filter { $0.name != "main" }
        var passed = 0
        var stale = 0
        for branch in branches {
            let progress = try repository.progress(branch: branch)
            passed += progress.passedLessons.count
            stale += progress.lessons.values.filter { !$0.isCurrent }.count
        }
        #expect(branches.count == 200)
        #expect(stale == 67)
        #expect(passed == 2000 - 67)
        // How fast is scripts/bench_class.py's to say (`make bench`), not a test's.
    }
}
