import Course
import TerminalKit
import TestSupport
import Testing

@testable import Views

/// The header's count and status, and the line left on quitting.
extension WatchViewTests {
    var style: TerminalRenderer.Style { TerminalRenderer.Style(color: false, width: 80) }

    @Test func beforeProgressIsReadTheScreenShowsNoCount() throws {
        let model = WatchModel(lessons: try sampleCourse().lessons)  // .loading, nothing passed yet
        let lines = WatchView(style: style, rows: 24).render(model).lines
        #expect(!lines.contains { $0.contains("lessons done") }, "\(lines)")
        #expect(lines.contains { $0.contains("reading your progress") })
    }

    @Test func onceLoadedTheCountIsShown() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons, passed: ["01-one"])
        _ = model.open(1)
        let lines = WatchView(style: style, rows: 24).render(model).lines
        #expect(lines.contains { $0.contains("1/3 lessons done") }, "\(lines)")
    }

    @Test func aLongFileStatusWrapsInsteadOfBeingCut() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        model.grading = false
        let status = "watching (inotify) · r grades by hand · and a few more words to make it long"
        let lines = WatchView(style: style, rows: 24, watchStatus: status).render(model).lines
        #expect(!lines.contains { $0.hasSuffix("…") }, "\(lines)")
        #expect(lines.joined(separator: " ").contains("make it long"), "\(lines)")
        #expect(lines.allSatisfy { ANSI.visibleWidth(of: $0) <= 80 })
    }

    @Test(
        arguments: [
            (0, "01-one", "01-one", "asynclings: 0 of 3 lessons passed. Run `asynclings` to continue with 01-one."),
            (
                0, "01-one", "03-three",
                "asynclings: 0 of 3 lessons passed. Run `asynclings` to continue with 01-one (the first lesson not passed yet), "
                    + "or `asynclings watch 03-three` to come back to 03-three."
            ),
            (1, "02-two", nil, "asynclings: 1 of 3 lessons passed. Run `asynclings` to continue with 02-two."),
        ] as [(Int, String, String?, String)])
    func theFarewellNamesTheLessonTheNextRunOpens(passed: Int, resume: String, current: String?, expected: String) {
        #expect(WatchView.farewell(passed: passed, of: 3, resume: resume, current: current) == expected)
    }

    @Test func theFarewellAfterTheLastLesson() {
        #expect(WatchView.farewell(passed: 3, of: 3, resume: nil, current: "03-three") == "asynclings: 3 of 3 lessons passed. Every lesson is done.")
    }
}
