import Foundation
import GitStore
import Testing

@Suite("Trailers")
struct TrailerTests {
    static let expectedMessage = """
        asynclings: pass 02-gather

        Asynclings-Lesson: 02-gather
        Asynclings-Status: pass
        Asynclings-Checks: 9/9
        Asynclings-Attempts: 3
        Asynclings-Hints: 1
        Asynclings-File: exercises/02-gather.py

        """

    @Test func messageHasTheContractedShape() throws {
        #expect(try ProgressRecord.pass("02-gather").commitMessage() == Self.expectedMessage)
    }

    @Test func recordedTrailersParseBackWithGit() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.write("exercises/02-gather.py", "ok\n")
        let before = Date.wholeSecondNow
        let recorded = try repo.open().recordPass(.pass("02-gather"), content: Data("ok\n".utf8))
        let after = Date()
        let message = try repo.git("log", "-1", "--format=%B")
        #expect(message == Self.expectedMessage + "\n")
        #expect(try repo.git("interpret-trailers", "--parse", input: message) == """
            Asynclings-Lesson: 02-gather
            Asynclings-Status: pass
            Asynclings-Checks: 9/9
            Asynclings-Attempts: 3
            Asynclings-Hints: 1
            Asynclings-File: exercises/02-gather.py

            """)
        let commit = try repo.open().commit(try #require(recorded.commit))
        #expect(commit.trailers.map(\.key) == ["Asynclings-Lesson", "Asynclings-Status", "Asynclings-Checks", "Asynclings-Attempts", "Asynclings-Hints", "Asynclings-File"])
        #expect(commit.summary == "asynclings: pass 02-gather")
        let parsed = try #require(ProgressRecord(message: commit.message))
        #expect(parsed.lesson == "02-gather")
        #expect(parsed.status == "pass")
        #expect((parsed.checksPassed, parsed.checksTotal, parsed.attempts, parsed.hints) == (9, 9, 3, 1))
        #expect(parsed.file == "exercises/02-gather.py")
        #expect(parsed.commit == nil)
        #expect(recorded.date.map { before <= $0 && $0 <= after } == true)  // stamped when it was recorded
        #expect(recorded.blob?.hex == (try repo.git("rev-parse", "HEAD:exercises/02-gather.py").trimmed))
    }

    @Test func parsingIsLenientAboutCaseAndCountsButNeedsLessonAndFile() throws {
        let handWritten = "fix\n\nasynclings-lesson: 03-timeout\nASYNCLINGS-FILE: exercises/03.py\nAsynclings-Checks: nine\n"
        let record = try #require(ProgressRecord(message: handWritten))
        #expect(record.lesson == "03-timeout")
        #expect(record.file == "exercises/03.py")
        #expect((record.checksPassed, record.checksTotal, record.attempts, record.hints) == (0, 0, 0, 0))
        #expect(ProgressRecord(message: "no trailers here\n") == nil)
        #expect(ProgressRecord(message: "x\n\nAsynclings-Lesson: 01\n") == nil)
    }

    @Test func valuesThatWouldBreakTheBlockAreRefused() throws {
        var record = ProgressRecord.pass("02-gather")
        record.file = "a\nAsynclings-Status: pass"
        #expect(throws: GitStoreError.invalidTrailerValue(key: "Asynclings-File", value: record.file)) {
            try record.commitMessage()
        }
        record = .pass("")
        #expect(throws: GitStoreError.invalidTrailerValue(key: "Asynclings-Lesson", value: "")) {
            try record.commitMessage()
        }
    }
}
