import Foundation
import GitStore
import Testing

import Glibc

/// A temporary directory removed when the value dies.
final class Scratch {
    let path: String

    init() throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/gitstore-test-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made else { throw ScratchError.mkdtemp }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`.
    func url(_ relative: String) -> String {
        relative.isEmpty ? path : path + "/" + relative
    }

    /// Writes `text` to `relative`, creating parent directories.
    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let full = url(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: url(relative), encoding: .utf8)
    }

    enum ScratchError: Error { case mkdtemp }
}

struct GitFailure: Error, CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let output: String
    let errors: String
    var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(errors)\(output)" }
}

/// Runs the real git CLI in `directory` and returns its standard output.
///
/// Uses `posix_spawn` and `waitpid` directly: Foundation's `waitUntilExit` polls every
/// 50 ms, which adds up over hundreds of calls. Standard error goes to a file so neither
/// stream can fill a pipe and stall the child. System and global configuration are
/// ignored, so only the scratch repository's own settings count.
@discardableResult
func git(_ arguments: String..., in directory: String, input: String? = nil) throws -> String {
    try runGit(arguments, in: directory, input: input)
}

@discardableResult
func runGit(_ arguments: [String], in directory: String, input: String? = nil) throws -> String {
    try run(["/usr/bin/git", "-C", directory] + arguments, input: input)
}

/// Runs `argv[0]` with `argv` and returns its standard output; throws on a non-zero exit.
@discardableResult
func run(_ argv: [String], input: String? = nil, environment extra: [String: String] = [:]) throws -> String {
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    environment["GIT_AUTHOR_NAME"] = "Test Author"
    environment["GIT_AUTHOR_EMAIL"] = "author@example.com"
    environment["GIT_COMMITTER_NAME"] = "Test Committer"
    environment["GIT_COMMITTER_EMAIL"] = "committer@example.com"
    environment["LC_ALL"] = "C"
    for (key, value) in extra { environment[key] = value }

    let errorsFile = FileManager.default.temporaryDirectory.path + "/gitstore-stderr-\(UUID().uuidString)"
    defer { unlink(errorsFile) }
    var outPipe: [Int32] = [0, 0]
    var inPipe: [Int32] = [0, 0]
    guard pipe(&outPipe) == 0, pipe(&inPipe) == 0 else { throw GitFailure(arguments: argv, status: -1, output: "", errors: "pipe") }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, errorsFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addclose(&actions, inPipe[1])
    posix_spawn_file_actions_addclose(&actions, outPipe[0])

    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        cArguments.forEach { free($0) }
        cEnvironment.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
    close(inPipe[0])
    close(outPipe[1])
    guard rc == 0 else {
        close(inPipe[1])
        close(outPipe[0])
        throw GitFailure(arguments: argv, status: rc, output: "", errors: "posix_spawn failed")
    }
    if let input {
        let bytes = Array(input.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) }
            if written <= 0 { break }
            offset += written
        }
    }
    close(inPipe[1])
    var output = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(outPipe[0], &buffer, buffer.count)
        if count <= 0 { break }
        output.append(contentsOf: buffer[0..<count])
    }
    close(outPipe[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let errors = (try? String(contentsOfFile: errorsFile, encoding: .utf8)) ?? ""
    let text = String(decoding: output, as: UTF8.self)
    // WIFEXITED && WEXITSTATUS == 0
    guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
        throw GitFailure(arguments: argv, status: status, output: text, errors: errors)
    }
    return text
}

/// A non-bare scratch repository created by the git CLI, with a local identity.
final class ScratchRepository {
    let scratch: Scratch
    var path: String { scratch.path }

    /// `git init -b BRANCH` plus a local `user.name` and `user.email`.
    init(branch: String = "main") throws {
        scratch = try Scratch()
        try runGit(["init", "-q", "-b", branch], in: path)
        try runGit(["config", "user.name", "Learner Zoë"], in: path)
        try runGit(["config", "user.email", "zoe@example.com"], in: path)
    }

    /// A repository with a course-like initial commit on `main`.
    static func withCourse() throws -> ScratchRepository {
        let repository = try ScratchRepository()
        try repository.write("README.md", "# course\n")
        try repository.write("lessons/01-hello/lesson.md", "hello\n")
        try repository.write("exercises/01-hello.py", "print('starter 1')\n")
        try repository.write("exercises/02-gather.py", "print('starter 2')\n")
        try repository.git("add", "-A")
        try repository.git("commit", "-q", "-m", "course")
        return repository
    }

    func write(_ relative: String, _ text: String) throws { try scratch.write(relative, text) }
    func read(_ relative: String) throws -> String { try scratch.read(relative) }

    @discardableResult
    func git(_ arguments: String..., input: String? = nil) throws -> String {
        try runGit(arguments, in: path, input: input)
    }

    func open() throws -> Repository {
        try Repository(discoveringFrom: path)
    }

    /// `git status --porcelain`, `git diff` and `git diff --cached`, for before/after comparisons.
    func snapshot() throws -> (status: String, diff: String, cached: String) {
        (try git("status", "--porcelain"), try git("diff"), try git("diff", "--cached"))
    }

    /// Number of commits on the first-parent chain of `revision`.
    func firstParentCount(_ revision: String = "HEAD") throws -> Int {
        Int(try git("rev-list", "--first-parent", "--count", revision).trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    func fsck() throws -> String {
        // Dangling objects are normal (a replaced staged blob), not corruption.
        try git("fsck", "--full", "--strict", "--no-dangling")
    }
}

/// Splits `git ls-files --stage --debug` into one string per entry (its line plus the
/// indented stat lines under it).
func indexEntries(_ listing: String) -> [String] {
    var entries: [String] = []
    for line in listing.split(separator: "\n") {
        if line.hasPrefix(" "), !entries.isEmpty {
            entries[entries.count - 1] += "\n" + line
        } else {
            entries.append(String(line))
        }
    }
    return entries
}

extension ProgressRecord {
    /// A pass of `lesson` on the file `exercises/<lesson>.py`.
    static func pass(_ lesson: String, checks: Int = 9, attempts: Int = 3, hints: Int = 1) -> ProgressRecord {
        ProgressRecord(
            lesson: lesson, checksPassed: checks, checksTotal: checks, attempts: attempts, hints: hints,
            file: "exercises/\(lesson).py")
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension Repository {
    /// Where these tests keep exercise files: `exercises/<lesson>.py` at the root (the
    /// course's rule lives in the Course module, which GitStore does not know).
    static func testExercisePath(_ lesson: String) -> String? { "exercises/\(lesson).py" }

    func progress(branch name: String) throws(GitStoreError) -> BranchProgress {
        try progress(branch: name, exercisePath: Self.testExercisePath)
    }

    func progress(branch: Branch) throws(GitStoreError) -> BranchProgress {
        try progress(branch: branch, exercisePath: Self.testExercisePath)
    }
}

extension Date {
    /// Now, to the whole second below: git dates have no fractions, so a date stamped from
    /// here on is at least this.
    static var wholeSecondNow: Date {
        Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    }
}
