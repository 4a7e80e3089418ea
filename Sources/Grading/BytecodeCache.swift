import Course
import Foundation
import Sandbox

/// Compiled bytecode for the harness and the lessons' checks, written beside their
/// sources (`__pycache__`) before a grade runs.
///
/// A confined grade sees these folders read-only, so it can neither write bytecode
/// (compiling the harness on every grade would cost tens of milliseconds) nor plant
/// any for later grades to load. Compiling runs only `compileall` on our own files:
/// nothing is executed. Checking costs a `stat` and a 16-byte read per file.
enum BytecodeCache {
    /// Compiles whatever is stale; a folder that cannot be written is left alone (its
    /// grades compile in memory, slower but correct).
    static func compile(harness: Harness, lessons: [Lesson], interpreter: PythonInterpreter) {
        let tag = "cpython-\(interpreter.version.major)\(interpreter.version.minor)"
        var stale: [String] = []
        for source in sources(harness: harness, lessons: lessons) where !isFresh(source, tag: tag) {
            stale.append(source)
        }
        guard !stale.isEmpty else { return }
        let request = SandboxRequest(
            executable: interpreter.path,
            arguments: ["-s", "-P", "-m", "py_compile"] + stale,
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
            timeout: 60, outputCap: 4096, reportCap: 0)
        _ = try? Sandbox.run(request)
    }

    /// The harness's Python files and each lesson's check files.
    static func sources(harness: Harness, lessons: [Lesson]) -> [String] {
        var paths: [String] = []
        let manager = FileManager.default
        if let walker = manager.enumerator(atPath: harness.directory.path) {
            for case let relative as String in walker where relative.hasSuffix(".py") && !relative.contains("__pycache__") {
                paths.append(harness.directory.appendingPathComponent(relative).path)
            }
        }
        for lesson in lessons {
            paths += lesson.gradingFiles.map(\.path).filter { $0.hasSuffix(".py") }
        }
        return paths
    }

    /// Whether `source`'s `__pycache__/<name>.<tag>.pyc` exists and records the source's
    /// current size and modification time (CPython's default, timestamp-checked pyc).
    static func isFresh(_ source: String, tag: String) -> Bool {
        let url = URL(fileURLWithPath: source)
        let name = url.deletingPathExtension().lastPathComponent
        let compiled = url.deletingLastPathComponent().appendingPathComponent("__pycache__/\(name).\(tag).pyc").path
        var info = stat()
        guard stat(source, &info) == 0 else { return true }  // gone: nothing to compile
        guard let handle = FileHandle(forReadingAtPath: compiled) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 16), header.count == 16 else { return false }
        func word(_ offset: Int) -> UInt32 {
            header[header.startIndex + offset..<header.startIndex + offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }
        return word(4) == 0 && word(8) == UInt32(truncatingIfNeeded: info.st_mtim.tv_sec)
            && word(12) == UInt32(truncatingIfNeeded: info.st_size)
    }
}
