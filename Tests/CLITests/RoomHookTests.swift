import Foundation
import TestSupport
import Testing

/// The room's pre-receive hook exactly as `docs/WORKSHOP.md` installs it, in a real bare
/// repository, with two learners pushing from their clones with the git command line.
///
/// Pushes go through a local path, so git runs `receive-pack` and the hook just as it
/// does behind SSH; who pushes is told to the hook as a tagged SSH key would tell it,
/// through `ASYNCLINGS_PUSHER`.
@Suite("The room's hook", .scratchDirectory)
struct RoomHookTests {
    /// The instructor's home with the room and the guide's hook in it.
    static func room() throws -> Room {
        let home = Scratch.directory.appendingPathComponent("instructor")
        let room = try Room(in: home)
        let script = try #require(try WorkshopGuideTests.blocks().first { $0.id == "room-hook" }?.script)
        let run = try Shell.run(["/bin/bash", "-e", "-c", script], in: home, environment: ["HOME": home.path])
        #expect(run.status == 0, "\(run.stderr)")
        return room
    }

    /// Pushes as `pusher` (nil: as this account, with no key tag).
    @discardableResult
    static func push(_ arguments: [String], from clone: URL, as pusher: String?) throws -> Shell.Result {
        var environment = Git.environment
        environment["ASYNCLINGS_PUSHER"] = pusher
        return try Shell.run(["/usr/bin/git", "-C", clone.path, "push", "-q", "origin"] + arguments, environment: environment)
    }

    static func commit(_ text: String, in clone: URL) throws {
        try Scratch.write(text, to: "exercises/01-alpha.py", in: clone)
        try Git.run(["add", "-A"], in: clone)
        try Git.run(["commit", "-qm", text], in: clone)
    }

    static func tip(_ branch: String, in room: Room) -> String? {
        (try? Git.run(["rev-parse", "-q", "--verify", "refs/heads/" + branch], in: room.bare))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aLearnerBranchTakesOnlyItsOwnersCommitsAndNeverLosesOne() throws {
        let room = try Self.room()
        let ada = try room.clone("ada")
        let eve = try room.clone("eve")

        // Ada creates her branch and adds to it: both accepted, and the branch is hers.
        try Git.run(["switch", "-q", "-c", "learner/ada"], in: ada)
        try Self.commit("first\n", in: ada)
        #expect(try Self.push(["learner/ada"], from: ada, as: "ada").status == 0)
        try Self.commit("second\n", in: ada)
        #expect(try Self.push(["learner/ada"], from: ada, as: "ada").status == 0)
        let adasTip = try #require(Self.tip("learner/ada", in: room))
        let owner = room.bare.appendingPathComponent("asynclings-owners/learner/ada")
        #expect(try String(contentsOf: owner, encoding: .utf8) == "ada\n")

        // Eve overwrites Ada's branch with her own history: refused.
        try Git.run(["switch", "-q", "-c", "mine"], in: eve)
        try Self.commit("eve's forged pass\n", in: eve)
        let force = try Self.push(["--force", "mine:learner/ada"], from: eve, as: "eve")
        #expect(force.status != 0)
        #expect(force.stderr.contains("refs/heads/learner/ada belongs to ada"), "\(force.stderr)")
        // Eve builds on Ada's branch (a fast-forward): refused too, it is not hers.
        try Git.run(["fetch", "-q", "origin"], in: eve)
        try Git.run(["switch", "-q", "-c", "on-top", "origin/learner/ada"], in: eve)
        try Self.commit("a record in Ada's name\n", in: eve)
        let onTop = try Self.push(["on-top:learner/ada"], from: eve, as: "eve")
        #expect(onTop.status != 0)
        #expect(onTop.stderr.contains("belongs to ada"))
        // Eve deletes Ada's branch: refused.
        let delete = try Self.push(["--delete", "learner/ada"], from: eve, as: "eve")
        #expect(delete.status != 0)
        #expect(delete.stderr.contains("refs/heads/learner/ada: branches cannot be deleted in this room"), "\(delete.stderr)")
        #expect(Self.tip("learner/ada", in: room) == adasTip)

        // Ada cannot rewrite or delete her own history either: nothing a pass recorded is lost.
        try Git.run(["reset", "-q", "--hard", "HEAD~1"], in: ada)
        try Self.commit("rewritten\n", in: ada)
        let rewrite = try Self.push(["--force", "learner/ada"], from: ada, as: "ada")
        #expect(rewrite.status != 0)
        #expect(rewrite.stderr.contains("refs/heads/learner/ada: a push may only add commits (no force-push)"), "\(rewrite.stderr)")
        #expect(try Self.push(["--delete", "learner/ada"], from: ada, as: "ada").status != 0)
        #expect(Self.tip("learner/ada", in: room) == adasTip)

        // Eve's own branch is fine.
        #expect(try Self.push(["mine:learner/eve"], from: eve, as: "eve").status == 0)
        #expect(Self.tip("learner/eve", in: room) != nil)
    }

    @Test func mainAndAnythingButLearnerBranchesAreRefusedAndARefusedPushClaimsNothing() throws {
        let room = try Self.room()
        let eve = try room.clone("eve")
        let mainTip = Self.tip("main", in: room)
        try Self.commit("new checks\n", in: eve)
        for target in ["HEAD:main", "HEAD:refs/heads/other", "HEAD:refs/tags/v1"] {
            let push = try Self.push([target], from: eve, as: "eve")
            #expect(push.status != 0, "\(target)")
            #expect(push.stderr.contains("only learner/... branches can be pushed to this room"), "\(target): \(push.stderr)")
        }
        #expect(Self.tip("main", in: room) == mainTip)
        // A push is all or nothing: with main refused, learner/eve is neither made nor claimed.
        #expect(try Self.push(["HEAD:learner/eve", "HEAD:main"], from: eve, as: "eve").status != 0)
        #expect(Self.tip("learner/eve", in: room) == nil)
        #expect(!FileManager.default.fileExists(atPath: room.bare.appendingPathComponent("asynclings-owners/learner/eve").path))
    }

    /// Without a tagged key the hook falls back on the account's name, so on a shared
    /// account every push is the same person: the owner check then cannot tell two
    /// learners apart, as the guide says. Force-pushes and deletions stay refused.
    @Test func withoutATaggedKeyThePusherIsTheAccount() throws {
        let room = try Self.room()
        let ada = try room.clone("ada")
        let eve = try room.clone("eve")
        let account = try Shell.run(["/usr/bin/id", "-un"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try Git.run(["switch", "-q", "-c", "learner/ada"], in: ada)
        try Self.commit("first\n", in: ada)
        #expect(try Self.push(["learner/ada"], from: ada, as: nil).status == 0)
        let owner = room.bare.appendingPathComponent("asynclings-owners/learner/ada")
        #expect(try String(contentsOf: owner, encoding: .utf8) == account + "\n")
        // Another key tagged as someone else is refused; the same untagged account is not.
        try Git.run(["fetch", "-q", "origin"], in: eve)
        try Git.run(["switch", "-q", "-c", "on-top", "origin/learner/ada"], in: eve)
        try Self.commit("added by someone on the shared account\n", in: eve)
        #expect(try Self.push(["on-top:learner/ada"], from: eve, as: "eve").status != 0)
        #expect(try Self.push(["on-top:learner/ada"], from: eve, as: nil).status == 0)
        #expect(try Self.push(["--delete", "learner/ada"], from: eve, as: nil).status != 0)
    }
}
