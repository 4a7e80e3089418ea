import Course
import Foundation
import Grading
import TerminalKit
import TestSupport
import Testing
import Workshop

@testable import Views

/// A course of three sample lessons in a scratch folder.
func sampleCourse() throws -> Course {
    for id in ["01-one", "02-two", "03-three"] { try SampleLesson.write(id: id, in: Scratch.directory) }
    let course = Course.load(root: Scratch.directory)
    #expect(course.problems.isEmpty)
    return course
}

func check(_ lesson: String, _ status: GradeReport.Status, recording: LearnerSession.Recording = .attemptCounted(attempts: 1)) -> WatchCheck {
    let checks = [
        GradeReport.Check(id: "compile", status: .pass, message: "the file compiles"),
        GradeReport.Check(id: "behaviour", status: status == .pass ? .pass : .fail, message: status == .pass ? "right" : "work() returned 0; expected 42."),
    ]
    return WatchCheck(report: GradeReport(lesson: lesson, file: "exercises/\(lesson).py", status: status, checks: checks), recording: recording)
}

@Suite("Watch mode state", .scratchDirectory)
struct WatchModelTests {
    @Test func openingALessonAsksForItsFileAndAGrade() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        #expect(model.open(1) == [.open(lessonID: "02-two")])
        #expect(model.screen == .lesson)
        #expect(model.grading)
    }

    @Test func aPassShowsThePassScreenAndNextGoesToTheNextUnfinishedLesson() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons, passed: ["02-two"])
        _ = model.open(0)
        model.graded("01-one", .success(check("01-one", .pass)))
        #expect(model.screen == .passed)
        #expect(model.passed.contains("01-one"))
        #expect(model.handle(.character("n")) == [.open(lessonID: "03-three")])
    }

    @Test func breakingAPassingFileGoesBackToTheLessonScreen() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        model.graded("01-one", .success(check("01-one", .pass)))
        model.graded("01-one", .success(check("01-one", .fail)))
        #expect(model.screen == .lesson)
        // The next run would not count it either: the file as it is now decides.
        #expect(!model.passed.contains("01-one"))
    }

    @Test func nextOnAnUnpassedLessonSkipsAheadAndSaysSo() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        #expect(model.handle(.character("n")) == [.open(lessonID: "02-two")])
        #expect(model.notice?.contains("Skipped 01-one") == true)
    }

    @Test func theLastLessonPassedFinishesTheCourse() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons, passed: ["01-one", "02-two"])
        _ = model.open(2)
        model.graded("03-three", .success(check("03-three", .pass)))
        #expect(model.handle(.enter) == [])
        #expect(model.screen == .finished)
    }

    @Test func aGradeOfALessonLeftMeanwhileIsIgnored() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        _ = model.open(1)
        model.graded("01-one", .success(check("01-one", .pass)))
        #expect(model.screen == .lesson)
        #expect(!model.passed.contains("01-one"))
        #expect(model.grading)
    }

    @Test func keysOnTheLessonScreen() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        #expect(model.handle(.character("h")) == [.takeHint(lessonID: "01-one")])
        #expect(model.handle(.character("r")) == [.grade(lessonID: "01-one", reason: .rerun)])
        #expect(model.handle(.character("s")) == [])
        #expect(model.screen == .text)
        #expect(model.handle(.escape) == [])
        #expect(model.screen == .lesson)
        #expect(model.handle(.character("l")) == [])
        #expect(model.screen == .list(selection: 0))
    }

    @Test func theListMovesAndOpens() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        _ = model.handle(.character("l"))
        _ = model.handle(.down)
        _ = model.handle(.down)
        _ = model.handle(.down)  // stops at the last lesson
        #expect(model.screen == .list(selection: 2))
        #expect(model.handle(.enter) == [.open(lessonID: "03-three")])
        _ = model.handle(.character("l"))
        _ = model.handle(.escape)
        #expect(model.screen == .lesson)
    }

    @Test func theListSearchesByIdOrTitle() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        _ = model.handle(.character("l"))
        _ = model.handle(.character("/"))
        for character in "thr" { _ = model.handle(.character(character)) }
        #expect(model.listedLessons == [2])
        #expect(model.screen == .list(selection: 2))
        _ = model.handle(.character("q"))  // typed, not quit
        #expect(!model.quitting)
        #expect(model.listedLessons.isEmpty)
        _ = model.handle(.backspace)
        #expect(model.handle(.enter) == [.open(lessonID: "03-three")])
        #expect(model.listQuery == nil)
    }

    @Test func quitWaitsOnceThenQuitsNow() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        #expect(model.handle(.character("q")) == [.quit])
        #expect(model.quitting)
        #expect(model.handle(.control("c")) == [.quitNow])
    }

    @Test func theHintLadderShowsEveryRungSoFarAndSaysWhenItEnds() throws {
        let course = try sampleCourse()
        var model = WatchModel(lessons: course.lessons)
        _ = model.open(0)
        let hints = course.lessons[0].hints
        model.hintTaken("01-one", (1, 3, hints[0]), all: hints)
        model.hintTaken("01-one", (2, 3, hints[1]), all: hints)
        #expect(model.hints["01-one"] == ["first", "second"])
        model.hintTaken("01-one", (3, 3, hints[2]), all: hints)
        #expect(model.notice == nil)
        model.hintTaken("01-one", (3, 3, hints[2]), all: hints)
        #expect(model.notice?.contains("last hint") == true)
    }
}

@Suite("Watch mode screens", .scratchDirectory)
struct WatchViewTests {
    func screens(_ model: WatchModel, width: Int = 80, rows: Int = 24, color: Bool = false) -> [String] {
        let view = WatchView(
            style: TerminalRenderer.Style(color: color, width: width), rows: rows, watchStatus: "watching (inotify)",
            storeStatus: "recording on branch learner/ann", learnerCode: SampleLesson.solution, solutionCode: SampleLesson.solution)
        return view.render(model).lines
    }

    @Test(arguments: [(40, 12), (80, 24), (132, 50)] as [(Int, Int)])
    func everyScreenFitsTheTerminal(width: Int, rows: Int) throws {
        let course = try sampleCourse()
        var model = WatchModel(lessons: course.lessons)
        var states: [WatchModel] = [model]
        _ = model.open(0)
        model.graded("01-one", .success(check("01-one", .fail)))
        states.append(model)
        model.hintTaken("01-one", (1, 3, "first"), all: course.lessons[0].hints)
        states.append(model)
        model.graded("01-one", .success(check("01-one", .pass, recording: .recorded(branch: "learner/ann", commit: "abcdef1234", attempts: 2, hints: 1))))
        states.append(model)
        _ = model.handle(.character("s"))
        states.append(model)
        _ = model.handle(.character("l"))
        states.append(model)
        for state in states {
            for color in [false, true] {
                let lines = screens(state, width: width, rows: rows, color: color)
                #expect(lines.count <= rows)
                for line in lines { #expect(ANSI.visibleWidth(of: line) <= width, "\(line)") }
                if !color { #expect(!lines.joined().contains("\u{1B}")) }
            }
        }
    }

    @Test func theLessonScreenShowsGoalVerdictAndKeys() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        model.graded("01-one", .success(check("01-one", .fail)))
        let text = screens(model, width: 100, rows: 40).joined(separator: "\n")
        #expect(text.contains("01-one"))
        #expect(text.contains("Goal: A lesson made by a test."))
        #expect(text.contains("FAIL"))
        #expect(text.contains("press h for a hint"))
        #expect(text.contains("h hint"))
        #expect(text.contains("s text"))
        #expect(text.contains("q quit"))
        #expect(text.contains("0/3 lessons done"))
        #expect(text.contains("watching (inotify)"))
    }

    @Test func theFailingVerdictCountsTheHintsLeftAsTheyAreTaken() throws {
        let course = try sampleCourse()
        var model = WatchModel(lessons: course.lessons)
        _ = model.open(0)
        var failing = check("01-one", .fail)
        failing.hintsSeen = 1  // seen in an earlier session
        model.graded("01-one", .success(failing))
        func hintLine() -> String? { screens(model).first { $0.contains("Stuck?") } }
        #expect(hintLine()?.contains("2 of 3 hints left") == true, "\(screens(model))")
        let hints = course.lessons[0].hints
        model.hintTaken("01-one", (2, 3, hints[1]), all: hints)
        #expect(hintLine()?.contains("1 of 3 hints left") == true, "\(screens(model))")
        model.hintTaken("01-one", (3, 3, hints[2]), all: hints)
        #expect(hintLine()?.contains("seen all 3 hints") == true, "\(screens(model))")
    }

    @Test func thePassScreenShowsTheRecordAndTheCodeBesideTheSolution() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        model.graded("01-one", .success(check("01-one", .pass, recording: .recorded(branch: "learner/ann", commit: "abcdef1234", attempts: 2, hints: 1))))
        let text = screens(model, width: 120, rows: 60).joined(separator: "\n")
        #expect(text.contains("✓ 01-one passed"))
        #expect(text.contains("Recorded on learner/ann as commit abcdef1 (2 attempts, 1 hint)."))
        #expect(text.contains("Your code beside the reference solution"))
        #expect(text.contains("02-two"))
        #expect(text.contains("1/3 lessons done"))
    }

    @Test func aLongBodyScrollsAndSaysHowMuchIsLeft() throws {
        var model = WatchModel(lessons: try sampleCourse().lessons)
        _ = model.open(0)
        _ = model.handle(.character("s"))
        var lines = screens(model, width: 30, rows: 10)
        #expect(lines.contains { $0.contains("more line") })
        model.scroll = 1_000
        let view = WatchView(style: TerminalRenderer.Style(color: false, width: 30), rows: 10)
        let clamped = view.render(model).scroll
        #expect(clamped < 1_000)
        model.scroll = clamped
        lines = view.render(model).lines
        #expect(!lines.contains { $0.contains("more line") })
    }
}
