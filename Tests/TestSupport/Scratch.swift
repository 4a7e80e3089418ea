import Foundation
import Testing

/// A fresh temporary directory for one test, removed afterwards.
///
/// Use as a trait: `@Test(.scratchDirectory) func f() { let dir = Scratch.directory }`.
public struct ScratchDirectoryTrait: TestTrait, SuiteTrait, TestScoping {
    /// On a suite, every test gets its own directory.
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }  // the suite itself: nothing to provide
        let directory = try Scratch.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Scratch.$current.withValue(directory, operation: function)
    }
}

extension Trait where Self == ScratchDirectoryTrait {
    /// Runs the test with `Scratch.directory` set to a new empty directory.
    public static var scratchDirectory: Self { ScratchDirectoryTrait() }
}

public enum Scratch {
    @TaskLocal static var current: URL?

    /// The test's scratch directory (requires the `.scratchDirectory` trait).
    public static var directory: URL {
        guard let current else { fatalError("this test needs the .scratchDirectory trait") }
        return current
    }

    static func make() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("asynclings-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.resolvingSymlinksInPath()
    }

    /// Writes `text` to `path` under `base`, creating folders.
    @discardableResult
    public static func write(_ text: String, to path: String, in base: URL = Scratch.directory) throws -> URL {
        let url = base.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// The repository this test build belongs to (its `lessons/`, `.venv`, built binary).
public enum Repository {
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    public static var lessons: URL { root.appendingPathComponent("lessons") }

    /// Lesson folder names, sorted (for parameterised tests).
    public static var lessonIDs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: lessons.path)) ?? [])
            .filter { $0.first?.isNumber == true }
            .sorted()
    }

    /// The `asynclings` binary under test: `$ASYNCLINGS_BIN` when set, else the one `swift test` built
    /// beside this test bundle (whatever the configuration and build folder).
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["ASYNCLINGS_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let beside = bundle.deletingLastPathComponent().appendingPathComponent("asynclings")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return root.appendingPathComponent(".build/debug/asynclings")
    }
}

/// A minimal valid lesson folder's files, for scratch courses.
public enum SampleLesson {
    public static func frontMatter(id: String, extra: String = "") -> String {
        """
        ---
        id: \(id)
        title: Sample \(id)
        summary: A lesson made by a test.
        hints:
          - first
          - second
          - third
        \(extra)
        ---
        # Sample

        Body text.
        """
    }

    public static let check = """
        from asynclings_harness import Trial, scenario

        CHECKS = ["behaviour"]

        @scenario("work() returns 42 after one second")
        async def returns(t: Trial) -> None:
            work = t.function("work", is_async=True)
            got = await t.call(work)
            t.expect("behaviour", got == 42, f"work() returned {t.show(got)}; expected 42.")
            t.expect("behaviour", t.close(t.now, 1.0), f"work() took {t.now:g} s; expected 1 s.")
        """

    public static let solution = """
        import asyncio

        async def work() -> int:
            await asyncio.sleep(1)
            return 42
        """

    public static let starter = """
        import asyncio

        async def work() -> int:
            return 0
        """

    /// Writes a complete lesson `id` under `root/lessons/`.
    public static func write(id: String, in root: URL, budget: Double? = nil) throws {
        let extra = budget.map { "budget: \($0)" } ?? ""
        try Scratch.write(frontMatter(id: id, extra: extra), to: "lessons/\(id)/lesson.md", in: root)
        try Scratch.write(check, to: "lessons/\(id)/check.py", in: root)
        try Scratch.write(solution, to: "lessons/\(id)/solution.py", in: root)
        try Scratch.write(starter, to: "lessons/\(id)/starter.py", in: root)
        try Scratch.write("# expect: fail behaviour\n" + starter, to: "lessons/\(id)/wrong/zero.py", in: root)
    }
}
