import Foundation
import TestSupport
import Testing

/// What `make run` and `make install` tell a newcomer, and what they build.
@Suite("make run and make install", .scratchDirectory)
struct MakefileTests {
    func pathHint(_ arguments: [String], shell: String, path: String) throws -> Shell.Result {
        try Shell.run(
            ["/bin/sh", Repository.root.appendingPathComponent("scripts/path-hint").path] + arguments,
            environment: ["SHELL": shell, "PATH": path])
    }

    @Test(arguments: [
        ("/bin/bash", #"echo 'export PATH="BIN:$PATH"' >> ~/.bashrc"#),
        ("/usr/bin/zsh", #"echo 'export PATH="BIN:$PATH"' >> ~/.zshrc"#),
        ("/usr/bin/fish", "fish_add_path BIN"),
        ("/bin/dash", #"echo 'export PATH="BIN:$PATH"' >> ~/.profile"#),
    ])
    func aFolderOffPathGetsTheExactLineForTheShell(shell: String, line: String) throws {
        let bin = Scratch.directory.appendingPathComponent("home/.local/bin").path
        let run = try pathHint([bin, "make install"], shell: shell, path: "/usr/bin:/bin")
        #expect(run.status == 0)
        #expect(run.stdout.contains("asynclings is not on your PATH yet. `make install` puts it in \(bin)."), "\(run.stdout)")
        #expect(run.stdout.contains("\n  " + line.replacingOccurrences(of: "BIN", with: bin) + "\n"), "\(run.stdout)")
    }

    @Test func nothingIsSaidOnceTheInstalledBinaryIsOnPath() throws {
        let bin = Scratch.directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let binary = bin.appendingPathComponent("asynclings")
        #expect(FileManager.default.createFile(atPath: binary.path, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
        let run = try pathHint([bin.path, "make install"], shell: "/bin/bash", path: bin.path + ":/usr/bin:/bin")
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty, "\(run.stdout)")
        // Installed but off PATH (what `make install` itself checks): only the line.
        let off = try pathHint([bin.path], shell: "/bin/bash", path: "/usr/bin:/bin")
        #expect(!off.stdout.contains("make install"))
        #expect(off.stdout.contains(">> ~/.bashrc"))
    }

    /// `make test` right after `make run` compiles only the test targets: both build the
    /// debug configuration (`swift test` cannot share a release build).
    @Test func runAndTestBuildTheSameConfiguration() throws {
        let make = try Shell.run(["/usr/bin/make", "-n", "run", "test-swift"], in: Repository.root)
        #expect(make.status == 0, "\(make.stderr)")
        let swift = make.stdout.split(separator: "\n").filter { $0.hasPrefix("swift ") }
        #expect(swift.contains { $0.hasPrefix("swift build") }, "\(make.stdout)")
        #expect(swift.contains { $0.hasPrefix("swift test") }, "\(make.stdout)")
        #expect(!swift.contains { $0.contains("-c release") || $0.contains("--configuration release") }, "\(swift)")
    }
}
