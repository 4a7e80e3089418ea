import Foundation
import Yams

/// The course: every well-formed lesson under `lessons/`, and what is wrong with the others.
public struct Course: Sendable {
    /// The folder holding `lessons/` (and `exercises/`).
    public let root: URL
    /// Well-formed lessons, ordered by number.
    public let lessons: [Lesson]
    /// Lesson folders that could not be loaded, each with its reasons.
    public let problems: [CourseProblem]

    public var lessonsDirectory: URL { root.appendingPathComponent("lessons") }

    /// Where the learner's exercise files are (`exercises/`).
    public var exercisesDirectory: URL { root.appendingPathComponent(Lesson.exercisesFolder, isDirectory: true) }

    /// Walks up from `directory` to the first folder that has a `lessons/` folder.
    public static func locate(from directory: URL) throws(CourseError) -> URL {
        var current = directory.standardizedFileURL
        while true {
            var isDirectory: ObjCBool = false
            let lessons = current.appendingPathComponent("lessons").path
            if FileManager.default.fileExists(atPath: lessons, isDirectory: &isDirectory), isDirectory.boolValue {
                return current
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { throw .courseNotFound(searchedFrom: directory.path) }
            current = parent
        }
    }

    /// Loads every lesson folder under `root/lessons`. Never throws for a bad lesson:
    /// it goes to `problems` and the rest still loads.
    public static func load(root: URL) -> Course {
        let lessonsDirectory = root.appendingPathComponent("lessons")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: lessonsDirectory.path)) ?? []
        var lessons: [Lesson] = []
        var problems: [CourseProblem] = []
        for name in names.sorted() where !name.hasPrefix(".") && name != "__pycache__" {
            let directory = lessonsDirectory.appendingPathComponent(name, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
                isDirectory.boolValue
            else { continue }
            switch LessonLoader(directory: directory, root: root).load() {
            case .success(let lesson): lessons.append(lesson)
            case .failure(let found): problems.append(contentsOf: found.problems)
            }
        }
        // Duplicate ids: keep the first folder, report the others.
        var seen: [String: Lesson] = [:]
        var unique: [Lesson] = []
        for lesson in lessons {
            if let first = seen[lesson.id] {
                problems.append(
                    CourseProblem(
                        file: relative(lesson.directory.appendingPathComponent("lesson.md"), to: root), field: "id",
                        message: "duplicate lesson id `\(lesson.id)` (also used by \(relative(first.directory, to: root)))",
                        fix: "give each lesson a unique id matching its folder name"))
            } else {
                seen[lesson.id] = lesson
                unique.append(lesson)
            }
        }
        unique.sort { ($0.number, $0.id) < ($1.number, $1.id) }
        return Course(root: root, lessons: unique, problems: problems)
    }

    /// Loads only the lesson `query` names (matched against folder names), for commands that
    /// need one lesson: parsing every lesson's front matter would cost more than the grade's
    /// own start-up. Falls back to the whole course when the folder name does not decide.
    public static func loadLesson(_ query: String, root: URL) throws(CourseError) -> (Course, Lesson) {
        let lessonsDirectory = root.appendingPathComponent("lessons")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: lessonsDirectory.path)) ?? []).sorted()
        let candidates = matching(query, among: names.filter { !$0.hasPrefix(".") })
        if candidates.count == 1 {
            let directory = lessonsDirectory.appendingPathComponent(candidates[0], isDirectory: true)
            switch LessonLoader(directory: directory, root: root).load() {
            case .success(let lesson):
                return (Course(root: root, lessons: [lesson], problems: []), lesson)
            case .failure(let found):
                throw .malformedLesson(candidates[0], problems: found.problems)
            }
        }
        let course = load(root: root)
        return (course, try course.lesson(query))
    }

    /// Finds a lesson by full id (`02-gather`), number (`02`, `2`) or unique prefix / slug.
    public func lesson(_ query: String) throws(CourseError) -> Lesson {
        let matches = Self.matching(query, among: lessons.map(\.id))
        if matches.count == 1, let lesson = lessons.first(where: { $0.id == matches[0] }) { return lesson }
        if matches.count > 1 { throw .ambiguousLesson(query, matches: matches) }
        let broken = problems.filter { $0.file.hasPrefix("lessons/\(query)") }
        if !broken.isEmpty { throw .malformedLesson(query, problems: broken) }
        throw .unknownLesson(query, valid: lessons.map(\.id))
    }

    /// The lesson ids (or folder names) `query` names, best match first: the exact id, else
    /// the lesson numbered `query` (`02`, `2`), else ids starting with it or whose slug it is.
    static func matching(_ query: String, among ids: [String]) -> [String] {
        if ids.contains(query) { return [query] }
        if let number = Int(query) {
            let numbered = ids.filter { Int(Lesson.shortID(ofID: $0)) == number }
            if !numbered.isEmpty { return numbered }
        }
        return ids.filter { $0.hasPrefix(query) || Lesson.slug(ofID: $0) == query }
    }

    /// `url` relative to the course root (`lessons/02-gather/solution.py`), for messages and tables;
    /// unchanged when it is outside the course.
    public func relativePath(of url: URL) -> String {
        relative(url, to: root)
    }

    /// The learner's working file for a lesson.
    public func exerciseFile(for lesson: Lesson) -> URL {
        root.appendingPathComponent(lesson.exercisePath)
    }
}

func relative(_ url: URL, to root: URL) -> String {
    let path = url.standardizedFileURL.path
    let base = root.standardizedFileURL.path
    if path.hasPrefix(base + "/") { return String(path.dropFirst(base.count + 1)) }
    return path
}
