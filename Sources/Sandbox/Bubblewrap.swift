import Foundation

import Glibc

/// A host path shown read-only inside the sandbox, at `target`.
public struct Mount: Sendable, Hashable {
    public var source: String
    public var target: String

    public init(source: String, target: String) {
        self.source = source
        self.target = target
    }

    /// The same path inside as outside.
    public init(_ path: String) {
        self.init(source: path, target: path)
    }
}

/// What a program confined by bubblewrap can see: a filesystem built from nothing but
/// the system's `/usr` (and the `/bin`, `/lib`… that point into it), the mounts listed
/// here (read-only), an empty `/dev` with the usual devices, and one writable scratch
/// folder. No `/sys`, `/home` or `/root`, and no `/proc` unless asked for: what is not
/// listed does not exist.
///
/// Every confined program also gets new user, PID, network, IPC and UTS namespaces (a
/// loopback of its own, nothing else reachable; its processes die with it), a session
/// of its own (no controlling terminal), and dies with the process that started it.
public struct Confinement: Sendable, Equatable {
    /// Read-only views of host files and folders; later ones may sit inside earlier ones.
    public var mounts: [Mount]
    /// Empty folders to create (mount points for what a program sets up itself).
    public var directories: [String]
    /// The one writable folder, a fresh tmpfs; also the working directory.
    public var scratchPath: String
    /// The scratch folder's size limit.
    public var scratchBytes: Int
    /// A `/proc` for the sandbox's own PID namespace. Off for a grade; on for the warm
    /// server, which needs it to give each grade namespaces of its own (and hides it from them).
    public var showsProcesses: Bool
    /// The program is PID 1 of its namespace (no reaper of bubblewrap's): a grade is, cold or
    /// warm, so that it behaves the same either way.
    public var runsAsPIDOne: Bool

    public init(
        mounts: [Mount], directories: [String] = [], scratchPath: String = "/tmp", scratchBytes: Int = 64 << 20,
        showsProcesses: Bool = false, runsAsPIDOne: Bool = false
    ) {
        self.mounts = mounts
        self.showsProcesses = showsProcesses
        self.runsAsPIDOne = runsAsPIDOne
        self.directories = directories
        self.scratchPath = scratchPath
        self.scratchBytes = scratchBytes
    }
}

/// bubblewrap (`bwrap`, Debian's `bubblewrap`, the sandbox Flatpak uses): turns a
/// `Confinement` and a command into the command line that runs it confined.
public struct Bubblewrap: Sendable, Equatable {
    /// The `bwrap` executable.
    public let executable: String

    public init(executable: String) {
        self.executable = executable
    }

    /// `bwrap` on `PATH` (then `/usr/bin`), or nil when bubblewrap is not installed.
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bubblewrap? {
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
        for directory in directories where directory.hasPrefix("/") {
            let path = directory + "/bwrap"
            if access(path, X_OK) == 0 { return Bubblewrap(executable: path) }
        }
        return nil
    }

    /// The arguments for `executable` that run `command` (an absolute path first) inside
    /// `confinement`. The environment is whatever `bwrap` itself is started with.
    public func arguments(_ confinement: Confinement, command: [String]) -> [String] {
        var arguments = [
            // --unshare-user explicitly: as root, --unshare-all alone would keep the host's
            // user namespace, and the confined program would be root there.
            "--unshare-user", "--unshare-all", "--die-with-parent", "--new-session",
            "--hostname", "asynclings",
        ]
        for entry in Self.systemEntries {
            switch entry {
            case .symlink(let path, let destination): arguments += ["--symlink", destination, path]
            case .folder(let path): arguments += ["--ro-bind", path, path]
            }
        }
        arguments += ["--dev", "/dev"]
        if confinement.showsProcesses { arguments += ["--proc", "/proc"] }
        if confinement.runsAsPIDOne { arguments.append("--as-pid-1") }
        arguments += ["--size", String(confinement.scratchBytes), "--perms", "1777", "--tmpfs", confinement.scratchPath]
        for directory in confinement.directories {
            arguments += ["--dir", directory]
        }
        for mount in confinement.mounts {
            arguments += ["--ro-bind", mount.source, mount.target]
        }
        arguments += ["--chdir", confinement.scratchPath, "--"]
        return arguments + command
    }

    /// How the host's system folders appear: `/usr` as it is, and each of `/bin`,
    /// `/lib`… as the symlink into `/usr` it is on a merged-/usr system, or as a
    /// read-only folder where it is a real one.
    enum SystemEntry: Equatable {
        case folder(String)
        case symlink(String, to: String)
    }

    static let systemEntries: [SystemEntry] = {
        var entries: [SystemEntry] = [.folder("/usr")]
        for path in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFLNK, let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                entries.append(.symlink(path, to: destination))
            } else if info.st_mode & S_IFMT == S_IFDIR {
                entries.append(.folder(path))
            }
        }
        return entries
    }()

    /// Whether bubblewrap can build a sandbox on this machine (user namespaces allowed,
    /// and so on): starts a confined `true` once. Remembered for the life of the process
    /// and, keyed by this boot and the `bwrap` binary, in `cacheFile`, so a grade does
    /// not pay for the probe each time.
    public func probe(cacheFile: URL? = nil) -> Availability {
        let key = Self.probeKey(executable)
        if let key, let cached = ProbeCache.shared.lookup(key, file: cacheFile) { return cached }
        let found = runProbe()
        if let key { ProbeCache.shared.store(key, found, file: cacheFile) }
        return found
    }

    /// What `probe` found.
    public enum Availability: Sendable, Equatable, Codable {
        case available
        /// bwrap could not start a sandbox; its own words.
        case unavailable(reason: String)
    }

    private func runProbe() -> Availability {
        let candidates = ["/usr/bin/true", "/bin/true"]
        let truePath = candidates.first { path in access(path, X_OK) == 0 } ?? "/usr/bin/true"
        let request = SandboxRequest(
            executable: executable, arguments: arguments(Confinement(mounts: [], scratchBytes: 1 << 20), command: [truePath]),
            environment: ["PATH": "/usr/bin:/bin"], timeout: 10, outputCap: 4096, reportCap: 0)
        do {
            let result = try Sandbox.run(request)
            if result.termination == .exited(0) { return .available }
            let words = result.stderr.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return .unavailable(reason: words.isEmpty ? "bwrap ended with \(result.termination)" : words)
        } catch {
            return .unavailable(reason: "\(error)")
        }
    }

    /// `bwrap path|inode|mtime|boot id`: a new bwrap, or a reboot (which may change
    /// whether user namespaces are allowed), asks again.
    static func probeKey(_ executable: String) -> String? {
        var info = stat()
        guard stat(executable, &info) == 0 else { return nil }
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown-boot"
        return "\(executable)|\(info.st_ino)|\(info.st_mtim.tv_sec)|\(boot)"
    }
}

/// Probe outcomes, in memory and in a small JSON file.
final class ProbeCache: @unchecked Sendable {
    static let shared = ProbeCache()
    private let lock = NSLock()
    private var memory: [String: Bubblewrap.Availability] = [:]

    func lookup(_ key: String, file: URL?) -> Bubblewrap.Availability? {
        lock.lock()
        defer { lock.unlock() }
        if let known = memory[key] { return known }
        guard let file, let data = try? Data(contentsOf: file),
            let stored = try? JSONDecoder().decode([String: Bubblewrap.Availability].self, from: data),
            let found = stored[key]
        else { return nil }
        memory[key] = found
        return found
    }

    func store(_ key: String, _ availability: Bubblewrap.Availability, file: URL?) {
        lock.lock()
        memory[key] = availability
        lock.unlock()
        guard let file, let data = try? JSONEncoder().encode([key: availability]) else { return }
        CacheFile.write(data, to: file)
    }
}
