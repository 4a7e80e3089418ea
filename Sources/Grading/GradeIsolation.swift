import Course
import Foundation
import Sandbox

/// How grades are confined on this machine: under bubblewrap when it can start a sandbox
/// here, else with the process-group runner's limits alone, for a reason the user is told
/// once, with the fix.
public enum GradeIsolation: Sendable, Equatable {
    case sandboxed(Bubblewrap)
    case unsandboxed(reason: String, fix: String)

    /// `ASYNCLINGS_BWRAP` names the bwrap to use (an empty value: none, as if not
    /// installed); otherwise `bwrap` on PATH. Probed once per boot (`Bubblewrap.probe`).
    public static func detect(
        for interpreter: PythonInterpreter, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> GradeIsolation {
        let bubblewrap: Bubblewrap?
        if let chosen = environment["ASYNCLINGS_BWRAP"] {
            bubblewrap = chosen.isEmpty ? nil : Bubblewrap(executable: chosen)
        } else {
            bubblewrap = Bubblewrap.find(environment: environment)
        }
        guard let bubblewrap, access(bubblewrap.executable, X_OK) == 0 else {
            return .unsandboxed(
                reason: "bubblewrap (bwrap) is not installed",
                fix: "install it: `sudo apt-get install -y bubblewrap` (or run `make deps` as root)")
        }
        let cache = AsynclingsCache.directory(environment: environment)?.appendingPathComponent("sandbox-probe.json")
        switch bubblewrap.probe(cacheFile: cache) {
        case .available:
            return .sandboxed(bubblewrap)
        case .unavailable(let words):
            return .unsandboxed(
                reason: "bubblewrap cannot start a sandbox here (\(words))",
                fix: "allow unprivileged user namespaces (`sudo sysctl -w kernel.unprivileged_userns_clone=1`; "
                    + "on Ubuntu 24.04 also `kernel.apparmor_restrict_unprivileged_userns=0`), or grade outside this container")
        }
    }

    public var isSandboxed: Bool {
        if case .sandboxed = self { return true }
        return false
    }

    /// One line for people: how grades run, and for an unconfined one, why and the fix.
    public var summary: String {
        switch self {
        case .sandboxed(let bubblewrap):
            return "sandboxed with bubblewrap (\(bubblewrap.executable)): private filesystem, network and processes"
        case .unsandboxed(let reason, let fix):
            return "NOT sandboxed: \(reason); graded code can read and write what you can.\n  fix: \(fix)"
        }
    }
}

/// Where a grade finds things: inside a sandbox, fixed paths that say nothing of the
/// host; unconfined, the host's own.
struct GradeLayout {
    /// The confined grade's private scratch folder (a tmpfs): also its HOME and TMPDIR.
    static let confinedScratch = "/tmp"
    static let confinedRoot = "/asynclings"

    let isolation: GradeIsolation
    let harness: Harness

    var harnessDirectory: String {
        isolation.isSandboxed ? Self.confinedRoot + "/harness" : harness.directory.path
    }

    func lessonDirectory(_ lesson: Lesson) -> String {
        isolation.isSandboxed ? Self.confinedRoot + "/lessons/" + lesson.id : lesson.directory.path
    }

    /// The scratch folder as the grade sees it, when it is the sandbox's.
    var scratch: String { Self.confinedScratch }

    /// Where the grade sees each folder the interpreter runs from: at its own path, unless
    /// that lies in the confined scratch folder (a course cloned into /tmp has its .venv
    /// there), where each grade mounts a fresh tmpfs that would hide it. Such a folder is
    /// shown at `/asynclings/python<N>` instead; a venv and a CPython install find their
    /// libraries relative to the executable, so they run from there.
    static func interpreterMounts(_ interpreter: PythonInterpreter, confined: Bool) -> [Mount] {
        interpreter.folders.enumerated().map { index, folder in
            confined && (folder == confinedScratch || folder.hasPrefix(confinedScratch + "/"))
                ? Mount(source: folder, target: "\(confinedRoot)/python\(index)") : Mount(folder)
        }
    }

    /// The interpreter's executable as the grade sees it (see `interpreterMounts`).
    func interpreterPath(_ interpreter: PythonInterpreter) -> String {
        let mounts = Self.interpreterMounts(interpreter, confined: isolation.isSandboxed)
        for mount in mounts where interpreter.path.hasPrefix(mount.source + "/") {
            return mount.target + interpreter.path.dropFirst(mount.source.count)
        }
        return interpreter.path
    }
}

/// A warm Python (`ForkServer`) and the lessons whose checks it can see.
public struct WarmServer: Sendable {
    public let process: ForkServer
    /// The lessons mounted in its sandbox: a grade of any other lesson starts its own.
    public let lessons: Set<String>

    func serves(_ lesson: Lesson) -> Bool { lessons.contains(lesson.id) }

    /// A confined server is used only if it gives every grade namespaces of its own;
    /// otherwise grades would share its PID namespace, network and scratch folder.
    func isUsable(for isolation: GradeIsolation) -> Bool {
        guard isolation.isSandboxed else { return true }
        return process.waitForGreeting()?.isolated == true
    }
}
