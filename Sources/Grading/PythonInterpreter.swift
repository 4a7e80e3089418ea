import Course
import Foundation
import Sandbox

/// The Python that runs the grader: its real executable and version, resolved once and cached.
///
/// `python3` on PATH may be a pyenv shim costing ~100 ms per start; the real
/// interpreter (`sys.executable`) is resolved once and remembered in the user's
/// cache, keyed by the candidate's inode, size and mtime.
public struct PythonInterpreter: Sendable, Equatable, Codable {
    public let path: String
    public let version: PythonVersion
    /// The folders the interpreter runs from (its prefix, a venv's base prefix, the real
    /// executable's folder): what a sandbox must show for it to start.
    public let folders: [String]

    public init(path: String, version: PythonVersion, folders: [String] = []) {
        self.path = path
        self.version = version
        self.folders = folders
    }

    /// Picks the interpreter: `explicit` (`--python`), else `<course>/.venv/bin/python`,
    /// else `python3`, then each `tested` version's `python3.N`, newest first, on PATH. A
    /// relative `explicit` path is read from `workingDirectory` (nil: the process's).
    public static func resolve(
        explicit: String?, courseRoot: URL?, environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: URL? = nil, tested: ClosedRange<PythonVersion>? = (try? Harness.locate())?.testedPythons
    ) throws(GradingError) -> PythonInterpreter {
        if let explicit {
            let named = explicit.contains("/") && !explicit.hasPrefix("/")
                ? workingDirectory.map { $0.appendingPathComponent(explicit).path } ?? explicit : explicit
            guard let path = executablePath(named, environment: environment) else {
                throw .pythonNotRunnable(path: explicit, reason: "no such executable")
            }
            guard let found = probe(path, environment: environment) else {
                throw .pythonNotRunnable(path: explicit, reason: "it did not report a Python version")
            }
            guard found.version >= .minimumSupported else {
                throw .pythonTooOld(path: explicit, version: found.version, needed: .minimumSupported)
            }
            return found
        }
        var tried: [String] = []
        var candidates: [String] = []
        if let courseRoot {
            candidates.append(courseRoot.appendingPathComponent(".venv/bin/python").path)
        }
        candidates.append("python3")
        let newest = tested ?? (PythonVersion.minimumSupported...PythonVersion.minimumSupported)
        for minor in stride(from: newest.upperBound.minor, through: max(newest.lowerBound, .minimumSupported).minor, by: -1) {
            candidates.append("python\(newest.upperBound.major).\(minor)")
        }
        for candidate in candidates {
            tried.append(candidate)
            guard let path = executablePath(candidate, environment: environment),
                let found = probe(path, environment: environment), found.version >= .minimumSupported
            else { continue }
            return found
        }
        throw .noPython(tried: tried)
    }

    /// Absolute path of `name`: itself when it contains a slash, else searched on PATH.
    static func executablePath(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? name : nil
        }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Asks `path` for its real executable and version, through the cache.
    static func probe(_ path: String, environment: [String: String]) -> PythonInterpreter? {
        let key = InterpreterCache.key(for: path)
        if let key, let cached = InterpreterCache.shared.lookup(key) { return cached }
        let script = """
            import os, sys
            print(sys.executable); print(sys.version_info[0], sys.version_info[1])
            print("\\0".join({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                              os.path.dirname(os.path.realpath(sys.executable))}))
            """
        var env = environment
        env.removeValue(forKey: "PYTHONPATH")
        let request = SandboxRequest(
            executable: path, arguments: ["-c", script], environment: env, workingDirectory: nil,
            limits: ResourceLimits(), timeout: 15, outputCap: 4096, reportCap: 0, standardInput: nil)
        guard let result = try? Sandbox.run(request), result.termination == .exited(0) else { return nil }
        let lines = result.stdout.text.split(separator: "\n").map(String.init)
        guard lines.count >= 2 else { return nil }
        let numbers = lines[1].split(separator: " ").compactMap { Int($0) }
        guard numbers.count == 2 else { return nil }
        // A venv's python must stay the venv's path (its site-packages); a shim resolves to the real binary.
        let real = path.hasSuffix("/.venv/bin/python") || lines[0].isEmpty ? path : lines[0]
        let folders = lines.count >= 3 ? lines[2].split(separator: "\0").map(String.init).filter { $0.hasPrefix("/") } : []
        let found = PythonInterpreter(
            path: real, version: PythonVersion(major: numbers[0], minor: numbers[1]), folders: outermost(folders))
        if let key { InterpreterCache.shared.store(key, found) }
        return found
    }
}

/// The folders of `paths` that are not inside another of them, sorted.
func outermost(_ paths: [String]) -> [String] {
    let sorted = Set(paths.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }).sorted()
    return sorted.filter { path in !sorted.contains { $0 != path && (path.hasPrefix($0 + "/") || $0 == "/") } }
}

/// Remembers probed interpreters across runs in `$XDG_CACHE_HOME/asynclings/interpreters-v2.json`.
final class InterpreterCache: @unchecked Sendable {
    static let shared = InterpreterCache()
    private let lock = NSLock()
    private let file: URL?
    private var entries: [String: PythonInterpreter]

    init(file: URL? = InterpreterCache.defaultFile()) {
        self.file = file
        if let file, let data = try? Data(contentsOf: file),
            let decoded = try? JSONDecoder().decode([String: PythonInterpreter].self, from: data)
        {
            entries = decoded
        } else {
            entries = [:]
        }
    }

    static func defaultFile() -> URL? {
        AsynclingsCache.directory()?.appendingPathComponent("interpreters-v2.json")
    }

    /// `path|inode|size|mtime` of the file the candidate resolves to: a rebuilt venv or upgraded Python gets a new key.
    static func key(for path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(path)|\(info.st_ino)|\(info.st_size)|\(info.st_mtim.tv_sec)"
    }

    func lookup(_ key: String) -> PythonInterpreter? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func store(_ key: String, _ interpreter: PythonInterpreter) {
        lock.lock()
        entries[key] = interpreter
        let snapshot = entries
        lock.unlock()
        guard let file, let data = try? JSONEncoder().encode(snapshot) else { return }
        CacheFile.write(data, to: file)
    }
}

/// The user's cache folder for asynclings (`$XDG_CACHE_HOME/asynclings` or `~/.cache/asynclings`).
public enum AsynclingsCache {
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("asynclings")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return URL(fileURLWithPath: home).appendingPathComponent(".cache/asynclings")
        }
        return nil
    }
}
