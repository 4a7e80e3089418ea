import Foundation
import TerminalKit
import TestSupport
import Testing

import Glibc

/// `asynclings class --watch` on a pseudo-terminal: a room whose branches change between
/// refreshes, a fetch that fails and recovers, and every way out restoring the terminal.
@Suite("class --watch through a pseudo-terminal", .serialized, .scratchDirectory)
struct ClassWatchTests {
    /// A learner who pushes their branch to the room (no pass needed to get a row).
    static func push(_ name: String, to room: Room) throws {
        let clone = try room.clone(name)
        try Git.run(["checkout", "-q", "-b", "learner/\(name)"], in: clone)
        try Git.run(["push", "-q", "origin", "learner/\(name)"], in: clone)
    }

    @Test(arguments: ["q", "\u{03}"])
    func theViewFollowsTheRoomSurvivesAFailedFetchAndQuitsCleanly(quit: String) throws {
        let room = try Room(in: Scratch.directory)
        try Self.push("ada", to: room)
        let teacher = try room.clone("teacher")
        let html = teacher.appendingPathComponent("class.html")
        let session = try PseudoTerminalSession(
            arguments: ["class", "--watch", "1", "--regrade", "--html", html.path] + pythonArguments, in: teacher, columns: 80, rows: 24)
        let before = session.settings()
        #expect(session.waitFor("1 learner × 3 lessons", "re-graded with origin/main", "ada", "updated", "every 1 s"), "\(session.screen)")
        #expect(!sameSettings(before, session.settings()), "the view takes the terminal raw")

        // A learner pushes between two refreshes: the next one shows them.
        try Self.push("bob", to: room)
        #expect(session.waitFor("2 learners × 3 lessons", "bob"), "\(session.screen)")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("<meta http-equiv=\"refresh\" content=\"1\">"))

        // The room becomes unreachable: the failure is shown, the last view stays.
        let gone = room.directory.appendingPathComponent("room-away.git")
        try FileManager.default.moveItem(at: room.bare, to: gone)
        #expect(session.waitFor("fetching origin failed", "showing"), "\(session.screen)")
        #expect(!session.screen.contains("Could not read the room"))

        // It comes back, with a new learner.
        try FileManager.default.moveItem(at: gone, to: room.bare)
        try Self.push("cy", to: room)
        #expect(session.waitFor("3 learners × 3 lessons", "cy", "updated"), "\(session.screen)")

        // Every screen fitted 80×24: no cell drawn and erased, no text past the edge, and
        // the status line whole (as wide as the screen) in every frame.
        #expect(session.emulator.losses.isEmpty, "\(session.emulator.losses)")
        #expect(session.emulator.overflows.isEmpty, "\(session.emulator.lines)")
        let statusLines = session.emulator.frames.compactMap { $0.last { !$0.isEmpty } }
        #expect(statusLines.contains { $0.hasPrefix("✗") && $0.contains("(showing") && ANSI.visibleWidth(of: $0) == 80 })

        session.type(quit)
        #expect(session.waitForExit() == 0)
        #expect(sameSettings(before, session.settings()), "the terminal settings are restored")
        #expect(session.raw.contains("\u{1B}[?1049l"))
    }

    @Test func aSignalFromOutsideRestoresTheTerminalToo() throws {
        let room = try Room(in: Scratch.directory)
        try Self.push("ada", to: room)
        let teacher = try room.clone("teacher")
        let session = try PseudoTerminalSession(arguments: ["class", "--watch"], in: teacher, columns: 200, rows: 50)
        let before = session.settings()
        #expect(session.waitFor("ada", "every 30 s"), "\(session.screen)")
        #expect(session.emulator.losses.isEmpty && session.emulator.overflows.isEmpty, "\(session.emulator.lines)")
        #expect(session.emulator.lines.contains { $0.hasPrefix("learner") && $0.contains("passed  attempts  hints  last pass") })
        kill(session.process.processIdentifier, SIGTERM)
        #expect(session.waitForExit() == 143)
        #expect(sameSettings(before, session.settings()))
    }
}
