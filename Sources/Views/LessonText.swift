import Foundation
import Course

/// The markdown shown for a lesson (`asynclings show`, `s` in watch mode).
public enum LessonText {
    /// The lesson's body under its title (unless the body opens with its own level-1
    /// heading), with the id and the one-sentence goal first.
    public static func markdown(_ lesson: Lesson) -> String {
        let body = lesson.body.trimmingCharacters(in: .whitespacesAndNewlines)
        let heading = body.hasPrefix("# ") ? "" : "# \(lesson.title)\n\n"
        return "*\(lesson.id) · \(lesson.summary)*\n\n" + heading + body
    }
}
