import Course
import Foundation
import Grading
import Workshop

/// What `asynclings check` says about a grade once it is recorded (or why it is not).
public enum CheckText {
    /// One paragraph on the recording: where the pass went, or what was counted.
    /// - Parameters:
    ///   - remote: where a plain `git push` publishes the branch (nil: nowhere; then
    ///     pushing is not mentioned).
    ///   - leftBranch: the course's branch HEAD was on, when this pass moved it to the
    ///     learner's own.
    public static func describe(
        _ recording: LearnerSession.Recording, lesson: Lesson, remote: String? = nil, leftBranch: String? = nil
    ) -> String {
        switch recording {
        case .recorded(let branch, let commit, let attempts, let hints):
            var text = "Recorded the pass of \(lesson.id) on \(branch) (commit \(commit.prefix(7)); "
                + "\(attempts) attempt\(attempts == 1 ? "" : "s"), \(hints) hint\(hints == 1 ? "" : "s"))."
            if let leftBranch {
                text += "\n\(leftBranch) holds the course, so your passes go on a branch of your own: you are on \(branch) now "
                    + "(only HEAD moved). `asynclings init --learner NAME` gives it another name."
            }
            if let remote { text += " `git push` shares it with your instructor (\(remote))." }
            return text
        case .attemptCounted(let attempts):
            return "Not recorded: the grade failed. Attempt \(attempts) counted; fix the file and run `asynclings check \(lesson.id)` again."
        case .notRecorded(let reason):
            return "Not recorded: \(reason)."
        }
    }

    /// The report's JSON object with a `recording` object appended, keeping the report's
    /// own keys first and in docs/DESIGN.md's order.
    public static func json(_ outcome: LearnerSession.CheckOutcome) -> String {
        let recording: [String: Any]
        switch outcome.recording {
        case .recorded(let branch, let commit, let attempts, let hints):
            recording = ["status": "recorded", "branch": branch, "commit": commit, "attempts": attempts, "hints": hints]
        case .attemptCounted(let attempts):
            recording = ["status": "attempt-counted", "attempts": attempts]
        case .notRecorded(let reason):
            recording = ["status": "not-recorded", "reason": reason.description]
        }
        let data = (try? JSONSerialization.data(withJSONObject: recording, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        let report = outcome.report.json()
        return String(report.dropLast()) + #","recording":"# + String(decoding: data, as: UTF8.self) + "}"
    }
}
