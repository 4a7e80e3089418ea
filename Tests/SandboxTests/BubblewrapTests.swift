import Foundation
import Glibc
import Sandbox
import Testing

@Suite("Bubblewrap")
struct BubblewrapTests {
    let bubblewrap = Bubblewrap(executable: "/usr/bin/bwrap")

    @Test func everyNamespaceIsNewAndTheSandboxDiesWithItsParent() {
        let arguments = bubblewrap.arguments(Confinement(mounts: []), command: ["/usr/bin/true"])
        for flag in ["--unshare-user", "--unshare-all", "--die-with-parent", "--new-session"] {
            #expect(arguments.contains(flag), "\(flag)")
        }
        #expect(arguments.suffix(2) == ["--", "/usr/bin/true"])
        #expect(!arguments.contains("--proc"), "a grade sees no /proc")
        #expect(!arguments.contains { $0 == "--bind" || $0 == "--dev-bind" }, "nothing is bound writable")
    }

    @Test func mountsAreReadOnlyAfterTheScratchFolderWithItsSize() throws {
        let confinement = Confinement(
            mounts: [Mount("/opt/python"), Mount(source: "/home/me/course/lessons/02/check.py", target: "/asynclings/lessons/02/check.py")],
            scratchPath: "/tmp", scratchBytes: 1234)
        let arguments = bubblewrap.arguments(confinement, command: ["/opt/python/bin/python3"])
        let scratch = try #require(arguments.firstIndex(of: "--tmpfs"))
        #expect(arguments[scratch + 1] == "/tmp")
        #expect(arguments[arguments.firstIndex(of: "--size")! + 1] == "1234")
        let mount = try #require(arguments.firstIndex(of: "/home/me/course/lessons/02/check.py"))
        #expect(arguments[mount - 1] == "--ro-bind" && arguments[mount + 1] == "/asynclings/lessons/02/check.py")
        #expect(mount > scratch)
        #expect(arguments[arguments.firstIndex(of: "--chdir")! + 1] == "/tmp")
    }

    @Test func theRealBubblewrapConfinesAProgram() throws {
        let found = try #require(Bubblewrap.find(), "bubblewrap is installed by `make deps`")
        #expect(found.probe() == .available)
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let secret = folder + "/secret"
        try "hidden".write(toFile: secret, atomically: true, encoding: .utf8)
        let script = "cat \(secret) 2>/dev/null || echo no-secret; echo x > /usr/owned 2>/dev/null || echo read-only; echo ok > /tmp/mine && cat /tmp/mine"
        let request = SandboxRequest(
            executable: found.executable,
            arguments: found.arguments(Confinement(mounts: []), command: ["/bin/sh", "-c", script]),
            environment: ["PATH": "/usr/bin:/bin"], timeout: 30)
        let result = try Sandbox.run(request)
        #expect(result.termination == .exited(0), "\(result.stderr.text)")
        #expect(result.stdout.text == "no-secret\nread-only\nok\n")
    }

    @Test func aFailingBubblewrapIsReportedInItsOwnWords() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fake = folder + "/bwrap"
        try "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        #expect(Bubblewrap(executable: fake).probe() == .unavailable(reason: "bwrap: setting up uid map: Permission denied"))
    }
}

@Suite("A spawned child's session")
struct ChildSession {
    @Test(.enabled(if: hasPython)) func theChildLeadsASessionWithoutAControllingTerminal() throws {
        let result = try Sandbox.run(pythonRequest(
            "import os\nprint(os.getsid(0) == os.getpid())\ntry:\n    open('/dev/tty', 'w')\n    print('tty')\nexcept OSError:\n    print('no tty')\n"))
        #expect(result.stdout.text == "True\nno tty\n")
    }
}
