import Course
import Foundation
import Grading
import Views
import Watch
import Workshop

/// Opening lessons and grading them: one grade at a time on the worker, the latest
/// request queued behind it.
extension WatchApp {
    func lesson(_ id: String) -> Lesson? {
        model.lessons.first { $0.id == id }
    }

    func open(_ lessonID: String) {
        guard let lesson = lesson(lessonID) else { return }
        learnerCode = nil
        solutionCode = (try? String(contentsOf: lesson.solution, encoding: .utf8))
        do {
            if try ExerciseFiles(course: session.course).start(lesson) == .created {
                ownWrites[lesson.exerciseFileName] = FileSignature.of(path: session.course.exerciseFile(for: lesson).path)
                // After what the key said (`Skipped 01-… for now`), not instead of it.
                let created = "Created \(lesson.exercisePath) from the starter: open it in your editor."
                model.notice = model.notice.map { $0 + "\n" + created } ?? created
            }
        } catch {
            model.notice = "\(error)"
        }
        requestGrade(lessonID, reason: .opened)
    }

    func requestGrade(_ lessonID: String, reason: WatchModel.GradeReason) {
        model.grading = true
        if inFlight != nil {
            // Keep the strongest reason: a save or `r` counts as an attempt, an open does not.
            if queued?.lessonID == lessonID, queued?.reason != .opened, reason == .opened { return }
            queued = (lessonID, reason)
            return
        }
        startGrade(lessonID, reason: reason)
    }

    func startGrade(_ lessonID: String, reason: WatchModel.GradeReason) {
        guard let lesson = lesson(lessonID) else { return }
        inFlight = lessonID
        let alreadyPassed = model.passed.contains(lessonID)
        let session = self.session
        let file = session.course.exerciseFile(for: lesson)
        worker.async { [events] in
            let result = Result { () throws(GradingError) -> WatchCheck in
                let graded = try session.gradeExercise(lesson)
                // A save or `r` records its grade; opening a lesson only records a pass not yet recorded
                // (it is not an attempt). One grade either way, recorded from the bytes it graded.
                let records = reason != .opened || (!alreadyPassed && graded.report.status == .pass)
                let recording = records ? session.record(graded) : .notRecorded(.openedNotAttempted)
                return WatchCheck(report: graded.report, recording: recording, hintsSeen: session.hintsSeen(lesson))
            }
            let content = try? String(contentsOf: file, encoding: .utf8)
            events.post(.graded(lessonID: lessonID, result, content: content))
            // After the verdict is on its way: the branch may have moved or been switched.
            events.post(.progress(passed: session.passedLessons(), store: session.store()))
        }
    }
}
