import Course
import Foundation
import Grading
import TestSupport
import Testing

/// Graded code trying to reach past its sandbox: the host's files, its network, its
/// processes, its environment.
@Suite("Hostile: escapes", .scratchDirectory)
struct Escapes {
    @Test(arguments: Start.allCases) func nothingOfTheHostCanBeRead(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let secret = secretToken()
        let secretFile = try Scratch.write(secret, to: "private/secret.txt")
        // The reference solution, by its host path and by where the checks are mounted.
        let solution = target.lesson.solution
        try (SampleLesson.solution + "\n# \(secret)-solution\n").write(to: solution, atomically: true, encoding: .utf8)
        let report = try target.grade(#"""
            import os
            seen = []
            for path in [\#(String(reflecting: secretFile.path)), \#(String(reflecting: solution.path)),
                         "/asynclings/lessons/01-sample/solution.py", "/etc/shadow", "/etc/passwd",
                         os.path.expanduser("~root/.bash_history"), "/root/.ssh/id_rsa", "/proc/1/environ"]:
                try:
                    seen.append(open(path, errors="replace").read())
                except OSError as error:
                    seen.append(repr(error))
            for folder in ["/", "/root", "/home", "/work", "/tmp", \#(String(reflecting: Scratch.directory.path)), "/asynclings/lessons/01-sample"]:
                try:
                    seen.append(folder + ": " + " ".join(sorted(os.listdir(folder))))
                except OSError as error:
                    seen.append(repr(error))
            print("\n".join(seen))
            """# + honestWork)
        let shown = everythingShown(report)
        #expect(!shown.contains(secret), "a host file leaked into the grade:\n\(shown)")
        #expect(shown.contains("asynclings/lessons/01-sample: __pycache__ check.py") || shown.contains("01-sample: check.py"),
                "the lesson's checks should be all the grade sees of its folder:\n\(shown)")
        #expect(!shown.contains("solution.py"))
    }

    @Test(arguments: Start.allCases) func nothingOnTheHostCanBeWritten(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let check = target.lesson.checkScript
        let before = try Data(contentsOf: check)
        let hooks = Scratch.directory.appendingPathComponent(".git/hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let report = try target.grade(#"""
            import os
            attempts = {
                \#(String(reflecting: check.path)): "\nraise SystemExit('poisoned')\n",
                "/asynclings/lessons/01-sample/check.py": "\nraise SystemExit('poisoned')\n",
                \#(String(reflecting: hooks.appendingPathComponent("post-checkout").path)): "#!/bin/sh\necho owned\n",
                \#(String(reflecting: Scratch.directory.appendingPathComponent("big.bin").path)): "x" * (64 << 20),
                "/asynclings/harness/grade.py": "raise SystemExit",
                "/usr/lib/owned": "x",
            }
            for path, text in attempts.items():
                try:
                    with open(path, "a") as handle:
                        handle.write(text)
                    print("WROTE", path)
                except OSError as error:
                    print("refused", path, error.strerror)
            """# + honestWork)
        #expect(try Data(contentsOf: check) == before)
        #expect(!FileManager.default.fileExists(atPath: hooks.appendingPathComponent("post-checkout").path))
        #expect(!FileManager.default.fileExists(atPath: Scratch.directory.appendingPathComponent("big.bin").path))
        #expect(!FileManager.default.fileExists(atPath: "/usr/lib/owned"))
        #expect(!(report.output ?? "").contains("WROTE"), "\(report.output ?? "")")
        // The grade itself still ran with the trusted checks.
        #expect(report.check(.behaviour)?.status == .pass)
    }

    @Test(arguments: Start.allCases) func theHostsLoopbackIsUnreachableButTheGradesOwnWorks(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let listener = try HostListener()
        defer { listener.stop() }
        let report = try target.grade(#"""
            import socket
            for host in ["127.0.0.1", "localhost", "::1", "0.0.0.0"]:
                try:
                    socket.create_connection((host, \#(listener.port)), timeout=1).close()
                    print("REACHED", host)
                except OSError as error:
                    print("unreachable", host, error)
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=1).close()
                print("REACHED the internet")
            except OSError as error:
                print("no internet", error)
            own = socket.create_server(("127.0.0.1", 0))
            client = socket.create_connection(own.getsockname())
            peer, _ = own.accept()
            client.sendall(b"ping")
            print("own loopback:", peer.recv(4).decode())
            """# + honestWork)
        #expect(listener.connections == 0)
        let output = report.output ?? ""
        #expect(!output.contains("REACHED"), "\(output)")
        #expect(output.contains("own loopback: ping"), "\(output)")
    }

    @Test(arguments: Start.allCases) func anAbstractUnixSocketOfTheHostIsUnreachable(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let name = "asynclings-test-" + UUID().uuidString
        let listener = try AbstractSocketListener(name: name)
        defer { listener.stop() }
        let report = try target.grade(#"""
            import socket
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                client.connect("\0" + \#(String(reflecting: name)))
                print("REACHED")
            except OSError as error:
                print("unreachable", error)
            """# + honestWork)
        #expect(listener.connections == 0)
        #expect(!(report.output ?? "").contains("REACHED"))
    }

    @Test(arguments: Start.allCases) func theCallersProcessesAndEnvironmentAreInvisible(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let secret = secretToken()
        setenv("ASYNCLINGS_TEST_SECRET", secret, 1)
        defer { unsetenv("ASYNCLINGS_TEST_SECRET") }
        let report = try target.grade(#"""
            import os
            print("ENV", sorted(os.environ))
            print(dict(os.environ))
            for pid in [os.getppid(), 1, 2] + list(range(3, 400)):
                for name in ("environ", "cmdline"):
                    try:
                        print(pid, name, open(f"/proc/{pid}/{name}", "rb").read())
                    except OSError:
                        pass
            try:
                print("PROC", os.listdir("/proc"))
            except OSError as error:
                print("no /proc", error)
            """# + honestWork)
        let shown = everythingShown(report)
        #expect(!shown.contains(secret))
        #expect(!shown.contains("ASYNCLINGS_TEST_SECRET"))
        let environment = try #require((report.output ?? "").split(separator: "\n").first { $0.hasPrefix("ENV ") })
        #expect(environment == "ENV ['HOME', 'LANG', 'LC_ALL', 'LOGNAME', 'NO_COLOR', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'PYTHONHASHSEED', 'PYTHONIOENCODING', 'PYTHONNOUSERSITE', 'PYTHONUNBUFFERED', 'TMPDIR', 'USER']"
                || environment == "ENV ['HOME', 'LANG', 'LC_ALL', 'LOGNAME', 'NO_COLOR', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONHASHSEED', 'PYTHONIOENCODING', 'PYTHONNOUSERSITE', 'PYTHONUNBUFFERED', 'TMPDIR', 'USER']",
                "\(environment)")
    }

    @Test(arguments: Start.allCases) func killingEveryProcessItCanReachHarmsNoOneOutside(start: Start) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        // The grade is PID 1 of its namespace: everything else in it dies, outside nothing does.
        let marker = "asynclings-killall-" + UUID().uuidString
        let report = try target.grade(#"""
            import os, signal, subprocess, sys, time
            child = subprocess.Popen(["/bin/sh", "-c", "sleep 60", \#(String(reflecting: marker))])
            time.sleep(0.1)
            os.kill(-1, signal.SIGKILL)
            print("child ended by", child.wait())
            """# + honestWork)
        #expect((report.output ?? "").contains("child ended by -9"), "\(report.json())")
        // We are still here, and so is a warm server: the next grade works.
        let next = try target.grade(honestWork)
        #expect(next.status == .pass, "\(next.json())")
    }
}
