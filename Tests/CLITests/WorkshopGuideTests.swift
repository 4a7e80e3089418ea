import Foundation
import TestSupport
import Testing

/// Runs `docs/WORKSHOP.md` as written: every fenced `sh` block, marked with
/// `<!-- test: ID -->`, is executed by bash in the home folder of the person who types it,
/// with the built `asynclings` on PATH. The room is a scratch bare repository; the guide's
/// example addresses reach it through git's `url.<base>.insteadOf`, which the git command
/// line and libgit2 both honour. Two learners (the guide's "ada", and "grace" with the
/// same blocks under her name) clone, pass lessons and push; the instructor reads and
/// re-grades the room.
@Suite("docs/WORKSHOP.md", .scratchDirectory)
struct WorkshopGuideTests {
    static let guide = Repository.root.appendingPathComponent("docs/WORKSHOP.md")

    /// The marked blocks of the guide, in order: (id, script).
    static func blocks() throws -> [(id: String, script: String)] {
        let lines = try String(contentsOf: guide, encoding: .utf8).components(separatedBy: "\n")
        var blocks: [(String, String)] = []
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("<!-- test: "), line.hasSuffix(" -->") {
                let id = String(line.dropFirst("<!-- test: ".count).dropLast(" -->".count))
                index += 1
                guard index < lines.count, lines[index] == "```sh" else {
                    Issue.record("the marker \(id) is not followed by a ```sh block")
                    continue
                }
                var body: [String] = []
                index += 1
                while index < lines.count, lines[index] != "```" {
                    body.append(lines[index])
                    index += 1
                }
                blocks.append((id, body.joined(separator: "\n") + "\n"))
            }
            index += 1
        }
        return blocks
    }

    /// Inline code in the prose that is a command (`asynclings …`, `git …`, `cd …`).
    static func inlineCommands() throws -> [String] {
        let text = try String(contentsOf: guide, encoding: .utf8)
        var commands: [String] = []
        var inFence = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            guard !inFence else { continue }
            let parts = line.components(separatedBy: "`")
            for (position, part) in parts.enumerated() where position % 2 == 1 {
                if ["asynclings ", "git ", "cd "].contains(where: part.hasPrefix) { commands.append(part) }
            }
        }
        return commands
    }

    /// One person at one machine: a home folder, git's global configuration, a PATH with
    /// the built binary and a Python 3.11+.
    struct Person {
        let home: URL
        let environment: [String: String]
        var ran: [String] = []

        init(_ name: String, rewrites: [String: URL], gitName: String? = nil) throws {
            home = Scratch.directory.appendingPathComponent(name)
            let bin = Scratch.directory.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            let link = bin.appendingPathComponent("asynclings")
            if !FileManager.default.fileExists(atPath: link.path) {
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: Repository.binary)
            }
            var config = ""
            for (address, target) in rewrites.sorted(by: { $0.key < $1.key }) {
                config += "[url \"\(target.path)\"]\n\tinsteadOf = \(address)\n"
            }
            if let gitName { config += "[user]\n\tname = \(gitName)\n\temail = teacher@example.org\n" }
            try config.write(to: home.appendingPathComponent(".gitconfig"), atomically: true, encoding: .utf8)
            let python = URL(fileURLWithPath: Python.path).deletingLastPathComponent().path
            environment = [
                "HOME": home.path,
                "PATH": "\(bin.path):\(python):/usr/local/bin:/usr/bin:/bin",
                "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_CONFIG_GLOBAL": home.appendingPathComponent(".gitconfig").path,
                "NO_COLOR": "1",
                "COLUMNS": "120",
            ]
        }

        /// Runs a guide block (or any script) with bash, stopping at the first failure.
        @discardableResult
        mutating func run(_ script: String, in directory: URL? = nil, expecting status: Int32 = 0) throws -> Shell.Result {
            ran.append(script)
            let result = try Shell.run(["/bin/bash", "-e", "-o", "pipefail", "-c", script], in: directory ?? home, environment: environment)
            #expect(result.status == status, "\(script)\nstdout: \(result.stdout)\nstderr: \(result.stderr)")
            return result
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func everyCommandInTheGuideWorksAsWritten() throws {
        let blocks = try Self.blocks()
        let script = Dictionary(uniqueKeysWithValues: blocks.map { ($0.id, $0.script) })
        let handled: Set<String> = [
            "room-create", "room-clean", "room-hook", "hosted", "learner-identity", "learner-clone", "learner-start", "learner-check",
            "learner-progress", "class-on-host", "class-clone", "class-regrade", "class-pin", "class-team", "class-json",
            "class-html", "learner-reclone",
        ]
        #expect(Set(script.keys) == handled, "the guide and this test must name the same blocks")
        #expect(blocks.count == handled.count, "block ids must be unique")

        let hosted = Scratch.directory.appendingPathComponent("hosted.git")
        try Git.initialise(hosted, bare: true)
        let instructorHome = Scratch.directory.appendingPathComponent("instructor")
        let rewrites = [
            "ssh://workshop-host/~/room.git": instructorHome.appendingPathComponent("room.git"),
            "https://github.com/your-org/asyncio-workshop.git": hosted,
        ]
        var instructor = try Person("instructor", rewrites: rewrites, gitName: "Instructor")
        var ada = try Person("ada", rewrites: rewrites)
        var grace = try Person("grace", rewrites: rewrites)
        func asGrace(_ text: String) -> String {
            text.replacingOccurrences(of: "Ada Lovelace", with: "Grace Hopper")
                .replacingOccurrences(of: "ada@example.org", with: "grace@example.org")
                .replacingOccurrences(of: "--learner ada", with: "--learner team-a/grace")
        }

        // The instructor's copy of the course: this repository's lessons, not yet in git.
        let course = instructor.home.appendingPathComponent("asynclings")
        try FileManager.default.createDirectory(at: course, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repository.lessons, to: course.appendingPathComponent("lessons"))
        try ".venv/\n__pycache__/\n".write(to: course.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)

        // The instructor tries lesson 01 in this folder first: the pass goes on a branch
        // of their own, and the guide's room is made without it.
        try instructor.run("cd ~/asynclings && asynclings init && asynclings start 01")
        try FileManager.default.removeItem(at: course.appendingPathComponent("exercises/01-first-coroutine.py"))
        try FileManager.default.copyItem(
            at: Repository.lessons.appendingPathComponent("01-first-coroutine/solution.py"),
            to: course.appendingPathComponent("exercises/01-first-coroutine.py"))
        let practised = try instructor.run("cd ~/asynclings && asynclings check 01")
        #expect(practised.stdout.contains("main holds the course"), "\(practised.stdout)")
        try instructor.run(script["room-create"]!)
        let clean = try instructor.run(script["room-clean"]!)
        #expect(clean.stdout.isEmpty, "the room carries the instructor's practice: \(clean.stdout)")
        try instructor.run(script["room-hook"]!)
        try instructor.run(script["hosted"]!)
        #expect(try Git.run(["branch", "--list", "main"], in: hosted).contains("main"))

        // Learners: identity, clone, first lesson.
        let adaCourse = ada.home.appendingPathComponent("asynclings")
        let graceCourse = grace.home.appendingPathComponent("asynclings")
        try ada.run(script["learner-identity"]!)
        try grace.run(asGrace(script["learner-identity"]!))
        try ada.run(script["learner-clone"]!)
        try grace.run(asGrace(script["learner-clone"]!))
        #expect(try Git.run(["symbolic-ref", "--short", "HEAD"], in: graceCourse) == "learner/team-a/grace\n")

        let solution = Repository.lessons.appendingPathComponent("01-first-coroutine/solution.py")
        let adaStart = try ada.run(script["learner-start"]!, in: adaCourse)
        #expect(adaStart.stdout.contains("Created exercises/01-first-coroutine.py"))
        try grace.run(script["learner-start"]!, in: graceCourse)
        for folder in [adaCourse, graceCourse] {
            let target = folder.appendingPathComponent("exercises/01-first-coroutine.py")
            try FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: solution, to: target)
        }
        let adaCheck = try ada.run(script["learner-check"]!, in: adaCourse)
        #expect(adaCheck.stdout.contains("Recorded the pass of 01-first-coroutine on learner/ada"))
        try grace.run(script["learner-check"]!, in: graceCourse)

        // Grace goes on: the next lesson by number, as the guide's prose shows it.
        try grace.run("asynclings start 02", in: graceCourse)
        let gather = graceCourse.appendingPathComponent("exercises/02-gather.py")
        try FileManager.default.removeItem(at: gather)
        try FileManager.default.copyItem(at: Repository.lessons.appendingPathComponent("02-gather/solution.py"), to: gather)
        try grace.run("asynclings check 02\ngit push\n", in: graceCourse)
        let progress = try grace.run(script["learner-progress"]!, in: graceCourse)
        let lessonCount = Repository.lessonIDs.count
        #expect(progress.stdout.contains("learner/team-a/grace: 2/\(lessonCount) lessons passed"))

        // The hook keeps learners off main.
        let rejected = try ada.run("git push origin HEAD:main", in: adaCourse, expecting: 1)
        #expect(rejected.stderr.contains("only learner/... branches can be pushed to this room"))

        // The instructor's views.
        let onHost = try instructor.run(script["class-on-host"]!)
        #expect(onHost.stdout.contains("2 learners × \(lessonCount) lessons"))
        #expect(onHost.stdout.contains("ada"))
        #expect(onHost.stdout.contains("team-a/grace"))
        try instructor.run(script["class-clone"]!)
        let teacher = instructor.home.appendingPathComponent("teacher")
        let regrade = try instructor.run(script["class-regrade"]!, in: teacher)
        #expect(regrade.stdout.contains("re-graded with origin/main"))
        #expect(!regrade.stdout.contains("Needs a look"))
        try instructor.run(script["class-pin"]!, in: teacher)
        let team = try instructor.run(script["class-team"]!, in: teacher)
        #expect(team.stdout.contains("1 learner × \(lessonCount) lessons"))
        try instructor.run(script["class-json"]!, in: teacher)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: teacher.appendingPathComponent("class.json"))) as? [String: Any]
        #expect((json?["summary"] as? [String: Any])?["passed"] as? Int == 3)
        try instructor.run(script["class-html"]!, in: teacher)
        let page = try String(contentsOf: teacher.appendingPathComponent("class.html"), encoding: .utf8)
        #expect(page.contains("team-a/grace"))
        #expect(page.contains("<td class=\"cell s-passed\""))

        // A learner who starts over gets their pushed branch back.
        try ada.run(script["learner-reclone"]!)
        let again = ada.home.appendingPathComponent("asynclings-again")
        #expect(try Git.run(["rev-parse", "HEAD"], in: again) == (try Git.run(["rev-parse", "learner/ada"], in: adaCourse)))

        // Every command the prose mentions in passing was typed by someone above.
        let typed = (instructor.ran + ada.ran + grace.ran).joined(separator: "\n")
        for command in try Self.inlineCommands() {
            let concrete = command.replacingOccurrences(of: "NAME", with: "ada")
            #expect(typed.contains(concrete) || typed.contains(asGrace(concrete)), "`\(command)` is in the guide but no test ran it")
        }
    }
}
