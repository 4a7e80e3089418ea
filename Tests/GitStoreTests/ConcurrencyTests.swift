import Foundation
@testable import GitStore
import Synchronization
import Testing

import Glibc

@Suite("Concurrent recording")
struct ConcurrencyTests {
    static let workerVariable = "ASYNCLINGS_GITSTORE_RECORDING_WORKER"

    /// Records `count` passes of lesson `w<worker>` from one handle; used by the thread
    /// test directly and by the process test in a child process.
    static func recordPasses(repositoryPath: String, worker: Int, count: Int) throws {
        let repository = try Repository(discoveringFrom: repositoryPath)
        let lesson = "w\(worker)"
        for pass in 0..<count {
            let content = Data("# worker \(worker), pass \(pass)\n".utf8)
            try content.write(to: URL(fileURLWithPath: "\(repositoryPath)/exercises/\(lesson).py"))
            try repository.recordPass(.pass(lesson, attempts: pass), content: content, indexLockTimeout: .seconds(10))
        }
    }

    /// Every commit on the first-parent chain, as "lesson attempts" from the trailers.
    static func recordedPasses(in repo: ScratchRepository) throws -> Set<String> {
        let log = try repo.git("log", "--first-parent", "--format=%(trailers:key=Asynclings-Lesson,key=Asynclings-Attempts,valueonly,separator=%x20)")
        return Set(log.split(separator: "\n").map(String.init))
    }

    static func expectAllLanded(_ repo: ScratchRepository, workers: Int, passes: Int) throws {
        #expect(try repo.firstParentCount() == 1 + workers * passes)
        let expected = Set((0..<workers).flatMap { w in (0..<passes).map { "w\(w) \($0)" } })
        #expect(try recordedPasses(in: repo) == expected)
        #expect(try repo.git("status", "--porcelain") == "")
        #expect(try repo.fsck().isEmpty)
        let progress = try repo.open().progress(branch: "main")
        #expect(progress.passedLessons == Set((0..<workers).map { "w\($0)" }))
        #expect(progress.lessons["w0"]?.record.attempts == passes - 1)
    }

    @Test func twoThreadsWithTheirOwnHandlesLandEveryPass() throws {
        let repo = try ScratchRepository.withCourse()
        let path = repo.path
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            do {
                try Self.recordPasses(repositoryPath: path, worker: worker, count: 20)
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        try Self.expectAllLanded(repo, workers: 2, passes: 20)
    }

    @Test func twoProcessesLandEveryPass() throws {
        let repo = try ScratchRepository.withCourse()
        let path = repo.path
        let failures = Mutex<[String]>([])
        // Runs this test binary again, selecting only the worker below.
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            do {
                try run(
                    ["/proc/self/exe", "--testing-library", "swift-testing", "--filter", "recordingWorkerProcess"],
                    environment: [Self.workerVariable: "\(path)\n\(worker)\n20"])
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        try Self.expectAllLanded(repo, workers: 2, passes: 20)
    }

    /// The child side of `twoProcessesLandEveryPass`; skipped in a normal run.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[workerVariable] != nil))
    func recordingWorkerProcess() throws {
        let parts = ProcessInfo.processInfo.environment[Self.workerVariable]!.split(separator: "\n").map(String.init)
        try Self.recordPasses(repositoryPath: parts[0], worker: Int(parts[1])!, count: Int(parts[2])!)
    }

    @Test func movedTipIsRebuiltOnAndNotOverwritten() throws {
        let repo = try ScratchRepository.withCourse()
        let content = Data("print('graded')\n".utf8)
        try repo.scratch.write("exercises/02-gather.py", content)
        let repository = try repo.open()
        let foreign = Mutex<String>("")
        let result = try repository.commitOneFile(
            "exercises/02-gather.py", content: content, message: "asynclings: pass 02-gather",
            indexLockTimeout: .seconds(1)
        ) { attempt throws(GitStoreError) in
            guard attempt == 0 else { return }
            // Another writer moves the branch without the index lock (which we hold).
            do {
                let id = try repo.git("commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "foreign").trimmed
                try repo.git("update-ref", "refs/heads/main", id)
                foreign.withLock { $0 = id }
            } catch {
                Issue.record(error)
            }
        }
        let foreignID = foreign.withLock { $0 }
        #expect(result.commit.parentIDs.map(\.hex) == [foreignID])
        #expect(try repo.git("rev-parse", "main").trimmed == result.commit.id.hex)
        #expect(try repo.git("log", "--first-parent", "--format=%s") == "asynclings: pass 02-gather\nforeign\ncourse\n")
        #expect(try repo.git("status", "--porcelain") == "")
    }

    @Test func branchCreatedMeanwhileOnAnUnbornHeadBecomesTheParent() throws {
        let repo = try ScratchRepository()
        let content = Data("print('graded')\n".utf8)
        try repo.scratch.write("exercises/01-hello.py", content)
        let repository = try repo.open()
        let foreign = Mutex<String>("")
        let result = try repository.commitOneFile(
            "exercises/01-hello.py", content: content, message: "pass", indexLockTimeout: .seconds(1)
        ) { attempt throws(GitStoreError) in
            guard attempt == 0 else { return }
            do {
                let tree = try repo.git("hash-object", "-w", "-t", "tree", "/dev/null").trimmed
                let id = try repo.git("commit-tree", tree, "-m", "someone else's root").trimmed
                try repo.git("update-ref", "refs/heads/main", id)
                foreign.withLock { $0 = id }
            } catch {
                Issue.record(error)
            }
        }
        #expect(result.commit.parentIDs.map(\.hex) == [foreign.withLock { $0 }])
        #expect(try repo.firstParentCount() == 2)
    }

    @Test func branchThatNeverStopsMovingGivesUp() throws {
        let repo = try ScratchRepository.withCourse()
        let repository = try repo.open()
        #expect(throws: GitStoreError.concurrentUpdates(reference: "refs/heads/main", attempts: Repository.recordAttempts)) {
            try repository.commitOneFile(
                "exercises/02-gather.py", content: Data("x\n".utf8), message: "pass", indexLockTimeout: .seconds(1)
            ) { _ throws(GitStoreError) in
                do {
                    let id = try repo.git("commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "again").trimmed
                    try repo.git("update-ref", "refs/heads/main", id)
                } catch {
                    Issue.record(error)
                }
            }
        }
        // Gave up cleanly: the index lock is released and the index untouched.
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/index.lock"))
        #expect(try repo.git("diff", "--cached", "--name-only", "HEAD~\(Repository.recordAttempts)") == "")
    }
}
