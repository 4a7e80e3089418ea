import ArgumentParser
import Course
import Foundation

/// Shell completion of lesson ids: the shell asks the binary, which lists the lessons of
/// the course around the working directory (nothing when there is none). ArgumentParser
/// calls this without a `CommandContext`; the shell starts the binary in its own
/// directory, so the process's is the right one.
enum LessonCompletion {
    static let kind = CompletionKind.custom { _, _, prefix in
        guard let root = try? Course.locate(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) else {
            return []
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("lessons").path)) ?? []
        return names.filter { Lesson.number(ofID: $0) != nil && $0.hasPrefix(prefix) }.sorted()
    }
}
