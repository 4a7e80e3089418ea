import Foundation
import GitStore
import Synchronization
import Testing

@Suite("Local counters")
struct CounterTests {
    @Test func countersLiveInTheGitDirectoryPerBranch() throws {
        let repo = try ScratchRepository.withCourse()
        let store = try repo.open().counters
        #expect(store.directory == (repo.path as NSString).resolvingSymlinksInPath + "/.git/asynclings/counters")
        #expect(try store.counters(branch: "learner/zoë", lesson: "02-gather") == LessonCounters())
        try store.addAttempt(branch: "learner/zoë", lesson: "02-gather")
        try store.addAttempt(branch: "learner/zoë", lesson: "02-gather")
        let after = try store.addHint(branch: "learner/zoë", lesson: "02-gather", ladder: 3)
        #expect(after == LessonCounters(attempts: 2, hints: 1))
        try store.addAttempt(branch: "a/b/c", lesson: "02-gather")
        #expect(try store.counters(branch: "learner/zoë") == ["02-gather": LessonCounters(attempts: 2, hints: 1)])
        #expect(try store.counters(branch: "a/b/c") == ["02-gather": LessonCounters(attempts: 1, hints: 0)])
        let files = try FileManager.default.contentsOfDirectory(atPath: store.directory).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files == ["a%2Fb%2Fc.json", "learner%2Fzo%C3%AB.json"])
        // Never part of the working tree or any commit.
        #expect(try repo.git("status", "--porcelain") == "")
    }

    @Test func concurrentIncrementsAreNotLost() throws {
        let scratch = try Scratch()
        let store = CounterStore(directory: scratch.url("counters"))
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<50 {
                do {
                    try store.addAttempt(branch: "learner/zoë", lesson: "01-hello")
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(try store.counters(branch: "learner/zoë", lesson: "01-hello").attempts == 200)
        // No temporary files left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url("counters")).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func theLastHintAskedAgainCountsNothingNew() throws {
        let scratch = try Scratch()
        let store = CounterStore(directory: scratch.path)
        let counted = try (1...5).map { _ in try store.addHint(branch: "learner/zoë", lesson: "02-gather", ladder: 3).hints }
        #expect(counted == [1, 2, 3, 3, 3])
        // A clone whose branch already carries two hints in a record starts above them.
        #expect(try store.addHint(branch: "learner/ann", lesson: "02-gather", ladder: 3, seen: 2).hints == 3)
    }

    @Test func countsCarriedToAnotherBranchAddUpAndLeaveNothingBehind() throws {
        let scratch = try Scratch()
        let store = CounterStore(directory: scratch.path)
        try store.addAttempt(branch: "main", lesson: "01-hello")
        try store.addHint(branch: "main", lesson: "01-hello", ladder: 3)
        try store.addHint(branch: "main", lesson: "01-hello", ladder: 3)
        try store.addAttempt(branch: "learner/zoë", lesson: "01-hello")
        try store.addHint(branch: "learner/zoë", lesson: "01-hello", ladder: 3)
        try store.carry(from: "main", to: "learner/zoë")
        #expect(try store.counters(branch: "main").isEmpty)
        #expect(try store.counters(branch: "learner/zoë") == ["01-hello": LessonCounters(attempts: 2, hints: 2)])
    }

    @Test func recordingAPassResetsThatLessonsAttemptsAndKeepsItsHints() throws {
        let repo = try ScratchRepository.withCourse()
        let repository = try repo.open()
        try repository.switchToNewBranch(named: "learner/zoë")
        let store = repository.counters
        try store.addAttempt(branch: "learner/zoë", lesson: "02-gather")
        try store.addHint(branch: "learner/zoë", lesson: "02-gather", ladder: 3)
        try store.addAttempt(branch: "learner/zoë", lesson: "01-hello")
        try store.addAttempt(branch: "main", lesson: "02-gather")
        let counted = try store.counters(branch: "learner/zoë", lesson: "02-gather")
        try repository.recordPass(
            .pass("02-gather", attempts: counted.attempts, hints: counted.hints), content: Data("ok\n".utf8))
        #expect(
            try store.counters(branch: "learner/zoë")
                == ["01-hello": LessonCounters(attempts: 1, hints: 0), "02-gather": LessonCounters(attempts: 0, hints: 1)])
        #expect(try store.counters(branch: "main", lesson: "02-gather").attempts == 1)
        #expect(try repository.progress(branch: "learner/zoë").lessons["02-gather"]?.record.attempts == 1)
    }

    @Test func corruptFileIsReportedNotSilentlyReset() throws {
        let scratch = try Scratch()
        let store = CounterStore(directory: scratch.path)
        try scratch.write("main.json", "{not json")
        #expect(throws: GitStoreError.corruptCounters(path: scratch.url("main.json"))) {
            try store.addAttempt(branch: "main", lesson: "01")
        }
    }

    @Test func veryLongBranchNamesGetDistinctShortFiles() throws {
        let scratch = try Scratch()
        let store = CounterStore(directory: scratch.path)
        let long = "learner/" + String(repeating: "ë", count: 100)
        try store.addAttempt(branch: long + "a", lesson: "01")
        try store.addAttempt(branch: long + "b", lesson: "01")
        try store.addAttempt(branch: long + "b", lesson: "01")
        #expect(try store.counters(branch: long + "a", lesson: "01").attempts == 1)
        #expect(try store.counters(branch: long + "b", lesson: "01").attempts == 2)
    }
}
