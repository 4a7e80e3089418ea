import CGit2
import Foundation

/// One `Key: value` line from a commit message's trailer block.
public struct Trailer: Hashable, Sendable {
    /// The key as written, e.g. `Asynclings-Lesson`.
    public let key: String
    /// The value, trimmed of surrounding whitespace.
    public let value: String

    /// A trailer with the given key and value.
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
        /// The lesson id.
        public static let lesson = "Asynclings-Lesson"
        /// The grade status (`pass`).
        public static let status = "Asynclings-Status"
        /// Checks passed out of checks run, `9/9`.
        public static let checks = "Asynclings-Checks"
        /// Grades run for the lesson on the branch.
        public static let attempts = "Asynclings-Attempts"
        /// Hints shown for the lesson on the branch.
        public static let hints = "Asynclings-Hints"
        /// The recorded file, relative to the working tree root.
        public static let file = "Asynclings-File"
    }

    /// The lesson id, e.g. `02-gather`.
    public var lesson: String
    /// The grade status; `pass` for every record the engine writes.
    public var status: String
    /// Checks that passed.
    public var checksPassed: Int
    /// Checks that ran.
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
    /// The blob of the lesson's exercise file in that commit, i.e. the graded bytes; nil
    /// before it is recorded, or when the commit holds no such file. Which path that is
    /// is the reader's to say (see `Repository.progress(branch:exercisePath:)`), never
    /// `file`: a trailer is whatever the learner wrote.
    public internal(set) var blob: ObjectID?
    /// The recording commit's root tree, where `blob` is looked up.
    var treeID: ObjectID?

    /// The largest attempt or hint count a trailer may give; larger ones read as 0.
    /// A learner grading a file once a second for a week stays well below.
    public static let maximumCount = 1_000_000
    /// The most checks a record may count; a larger `Asynclings-Checks` reads as 0/0.
    public static let maximumChecks = 10_000
    /// Commit times a record's date may have: from 1970 to the end of year 9999. A
    /// commit object can claim any 64-bit time; outside these, the date is unknown.
    public static let plausibleDates: ClosedRange<Date> =
        Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)

    /// A record to write; `commit`, `date` and `blob` are filled in by `recordPass`.
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
    /// Missing, malformed or out-of-bounds counts read as 0 so that a hand-edited record
    /// still shows: only plain decimal digits count (no sign, no spaces inside), up to
    /// ``maximumCount`` attempts or hints and ``maximumChecks`` checks, with no more
    /// passed than run. Nothing a trailer says can overflow a sum of them.
    public init?(message: String) {
        self.init(trailers: Trailer.parse(message))
    }

    /// Reads a record from parsed trailers; see `init(message:)`.
    public init?(trailers: [Trailer]) {
        // The last occurrence of a key wins, as with `git interpret-trailers --parse | tail`.
        var lesson = "", status = "", checks = "", attempts = "", hints = "", file = ""
        for trailer in trailers {
            switch trailer.key.lowercased() {
            case Key.lesson.lowercased(): lesson = trailer.value
            case Key.status.lowercased(): status = trailer.value
            case Key.checks.lowercased(): checks = trailer.value
            case Key.attempts.lowercased(): attempts = trailer.value
            case Key.hints.lowercased(): hints = trailer.value
            case Key.file.lowercased(): file = trailer.value
            default: continue
            }
        }
        guard !lesson.isEmpty, !file.isEmpty else { return nil }
        let fraction = checks.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var passed = 0
        var total = 0
        if fraction.count == 2, let p = Self.count(fraction[0], maximum: Self.maximumChecks),
            let t = Self.count(fraction[1], maximum: Self.maximumChecks), p <= t
        {
            (passed, total) = (p, t)
        }
        self.init(
            lesson: lesson, status: status, checksPassed: passed, checksTotal: total,
            attempts: Self.count(attempts, maximum: Self.maximumCount) ?? 0,
            hints: Self.count(hints, maximum: Self.maximumCount) ?? 0, file: file)
    }

    /// A count written in a trailer: one to seven ASCII digits, at most `maximum`; nil
    /// for anything else (`-1`, `+3`, `1e9`, `٣`, `9223372036854775807`).
    static func count(_ text: some StringProtocol, maximum: Int) -> Int? {
        let digits = text.utf8
        guard (1...7).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int(String(text)), value <= maximum
        else { return nil }
        return value
    }

    /// The date a record is shown with: its commit's time when within ``plausibleDates``.
    static func plausibleDate(_ date: Date) -> Date? {
        plausibleDates.contains(date) ? date : nil
    }
}
