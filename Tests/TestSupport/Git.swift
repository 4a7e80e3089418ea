import Foundation
import Testing

import Glibc

/// The real git command line, for building and inspecting scratch repositories (the
/// product itself never runs it). System and global configuration are ignored so only
/// what a test sets counts.
public enum Git {
    public struct Failure: Error, CustomStringConvertible {
        public let arguments: [String]
        public let status: Int32
        public let output: String
        public var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }

    public static let environment: [String: String] = [
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Committer",
        "GIT_COMMITTER_EMAIL": "committer@example.com",
        "LC_ALL": "C",
    ]

    /// Runs `git -C directory arguments…`; returns stdout, throws on a non-zero exit.
    @discardableResult
    public static func run(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> String {
        let result = try Shell.run(["/usr/bin/git", "-C", directory.path] + arguments, environment: environment.merging(extra) { $1 })
        guard result.status == 0 else { throw Failure(arguments: arguments, status: result.status, output: result.stdout + result.stderr) }
        return result.stdout
    }

    /// `git init -b BRANCH` with a local identity.
    public static func initialise(_ directory: URL, branch: String = "main", bare: Bool = false) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try run(["init", "-q", "-b", branch] + (bare ? ["--bare"] : []), in: directory)
        if !bare { try identify(directory) }
    }

    public static func identify(_ directory: URL, name: String = "Learner Zoë") throws {
        try run(["config", "user.name", name], in: directory)
        try run(["config", "user.email", "learner@example.com"], in: directory)
    }

    /// Trailers of the commits on `revision`'s first-parent chain, newest first.
    public static func lessonsRecorded(on revision: String, in directory: URL) throws -> [String] {
        try run(["log", "--first-parent", "--format=%(trailers:key=Asynclings-Lesson,valueonly)", revision], in: directory)
            .split(separator: "\n").map(String.init)
    }
}

/// Runs a program to completion and captures its output (files, not pipes, so neither
/// stream can fill up and stall it).
public enum Shell {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    public static func run(_ argv: [String], in directory: URL? = nil, environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)")
        let out = base.appendingPathExtension("out")
        let err = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

/// The interpreter tests grade with: the repository's `.venv`, else `python3` on PATH.
public enum Python {
    public static var path: String {
        let venv = Repository.root.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3"
    }
}

/// A scratch course of sample lessons (their checks are quick) in `directory`, with the
/// `.gitignore` a course ships with.
public enum ScratchCourse {
    public static let lessons = ["01-alpha", "02-beta", "03-gamma"]

    @discardableResult
    public static func write(in directory: URL, lessons: [String] = lessons) throws -> URL {
        for id in lessons { try SampleLesson.write(id: id, in: directory) }
        try Scratch.write(".venv/\n__pycache__/\n", to: ".gitignore", in: directory)
        return directory
    }

    /// A solution for a sample lesson, distinct per `variant` (so blobs differ).
    public static func solution(_ variant: String = "") -> String {
        SampleLesson.solution + (variant.isEmpty ? "" : "\n# \(variant)") + "\n"
    }

    /// Writes `text` as the learner's file for `lesson`.
    public static func exercise(_ lesson: String, _ text: String, in directory: URL) throws {
        try Scratch.write(text, to: "exercises/\(lesson).py", in: directory)
    }
}

/// A workshop in miniature: a bare repository holding the scratch course on `main`, and
/// helpers to clone it as a learner.
public struct Room {
    public let directory: URL
    public let bare: URL

    public init(in directory: URL, course build: (URL) throws -> Void = { try ScratchCourse.write(in: $0) }) throws {
        self.directory = directory
        bare = directory.appendingPathComponent("room.git")
        let seed = directory.appendingPathComponent("seed")
        try build(seed)
        try Git.initialise(seed)
        try Git.run(["add", "-A"], in: seed)
        try Git.run(["commit", "-qm", "the course"], in: seed)
        try Git.run(["clone", "-q", "--bare", seed.path, bare.path], in: directory)
    }

    /// A learner's clone with a local identity.
    public func clone(_ name: String) throws -> URL {
        let clone = directory.appendingPathComponent(name)
        try Git.run(["clone", "-q", bare.path, clone.path], in: directory)
        try Git.identify(clone, name: name)
        return clone
    }
}

/// This repository's first two lessons (01-first-coroutine, 02-gather) in the test's
/// scratch folder, committed in a git repository on `learner/ann`.
public func learnerRepository() throws -> URL {
    let root = Scratch.directory
    for lesson in ["01-first-coroutine", "02-gather"] {
        try FileManager.default.copyItem(
            at: Repository.lessons.appendingPathComponent(lesson), to: root.appendingPathComponent("lessons/\(lesson)"))
    }
    try Scratch.write("__pycache__/\n.cache/\n", to: ".gitignore")
    try Git.initialise(root, branch: "learner/ann")
    try Git.identify(root, name: "Ann Learner")
    try Git.run(["add", "."], in: root)
    try Git.run(["commit", "-q", "-m", "course"], in: root)
    return root
}
