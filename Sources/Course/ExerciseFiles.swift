import Foundation

import Glibc

/// Creating and resetting the learner's working files, `exercises/NN-slug.py`.
///
/// The one rule: a learner's file is never lost. Creating never overwrites; resetting
/// first copies the current content to `exercises/.backup/` (kept out of git by its own
/// `.gitignore`), then replaces the file in one `rename`, so an interruption leaves either
/// the old file or the starter, never a half-written one.
public struct ExerciseFiles: Sendable {
    public let course: Course

    public init(course: Course) {
        self.course = course
    }

    /// Where reset keeps previous versions.
    public var backupDirectory: URL { course.exercisesDirectory.appendingPathComponent(".backup", isDirectory: true) }

    /// What ``start(_:)`` did.
    public enum Started: Equatable, Sendable {
        case created
        case alreadyThere
    }

    /// Copies the starter to the exercise file unless one exists (`O_EXCL`: a file that
    /// appears meanwhile is not touched either).
    public func start(_ lesson: Lesson) throws(ExerciseFileError) -> Started {
        let target = course.exerciseFile(for: lesson)
        guard let starter = FileManager.default.contents(atPath: lesson.starter.path) else {
            throw .unreadable(lesson.starter.path)
        }
        try makeDirectory(target.deletingLastPathComponent())
        let descriptor = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            if errno == EEXIST { return .alreadyThere }
            throw .cannotWrite(lesson.exercisePath, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        try writeAll(starter, to: descriptor, shownAs: lesson.exercisePath)
        return .created
    }

    /// What ``reset(_:now:)`` did.
    public enum Reset: Equatable, Sendable {
        /// There was no file: the starter was copied.
        case created
        /// The file already held the starter; nothing changed.
        case unchanged
        /// The previous content is at `backup` (relative to the course root).
        case replaced(backup: String)
    }

    /// Puts the starter back, keeping the previous content in ``backupDirectory``.
    /// - Parameters:
    ///   - lesson: The lesson whose file to reset.
    ///   - now: The time stamped on the backup's name.
    public func reset(_ lesson: Lesson, now: Date = Date()) throws(ExerciseFileError) -> Reset {
        let target = course.exerciseFile(for: lesson)
        guard let starter = FileManager.default.contents(atPath: lesson.starter.path) else {
            throw .unreadable(lesson.starter.path)
        }
        guard let current = FileManager.default.contents(atPath: target.path) else {
            if FileManager.default.fileExists(atPath: target.path) { throw .unreadable(lesson.exercisePath) }
            _ = try start(lesson)
            return .created
        }
        if current == starter { return .unchanged }

        let backup = try keep(current, of: lesson, now: now)
        // Write the starter beside the file, then rename over it: atomic on one filesystem.
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(lesson.id).py.asynclings-\(getpid())-\(UUID().uuidString.prefix(8))")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .cannotWrite(lesson.exercisePath, reason: String(cString: strerror(errno)))
        }
        do {
            try writeAll(starter, to: descriptor, shownAs: lesson.exercisePath)
            close(descriptor)
        } catch {
            close(descriptor)
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .cannotWrite(lesson.exercisePath, reason: reason)
        }
        return .replaced(backup: backup)
    }

    /// Writes `content` to a new file in the backup folder; returns its path relative to the course.
    private func keep(_ content: Data, of lesson: Lesson, now: Date) throws(ExerciseFileError) -> String {
        try makeDirectory(backupDirectory)
        let ignore = backupDirectory.appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore.path) {
            // Backups are the learner's scratch, not progress: keep them out of commits.
            // Failing here means the folder is not writable, and writing the backup next
            // throws the error that names why.
            _ = FileManager.default.createFile(atPath: ignore.path, contents: Data("*\n".utf8))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stamp = formatter.string(from: now)
        for attempt in 1...1000 {
            let name = attempt == 1 ? "\(lesson.id).\(stamp).py" : "\(lesson.id).\(stamp)-\(attempt).py"
            let url = backupDirectory.appendingPathComponent(name)
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw .cannotWrite("exercises/.backup/\(name)", reason: String(cString: strerror(errno)))
            }
            defer { close(descriptor) }
            try writeAll(content, to: descriptor, shownAs: "exercises/.backup/\(name)")
            return "exercises/.backup/\(name)"
        }
        throw .cannotWrite("exercises/.backup", reason: "too many backups with the same time stamp")
    }

    private func makeDirectory(_ url: URL) throws(ExerciseFileError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(url.path, reason: "\(error.localizedDescription)")
        }
    }

    /// Writes every byte and flushes it to disk before the caller renames or reports success.
    private func writeAll(_ data: Data, to descriptor: Int32, shownAs path: String) throws(ExerciseFileError) {
        let failure: Int32? = data.withUnsafeBytes { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .cannotWrite(path, reason: String(cString: strerror(failure))) }
        guard fsync(descriptor) == 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
    }
}

/// Why an exercise file could not be created or reset.
public enum ExerciseFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file that must be read (the starter, the current exercise) could not be.
    case unreadable(String)
    /// Writing `path` failed; `reason` is the system's message.
    case cannotWrite(String, reason: String)

    /// A lesson file that cannot be read is the course's fault (2); a write that fails, the
    /// machine's (3).
    public var exitCode: Int32 {
        switch self {
        case .unreadable: 2
        case .cannotWrite: 3
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
