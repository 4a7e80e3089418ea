import Foundation

/// Something wrong with a lesson folder. The lesson is left out; the rest of the course loads.
///
/// Each problem names the file, the field (when there is one) and the fix, so a course
/// author can act on it without reading the loader.
public struct CourseProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let field: String?
    public let message: String
    public let fix: String

    public init(file: String, field: String? = nil, message: String, fix: String) {
        self.file = file
        self.field = field
        self.message = message
        self.fix = fix
    }

    public var description: String {
        let place = field.map { "\(file): field `\($0)`" } ?? file
        return "\(place): \(message)\n  fix: \(fix)"
    }
}

/// Errors finding the course or a lesson in it.
public enum CourseError: Error, Sendable, CustomStringConvertible {
    /// No `lessons/` folder above the working directory, and none given.
    case courseNotFound(searchedFrom: String)
    /// The id matched no lesson (the valid ids are listed).
    case unknownLesson(String, valid: [String])
    /// The id is a prefix of several lessons.
    case ambiguousLesson(String, matches: [String])
    /// The lesson exists but is malformed.
    case malformedLesson(String, problems: [CourseProblem])

    /// What is wrong, in one sentence without its fix (`doctor` shows the two apart).
    public var reason: String {
        switch self {
        case .courseNotFound(let path): "no course found: there is no `lessons/` folder in \(path) or above it"
        default: description
        }
    }

    /// The one fix, when it is not part of the description already.
    public var fix: String? {
        switch self {
        case .courseNotFound: "run asynclings from the course folder (the one holding lessons/), or pass --course DIR"
        default: nil
        }
    }

    /// Every one is the user's to fix (a folder, a lesson id): a usage error.
    public var exitCode: Int32 { 2 }

    public var description: String {
        switch self {
        case .courseNotFound:
            return "\(reason).\n  fix: \(fix ?? "")."
        case .unknownLesson(let id, let valid):
            if let guess = Lesson.closestIDs(to: id, among: valid).first {
                return "unknown lesson `\(id)`. Did you mean `\(guess)`? (`asynclings list` shows every lesson.)"
            }
            return "unknown lesson `\(id)`. Valid lessons:\n" + valid.map { "  \($0)" }.joined(separator: "\n")
        case .ambiguousLesson(let id, let matches):
            return "`\(id)` matches several lessons: \(matches.joined(separator: ", ")). Give more of the id."
        case .malformedLesson(let id, let problems):
            return "lesson `\(id)` cannot be used:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}
