import Course
import Foundation
import Grading
import TestSupport
import Testing

/// Processes a grade starts and tries to keep alive after it: every one must be gone
/// when the grade ends, however it left the grade's process group or session.
@Suite("Hostile: survivors", .scratchDirectory)
struct Survivors {
    /// A command line that sleeps for a minute, tagged with `marker` so the host can find it.
    static func sleeper(_ marker: String) -> String {
        #"[sys.executable, "-c", "import time; time.sleep(60)", \#(String(reflecting: marker))]"#
    }

    static let escapes: [(String, @Sendable (String) -> String)] = [
        ("a new session (Popen start_new_session)", { marker in
            "import subprocess, sys\nsubprocess.Popen(\(sleeper(marker)), start_new_session=True)\n"
        }),
        ("os.setsid in a forked child", { marker in
            "import os, sys\nif os.fork() == 0:\n    os.setsid()\n    os.execv(sys.executable, \(sleeper(marker)))\n"
        }),
        ("a double fork (daemon)", { marker in
            """
            import os, sys
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execv(sys.executable, \(sleeper(marker)))
                os._exit(0)
            """
        }),
        ("fork() through ctypes", { marker in
            """
            import ctypes, os, sys
            if ctypes.CDLL(None).fork() == 0:
                os.execv(sys.executable, \(sleeper(marker)))
            """
        }),
        ("fifty processes", { marker in
            "import subprocess, sys\nfor _ in range(50):\n    subprocess.Popen(\(sleeper(marker)), start_new_session=True)\n"
        }),
        ("a thread-started child after the report", { marker in
            """
            import atexit, subprocess, sys, threading
            threading.Thread(target=lambda: subprocess.Popen(\(sleeper(marker)), start_new_session=True)).start()
            """
        }),
    ]

    @Test(arguments: Start.allCases, 0..<escapes.count)
    func everyProcessAGradeStartedIsGoneWhenItEnds(start: Start, escape: Int) throws {
        let target = try Target(start: start)
        defer { target.stop() }
        let marker = "asynclings-survivor-" + UUID().uuidString
        let (name, source) = Self.escapes[escape]
        let report = try target.grade(source(marker) + honestWork)
        #expect(report.check(.compile)?.status == .pass, "\(name): \(report.json())")
        #expect(survivors(of: marker).isEmpty, "\(name): processes outlived the grade")
    }

    @Test func aWarmServerKeepsServingAfterAGradeThatSignalsEverything() throws {
        let target = try Target(start: .warm)
        defer { target.stop() }
        let report = try target.grade("""
            import os, signal
            for pid in range(1, 4096):
                for number in (signal.SIGKILL, signal.SIGSTOP):
                    try:
                        os.kill(pid, number)
                    except OSError:
                        pass
            """ + honestWork)
        #expect(report.check(.compile)?.status == .pass)
        #expect(target.grader.isWarm)
        #expect(try target.grade(honestWork).status == .pass)
    }
}

/// Warm grades share a server: nothing one grade leaves behind may reach the next.
@Suite("Hostile: between grades", .scratchDirectory)
struct BetweenGrades {
    @Test func noStatePassesFromOneWarmGradeToTheNext() throws {
        let target = try Target(start: .warm)
        defer { target.stop() }
        let marker = "asynclings-leftover-" + UUID().uuidString
        _ = try target.grade("""
            import os, socket, subprocess, sys
            open("/tmp/leftover", "w").write("from the first grade")
            os.makedirs(os.path.expanduser("~/.config"), exist_ok=True)
            open(os.path.expanduser("~/.config/leftover"), "w").write("x")
            server = socket.create_server(("127.0.0.1", 45678))
            subprocess.Popen([sys.executable, "-c", "import socket, time; s = socket.create_server(('127.0.0.1', 45679)); time.sleep(60)", \(String(reflecting: marker))], start_new_session=True)
            import time
            time.sleep(0.2)
            """ + honestWork)
        let second = try target.grade("""
            import os, socket
            found = []
            for path in ["/tmp/leftover", os.path.expanduser("~/.config/leftover")]:
                if os.path.exists(path):
                    found.append(path)
            for port in (45678, 45679):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    found.append(port)
                except OSError:
                    pass
            socket.create_server(("127.0.0.1", 45678)).close()
            print("LEFTOVERS", found)
            """ + honestWork)
        #expect((second.output ?? "").contains("LEFTOVERS []"), "\(second.output ?? "")")
        #expect(second.status == .pass)
        #expect(survivors(of: marker).isEmpty)
    }
}
