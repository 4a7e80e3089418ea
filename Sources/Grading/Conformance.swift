import Course
import Foundation
import Sandbox

/// Whether the interpreter runs the harness as the harness assumes.
///
/// The virtual clock copies part of asyncio's loop and reads its private fields; the task
/// recorder and the blocking and tampering checks rely on `loop.create_task` and on audit
/// events. That holds on the tested Pythons (`tested-pythons.json` in the harness, read
/// by both sides). On any other, the harness's own conformance tests
/// (`asynclings_harness/conformance.py`) run once, in the same sandbox as grades, and their
/// outcome is cached per interpreter and harness: when they find a difference, every grade
/// is an environment error naming it, never a verdict that may be wrong.
public struct InterpreterConformance: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable, Codable {
        /// The interpreter's version is in the tested range: nothing was run.
        case inTestedRange
        /// Outside the range, and every conformance test passed (`tests` of them).
        case conformed(tests: Int)
        /// Outside the range, and these tests found the interpreter behaves differently.
        case differs([Difference])
        /// The tests could not be run (not cached: the next grade tries again).
        case couldNotRun(String)
    }

    /// One conformance test that did not pass: what it checks, what was expected, what was seen.
    public struct Difference: Sendable, Equatable, Codable {
        public var test: String
        public var what: String
        public var expected: String
        public var seen: String

        public init(test: String, what: String, expected: String, seen: String) {
            self.test = test
            self.what = what
            self.expected = expected
            self.seen = seen
        }
    }

    public let interpreter: PythonInterpreter
    /// The tested range (nil: the harness's `tested-pythons.json` could not be read, so no version is in it).
    public let tested: ClosedRange<PythonVersion>?
    public let outcome: Outcome
    /// Whether the outcome was read from the cache rather than found by running the tests now.
    public let cached: Bool

    /// Why no grade can be trusted on this interpreter, with the fix; nil when grading may go on.
    public var problem: String? {
        let python = "Python \(interpreter.version) (\(interpreter.path))"
        let fix = "Fix: grade with a tested Python (\(rangeWords)): `--python /path/to/python\(tested?.upperBound.description ?? "3")`, "
            + "or recreate .venv with one (`rm -rf .venv && make venv PYTHON=python\(tested?.upperBound.description ?? "3")`)."
        switch outcome {
        case .inTestedRange, .conformed:
            return nil
        case .differs(let differences):
            let listed = differences.map { "  - \($0.test): \($0.what): expected \($0.expected), seen \($0.seen)" }
            return "\(python) is outside the tested range (\(rangeWords)), and the grader's conformance tests found it "
                + "behaves differently from what the grader relies on, so no verdict on it could be trusted:\n"
                + listed.joined(separator: "\n") + "\n" + fix
        case .couldNotRun(let reason):
            return "\(python) is outside the tested range (\(rangeWords)), and the grader's conformance tests could not run "
                + "on it (\(reason)), so no verdict on it could be trusted.\n" + fix
        }
    }

    /// One line for people (`doctor`, the note before grading on an untested Python).
    public var summary: String {
        switch outcome {
        case .inTestedRange:
            return "Python \(interpreter.version) is in the tested range (\(rangeWords))"
        case .conformed(let tests):
            return "Python \(interpreter.version) is outside the tested range (\(rangeWords)); it passed the grader's "
                + "\(tests) conformance tests\(cached ? " (cached)" : ""), so grading goes on"
        case .differs(let differences):
            return "Python \(interpreter.version) is outside the tested range (\(rangeWords)) and differs in "
                + differences.map(\.test).joined(separator: ", ")
        case .couldNotRun(let reason):
            return "Python \(interpreter.version) is outside the tested range (\(rangeWords)); its conformance tests could not run: \(reason)"
        }
    }

    var rangeWords: String {
        guard let tested else { return "none: the harness's tested-pythons.json is unreadable" }
        return "\(tested.lowerBound)–\(tested.upperBound)"
    }
}

extension Harness {
    /// The file, shared with the harness, that names the Python versions everything is tested on.
    public var testedPythonsFile: URL { directory.appendingPathComponent("tested-pythons.json") }

    /// The tested range from `tested-pythons.json` (`{"first": "3.11", "last": "3.13"}`); nil if unreadable.
    public var testedPythons: ClosedRange<PythonVersion>? {
        struct Range: Decodable { var first: String, last: String }
        guard let data = FileManager.default.contents(atPath: testedPythonsFile.path),
            let range = try? JSONDecoder().decode(Range.self, from: data),
            let first = PythonVersion(range.first), let last = PythonVersion(range.last), first <= last
        else { return nil }
        return first...last
    }

    /// A digest of the harness's files (its Python and the tested range): a changed harness tests again.
    var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: a cache key, not a security measure
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        var files = BytecodeCache.sources(harness: self, lessons: [])
        files.append(testedPythonsFile.path)
        for path in files.sorted() {
            mix(path.utf8)
            mix(FileManager.default.contents(atPath: path) ?? Data())
        }
        return String(hash, radix: 16)
    }
}

extension Grader {
    /// Whether this grader's interpreter may grade (see `InterpreterConformance`): outside the
    /// tested range, the conformance tests run on the first call, once per interpreter and
    /// harness, in the same confinement as grades; later calls and later processes read the outcome.
    public func conformance() -> InterpreterConformance {
        guard let tested = testedPythons, tested.contains(interpreter.version) else {
            return ConformanceCache.shared.outcome(for: self)
        }
        return InterpreterConformance(interpreter: interpreter, tested: tested, outcome: .inTestedRange, cached: false)
    }

    /// `grade.py --conformance` in a grade's confinement: the outcome of the harness's conformance tests.
    func runConformanceTests() -> InterpreterConformance.Outcome {
        let run = withScratch { (scratch) -> Result<SandboxResult, GradingError> in
            let request = SandboxRequest(
                executable: interpreter.path,
                arguments: pythonFlags() + [layout.harnessDirectory + "/grade.py", "--conformance"],
                environment: childEnvironment(scratch: scratch), workingDirectory: scratch,
                limits: ResourceLimits(
                    cpuSeconds: 60, addressSpaceBytes: 2 << 30, fileSizeBytes: 1 << 20, openFiles: 256, processes: nil,
                    coreDumpBytes: 0),
                timeout: 60, outputCap: 1 << 20, reportCap: 0, standardInput: nil)
            return Result { () throws(GradingError) in try runCold(request, lessons: []) }
        }
        let result: SandboxResult
        switch run {
        case .success(let ran): result = ran
        case .failure(let error): return .couldNotRun("\(error)")
        }
        struct Suite: Decodable {
            struct Test: Decodable { var name: String, passed: Bool, what: String?, expected: String?, seen: String? }
            var tests: [Test]
        }
        guard result.termination == .exited(0), !result.timedOut,
            let suite = try? JSONDecoder().decode(Suite.self, from: Data(result.stdout.bytes)), !suite.tests.isEmpty
        else {
            let said = result.stderr.text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init)
            return .couldNotRun(
                (result.timedOut ? "they ran out of time" : "they ended with \(result.termination)") + (said.map { ": \($0)" } ?? ""))
        }
        let differences = suite.tests.filter { !$0.passed }.map {
            InterpreterConformance.Difference(test: $0.name, what: $0.what ?? "", expected: $0.expected ?? "", seen: $0.seen ?? "")
        }
        return differences.isEmpty ? .conformed(tests: suite.tests.count) : .differs(differences)
    }
}

/// Conformance outcomes in memory and in `$XDG_CACHE_HOME/asynclings/conformance.json`, keyed by
/// the interpreter's identity (path, version, the executable's inode, size and mtime) and the
/// harness's fingerprint. One run at a time: parallel first grades wait for the one outcome.
final class ConformanceCache: @unchecked Sendable {
    static let shared = ConformanceCache()
    private let lock = NSLock()
    private var memory: [String: InterpreterConformance.Outcome] = [:]

    static func defaultFile() -> URL? {
        AsynclingsCache.directory()?.appendingPathComponent("conformance.json")
    }

    private var fingerprints: [String: String] = [:]  // harness folder -> its fingerprint, read once per process

    static func key(for grader: Grader, fingerprint: String? = nil) -> String {
        let binary = InterpreterCache.key(for: grader.interpreter.path) ?? grader.interpreter.path
        return "\(binary)|python \(grader.interpreter.version)|harness \(fingerprint ?? grader.harness.fingerprint)"
    }

    func outcome(for grader: Grader) -> InterpreterConformance {
        lock.lock()
        defer { lock.unlock() }
        let folder = grader.harness.directory.path
        let fingerprint = fingerprints[folder] ?? grader.harness.fingerprint
        fingerprints[folder] = fingerprint
        let key = Self.key(for: grader, fingerprint: fingerprint)
        let file = grader.conformanceCacheFile
        let memoryKey = key + "|" + (file?.path ?? "")
        func found(_ outcome: InterpreterConformance.Outcome, cached: Bool) -> InterpreterConformance {
            InterpreterConformance(interpreter: grader.interpreter, tested: grader.testedPythons, outcome: outcome, cached: cached)
        }
        if let known = memory[memoryKey] { return found(known, cached: true) }
        if let file, let stored = Self.read(file)[key] {
            memory[memoryKey] = stored
            return found(stored, cached: true)
        }
        let outcome = grader.runConformanceTests()
        if case .couldNotRun = outcome { return found(outcome, cached: false) }
        memory[memoryKey] = outcome
        if let file { Self.store(key, outcome, in: file) }
        return found(outcome, cached: false)
    }

    private static func read(_ file: URL) -> [String: InterpreterConformance.Outcome] {
        guard let data = try? Data(contentsOf: file),
            let stored = try? JSONDecoder().decode([String: InterpreterConformance.Outcome].self, from: data)
        else { return [:] }
        return stored
    }

    private static func store(_ key: String, _ outcome: InterpreterConformance.Outcome, in file: URL) {
        var entries = read(file)
        entries[key] = outcome
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(entries) else { return }
        CacheFile.write(data, to: file)
    }
}
