import CGit2
import Foundation

import Glibc

/// Attempts and hints for one lesson on one branch.
public struct LessonCounters: Codable, Hashable, Sendable {
    /// Grades run since the lesson's last recorded pass.
    public var attempts: Int
    /// Distinct hints of the ladder seen (the highest rung shown): never reset by a pass,
    /// and never more than the ladder has.
    public var hints: Int

    /// Counters starting at the given values; zero by default.
    public init(attempts: Int = 0, hints: Int = 0) {
        self.attempts = attempts
        self.hints = hints
    }
}

/// Local attempt and hint counters, one JSON file per branch under
/// `.git/asynclings/counters/`, never committed.
///
/// They live in the git directory so they stay out of `git status` and out of every
/// branch, and follow the learner's clone, not a branch. Each update holds an exclusive
/// `flock` on a sidecar lock file and replaces the data file by rename, so two processes
/// (or threads) incrementing at once both count and a reader never sees half a file.
/// A value type holding only a path: safe to use from any thread.
public struct CounterStore: Sendable {
    /// The directory holding the per-branch files.
    public let directory: String

    /// A store in `directory`, created on the first update. Usually `Repository.counters`.
    public init(directory: String) {
        self.directory = directory
    }

    /// Counters of every lesson on `branch`; empty when nothing was counted yet.
    public func counters(branch: String) throws(GitStoreError) -> [String: LessonCounters] {
        try load(fileURL(for: branch).path)
    }

    /// Counters of one lesson on `branch`; zero when nothing was counted yet.
    public func counters(branch: String, lesson: String) throws(GitStoreError) -> LessonCounters {
        try counters(branch: branch)[lesson] ?? LessonCounters()
    }

    /// Adds one attempt for `lesson` on `branch` and returns the new counters.
    @discardableResult
    public func addAttempt(branch: String, lesson: String) throws(GitStoreError) -> LessonCounters {
        try update(branch: branch) { all in
            all[lesson, default: LessonCounters()].attempts += 1
            return all[lesson]!
        }
    }

    /// Climbs one rung of `lesson`'s hint ladder on `branch`, up to its `ladder` rungs,
    /// and returns the new counters: asking again for the last hint counts nothing new.
    /// `seen` is how many rungs the branch's records already carry (a clone made after a
    /// pass starts its ladder there, not at zero).
    @discardableResult
    public func addHint(branch: String, lesson: String, ladder: Int, seen: Int = 0) throws(GitStoreError) -> LessonCounters {
        try update(branch: branch) { all in
            var counters = all[lesson, default: LessonCounters()]
            counters.hints = min(max(counters.hints, seen) + 1, max(ladder, 0))
            all[lesson] = counters
            return counters
        }
    }

    /// Forgets the attempts of `lesson` on `branch` once its pass is recorded (the
    /// record carries them); the hints seen stay, so a later pass still carries them.
    public func passRecorded(branch: String, lesson: String) throws(GitStoreError) {
        try update(branch: branch) { all in
            all[lesson]?.attempts = 0
            if all[lesson] == LessonCounters() { all[lesson] = nil }
        }
    }

    /// Moves every count of `source` onto `destination` (attempts add up, hints seen are
    /// the larger), leaving `source` with none: HEAD left `source` for `destination`
    /// before the counted work was recorded.
    public func carry(from source: String, to destination: String) throws(GitStoreError) {
        let moved = try update(branch: source) { all in
            defer { all = [:] }
            return all
        }
        guard !moved.isEmpty else { return }
        try update(branch: destination) { all in
            for (lesson, counted) in moved {
                let there = all[lesson, default: LessonCounters()]
                all[lesson] = LessonCounters(attempts: there.attempts + counted.attempts, hints: max(there.hints, counted.hints))
            }
        }
    }

    /// Runs `body` on the branch's counters under an exclusive lock and stores the result
    /// atomically (temporary file, `fsync`, `rename`).
    func update<R>(branch: String, _ body: (inout [String: LessonCounters]) -> R) throws(GitStoreError) -> R {
        let path = fileURL(for: branch).path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(operation: "creating", path: directory, errno: EIO)
        }
        // A sidecar lock: a lock on the data file itself would be left behind on the old
        // inode by the rename and not exclude the next writer.
        let lockPath = path + ".lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard lock >= 0 else { throw .fileSystem(operation: "opening", path: lockPath, errno: errno) }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .fileSystem(operation: "locking", path: lockPath, errno: errno) }
        }
        var all = try load(path)
        let result = body(&all)
        try store(all, at: path)
        return result
    }

    func load(_ path: String) throws(GitStoreError) -> [String: LessonCounters] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        do {
            return try JSONDecoder().decode([String: LessonCounters].self, from: data)
        } catch {
            throw .corruptCounters(path: path)
        }
    }

    func store(_ all: [String: LessonCounters], at path: String) throws(GitStoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(all)
        } catch {
            throw .corruptCounters(path: path)
        }
        let temporary = "\(path).tmp-\(getpid())-\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw .fileSystem(operation: "creating", path: temporary, errno: errno) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .fileSystem(operation: "writing", path: path, errno: code)
        }
    }

    /// One file per branch. Branch names hold `/` and any Unicode, so the name's UTF-8
    /// bytes are percent-encoded (exactly, so `zoë` in NFC and NFD stay distinct); very
    /// long names are shortened and made unique with a hash of the full name.
    func fileURL(for branch: String) -> URL {
        var name = ""
        for byte in branch.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                name += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        if name.utf8.count > 180 {
            name = String(name.prefix(120)) + "~" + Self.hash(branch)
        }
        return URL(fileURLWithPath: directory).appendingPathComponent(name + ".json")
    }

    static func hash(_ text: String) -> String {
        _ = libgit2Ready
        var id = git_oid()
        _ = git_odb_hash(&id, text, text.utf8.count, GIT_OBJECT_BLOB)
        return ObjectID(id).hex
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

extension Repository {
    /// The local counters of this clone, under `<git common dir>/asynclings/counters`.
    public var counters: CounterStore {
        CounterStore(directory: commonDirectory + "/asynclings/counters")
    }
}
