import Course
import Foundation
import Grading
import TerminalKit
import TestSupport
import Testing
import Workshop

@testable import Views

@Suite("Watch mode with hostile text", .scratchDirectory)
struct WatchViewHostileTests {
    /// Every screen that shows text from the learner's side (their branch name, a grade
    /// report, a notice quoting an error, their own code), in colour and plain.
    @Test(arguments: [false, true])
    func nothingTheLearnerWroteDrivesTheTerminal(color: Bool) throws {
        let attacks = Hostile.sequences.joined(separator: " ")
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        model.notice = "could not read exercises/\(Hostile.clearScreen).py: " + attacks
        var failing = check("01-one", .fail)
        failing.report.checks[1].message = "work() printed " + attacks + "\nand more " + Hostile.hyperlink
        failing.report.output = "hello " + Hostile.setTitle
        let view = WatchView(
            style: TerminalRenderer.Style(color: color, width: 100), rows: 60, watchStatus: "watching " + Hostile.c1ClearScreen,
            storeStatus: "recording on branch learner/" + Hostile.rightToLeftOverride + "nna",
            learnerCode: "async def work() -> int:\n    return 42  # " + attacks + "\n", solutionCode: SampleLesson.solution)
        model.graded("01-one", .success(failing))
        var screens = [view.render(model).lines]
        model.graded(
            "01-one",
            .success(check("01-one", .pass, recording: .recorded(branch: "learner/" + Hostile.clearScreen, commit: "abcdef1234", attempts: 1, hints: 0))))
        screens.append(view.render(model).lines)
        model.screen = .lesson
        model.verdict = .unavailable("python said " + attacks)
        screens.append(view.render(model).lines)
        model.screen = .passed
        model.verdict = .graded(check("01-one", .pass, recording: .notRecorded(.commitFailed("git said " + attacks))))
        screens.append(view.render(model).lines)

        for lines in screens {
            let text = lines.joined(separator: "\n")
            #expect(Hostile.activeContent(in: text).isEmpty, "\(text.debugDescription)")
        }
        let everything = screens.flatMap { $0 }.map(ANSI.strip).joined(separator: "\n")
        #expect(everything.contains("learner/\\u202enna"))
        #expect(everything.contains("Recorded on learner/\\x1b[2J"))
        #expect(everything.contains("python said \\x1b[2J"))
        #expect(everything.contains("return 42  # \\x1b[2J"))
        #expect(everything.contains("git said \\x1b[2J"))
    }
}
