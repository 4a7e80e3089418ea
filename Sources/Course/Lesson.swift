import Foundation

/// One lesson folder, `lessons/NN-slug/`, as loaded from disk.
public struct Lesson: Sendable, Identifiable, Hashable {
    /// `02-gather`: the folder name, also the front matter's `id`.
    public let id: String
    public let number: Int
    public let title: String
    public let summary: String
    /// Lowest Python the lesson's exercise needs (e.g. 3.11 for TaskGroup).
    public let minimumPython: PythonVersion
    /// Real seconds a grade may take before the whole process group is killed.
    public let budgetSeconds: Double
    /// From gentle to explicit.
    public let hints: [String]
    /// The markdown after the front matter.
    public let body: String
    public let directory: URL
    public let starter: URL
    public let solution: URL
    public let checkScript: URL
    /// The lesson's own check ids, as `check.py` declares them (`CHECKS = [...]`); every
    /// report of the lesson also carries `CheckID.reportedByEveryGrade`.
    public let declaredChecks: [CheckID]
    public let wrongVariants: [WrongVariant]
    /// Correct alternatives to the reference solution (`right/*.py`), each in another
    /// idiomatic style: every one must pass every check.
    public let rightVariants: [URL]
    /// The reference solution's lines that matter, explained (front matter `explain`),
    /// shown beside the learner's code after a pass.
    public let explanations: [Explanation]

    /// What a grade of this lesson may see of its folder: `check.py`, its fixtures and their
    /// compiled bytecode; never the lesson text, the starter, the reference solution or the
    /// `wrong/` and `right/` variants. Listed afresh each time (bytecode comes and goes).
    public var gradingFiles: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let hidden = Set([directory.appendingPathComponent("lesson.md"), starter, solution].map(\.standardizedFileURL.path))
        return names.sorted()
            .filter { !$0.hasPrefix(".") && $0 != "wrong" && $0 != "right" }
            .map { directory.appendingPathComponent($0) }
            .filter { !hidden.contains($0.standardizedFileURL.path) }
    }

    /// Where the learner's working copy lives, relative to the course root.
    public var exercisePath: String { Self.exercisePath(ofWellFormedID: id) }

    /// The exercise file's name in the exercises folder: `02-gather.py`.
    public var exerciseFileName: String { Self.exerciseFileName(ofWellFormedID: id) }

    public static func == (lhs: Lesson, rhs: Lesson) -> Bool { lhs.id == rhs.id && lhs.directory == rhs.directory }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// How lessons are named, in one place: the loader, the trusted course of a regrade and
/// the class view all apply these rules, and the last reads lesson ids from trailers a
/// learner wrote.
extension Lesson {
    /// The longest lesson id accepted, in UTF-8 bytes: far more than a title-like slug
    /// needs, short enough to head a column.
    public static let maximumIDLength = 64

    /// The number of a well-formed lesson id, `NN-slug` (`02-gather` → 2): one to four
    /// ASCII digits, a dash, then ASCII letters, digits, `-` and `_`, at most
    /// ``maximumIDLength`` bytes in all. Nil for anything else, which names no lesson:
    /// no `/`, no `..`, no control or invisible character can reach a path built from it.
    public static func number(ofID id: String) -> Int? {
        let bytes = Array(id.utf8)
        guard bytes.count <= maximumIDLength, let dash = bytes.firstIndex(of: UInt8(ascii: "-")),
            (1...4).contains(dash), dash + 1 < bytes.count,
            bytes[..<dash].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            bytes[(dash + 1)...].allSatisfy({ byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    true
                default: false
                }
            })
        else { return nil }
        return Int(String(decoding: bytes[..<dash], as: UTF8.self))
    }

    /// The exercise file of the lesson `id` (`exercises/02-gather.py`), after
    /// `coursePrefix` (where the course sits in a repository: `""` at its root,
    /// `course/` in a subfolder); nil when `id` is not well-formed (see
    /// ``number(ofID:)``). The only place the path is spelled: where a learner's work is
    /// written, graded, recorded and re-graded.
    public static func exercisePath(forLessonID id: String, under coursePrefix: String = "") -> String? {
        number(ofID: id) == nil ? nil : coursePrefix + exercisePath(ofWellFormedID: id)
    }

    /// The folder of every exercise file, relative to the course root.
    public static let exercisesFolder = "exercises"

    private static func exercisePath(ofWellFormedID id: String) -> String {
        exercisesFolder + "/" + exerciseFileName(ofWellFormedID: id)
    }

    private static func exerciseFileName(ofWellFormedID id: String) -> String {
        id + ".py"
    }

    /// What comes before the id's first dash (`02` of `02-gather`): how a table too narrow
    /// for ids heads a lesson's column. The id itself when it has no dash.
    public static func shortID(ofID id: String) -> String {
        id.split(separator: "-", maxSplits: 1).first.map(String.init) ?? id
    }

    /// What follows the id's first dash (`gather` of `02-gather`); nil when nothing does.
    public static func slug(ofID id: String) -> String? {
        id.split(separator: "-", maxSplits: 1).dropFirst().first.map(String.init)
    }

    /// The lesson ids `query` is a typo of (its full id or its slug: `gahter` → `02-gather`),
    /// closest first.
    public static func closestIDs(to query: String, among ids: [String]) -> [String] {
        let bySlug = Spelling.closest(to: query, among: ids.map { slug(ofID: $0) ?? $0 })
        let byID = Spelling.closest(to: query, among: ids)
        var seen = Set<String>()
        return (byID + bySlug.compactMap { slug in ids.first { (Self.slug(ofID: $0) ?? $0) == slug } }).filter { seen.insert($0).inserted }
    }
}

/// Why a line of the reference solution is written the way it is.
///
/// `code` is a fragment of the solution (whitespace is ignored when matching), so the note
/// lands on every line that contains it, in the solution and in the learner's code alike.
public struct Explanation: Sendable, Hashable {
    public let code: String
    public let why: String

    public init(code: String, why: String) {
        self.code = code
        self.why = why
    }

    /// Whether `line` contains the fragment, ignoring whitespace.
    public func matches(_ line: String) -> Bool {
        let fragment = code.filter { !$0.isWhitespace }
        return !fragment.isEmpty && line.filter { !$0.isWhitespace }.contains(fragment)
    }
}

/// A known-wrong solution and the check it must fail (`# expect: fail <check-id>`).
public struct WrongVariant: Sendable, Hashable {
    public let file: URL
    public let expectedFailure: CheckID

    public var name: String { file.deletingPathExtension().lastPathComponent }
}

/// A `major.minor` Python version.
public struct PythonVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `3.11` (a patch component is accepted and ignored).
    public init?(_ text: String) {
        let parts = text.split(separator: ".").map { Int($0) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else { return nil }
        self.init(major: major, minor: minor)
    }

    public static let minimumSupported = PythonVersion(major: 3, minor: 11)

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: PythonVersion, rhs: PythonVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
