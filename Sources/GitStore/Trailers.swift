import CGit2
import Foundation

/// One `Key: value` line from a commit message's trailer block.
public struct Trailer: Hashable, Sendable {
    public let key: String
    public let value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Parses the trailer block (the last paragraph) of `message` with libgit2's
    /// `git_message_trailers`, which follows `git interpret-trailers --parse`.
    public static func parse(_ message: String) -> [Trailer] {
        // May be the first libgit2 call of the process: its allocator needs the init.
        _ = libgit2Ready
        var array = git_message_trailer_array()
        guard git_message_trailers(&array, message) == 0 else { return [] }
        defer { git_message_trailer_array_free(&array) }
        guard let trailers = array.trailers else { return [] }
        return (0..<array.count).map { index in
            Trailer(key: string(trailers[index].key) ?? "", value: string(trailers[index].value) ?? "")
        }
    }
}

/// One recorded pass: what the commit's trailers say, plus where it lives in history.
///
/// Written as the commit message
/// ```
/// asynclings: pass 02-gather
///
/// Asynclings-Lesson: 02-gather
/// Asynclings-Status: pass
/// Asynclings-Checks: 9/9
/// Asynclings-Attempts: 3
/// Asynclings-Hints: 1
/// Asynclings-File: exercises/02-gather.py
/// ```
public struct ProgressRecord: Hashable, Sendable {
    /// The trailer keys, as written. Parsing compares them case-insensitively, like git.
    public enum Key {
        public static let lesson = "Asynclings-Lesson"
        public static let status = "Asynclings-Status"
        public static let checks = "Asynclings-Checks"
        public static let attempts = "Asynclings-Attempts"
        public static let hints = "Asynclings-Hints"
        public static let file = "Asynclings-File"
    }

    /// The lesson id, e.g. `02-gather`.
    public var lesson: String
    /// The grade status; `pass` for every record the engine writes.
    public var status: String
    public var checksPassed: Int
    public var checksTotal: Int
    /// Grades of this lesson on this branch up to and including the pass.
    public var attempts: Int
    /// Hints shown for this lesson on this branch before the pass.
    public var hints: Int
    /// The recorded exercise file, relative to the working tree root (`exercises/02-gather.py`).
    public var file: String
    /// The commit holding the record; nil before it is recorded.
    public internal(set) var commit: ObjectID?
    /// The commit's committer time; nil before it is recorded.
    public internal(set) var date: Date?
    /// The blob of `file` in that commit, i.e. the graded bytes; nil before it is
    /// recorded, or when the commit does not contain `file`.
    public internal(set) var blob: ObjectID?

    public init(
        lesson: String, status: String = "pass", checksPassed: Int, checksTotal: Int,
        attempts: Int, hints: Int, file: String
    ) {
        self.lesson = lesson
        self.status = status
        self.checksPassed = checksPassed
        self.checksTotal = checksTotal
        self.attempts = attempts
        self.hints = hints
        self.file = file
    }

    /// The commit message for this record: a summary line, a blank line, the trailers.
    ///
    /// - Throws: `.invalidTrailerValue` when the lesson, status or file is empty or holds
    ///   a line break, which would cut the trailer block short.
    public func commitMessage() throws(GitStoreError) -> String {
        for (key, value) in [(Key.lesson, lesson), (Key.status, status), (Key.file, file)]
        where value.isEmpty || value.contains(where: \.isNewline) {
            throw .invalidTrailerValue(key: key, value: value)
        }
        return """
            asynclings: \(status) \(lesson)

            \(Key.lesson): \(lesson)
            \(Key.status): \(status)
            \(Key.checks): \(checksPassed)/\(checksTotal)
            \(Key.attempts): \(attempts)
            \(Key.hints): \(hints)
            \(Key.file): \(file)

            """
    }

    /// Reads a record from a commit message's trailers; nil when the message has no
    /// `Asynclings-Lesson` and `Asynclings-File` trailers (not an asynclings record).
    /// Missing or malformed counts read as 0 so that a hand-edited record still shows.
    public init?(message: String) {
        self.init(trailers: Trailer.parse(message))
    }

    /// Reads a record from parsed trailers; see `init(message:)`.
    public init?(trailers: [Trailer]) {
        var values: [String: String] = [:]
        for trailer in trailers {
            // The last occurrence wins, as with `git interpret-trailers --parse | tail`.
            values[trailer.key.lowercased()] = trailer.value
        }
        func value(_ key: String) -> String? { values[key.lowercased()] }
        guard let lesson = value(Key.lesson), !lesson.isEmpty, let file = value(Key.file), !file.isEmpty else {
            return nil
        }
        let checks = (value(Key.checks) ?? "").split(separator: "/", maxSplits: 1)
        self.init(
            lesson: lesson, status: value(Key.status) ?? "",
            checksPassed: checks.first.flatMap { Int($0) } ?? 0,
            checksTotal: checks.count == 2 ? Int(checks[1]) ?? 0 : 0,
            attempts: value(Key.attempts).flatMap { Int($0) } ?? 0,
            hints: value(Key.hints).flatMap { Int($0) } ?? 0,
            file: file)
    }
}
