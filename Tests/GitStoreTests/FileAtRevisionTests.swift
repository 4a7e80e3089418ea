import Foundation
import GitStore
import Testing

import Glibc

@Suite("Reading a file at a branch tip")
struct FileAtRevisionTests {
    static let cap = 1 << 20

    /// A branch `learner/zoë` whose tip holds one file of every kind, while the working
    /// tree is back on `main` (so nothing is read from disk by accident).
    static func repositoryWithEveryKind() throws -> ScratchRepository {
        let repo = try ScratchRepository.withCourse()
        try repo.git("switch", "-q", "-c", "learner/zoë")
        try repo.write("exercises/02-gather.py", "print('gathered')\n")
        try repo.write("exercises/run.py", "#!/usr/bin/env python3\n")
        chmod(repo.path + "/exercises/run.py", 0o755)
        symlink("/etc/passwd", repo.path + "/exercises/link.py")
        try repo.scratch.write("exercises/binary.py", Data([0x61, 0x62, 0x00, 0x63]))
        try repo.git("add", "-A")
        let head = try repo.git("rev-parse", "HEAD").trimmed
        try repo.git("update-index", "--add", "--cacheinfo", "160000,\(head),exercises/sub")
        try repo.git("commit", "-q", "-m", "every kind")
        try repo.git("switch", "-q", "main")
        return repo
    }

    @Test func regularAndExecutableFilesAreReadFromTheTip() throws {
        let repo = try Self.repositoryWithEveryKind()
        let repository = try repo.open()
        let branch = try repository.branch(named: "learner/zoë")
        #expect(try repository.file(at: "exercises/02-gather.py", in: branch, maxSize: Self.cap) == .regular(Data("print('gathered')\n".utf8)))
        #expect(try repo.read("exercises/02-gather.py") == "print('starter 2')\n")
        #expect(try repository.file(at: "exercises/run.py", in: branch, maxSize: Self.cap) == .regular(Data("#!/usr/bin/env python3\n".utf8)))
        #expect(try repository.file(at: "exercises/nope.py", in: branch, maxSize: Self.cap) == .missing)
        #expect(try repository.file(at: "README.md/inside", in: branch, maxSize: Self.cap) == .missing)
        #expect(try repository.file(at: "", in: branch, maxSize: Self.cap) == .missing)
        let main = try repository.commit(try repository.branch(named: "main").tip)
        #expect(try repository.file(at: "exercises/02-gather.py", in: main, maxSize: Self.cap) == .regular(Data("print('starter 2')\n".utf8)))
    }

    @Test func symlinkDirectorySubmoduleAndBinaryAreRefused() throws {
        let repo = try Self.repositoryWithEveryKind()
        let repository = try repo.open()
        let branch = try repository.branch(named: "learner/zoë")
        #expect(try repository.file(at: "exercises/link.py", in: branch, maxSize: Self.cap) == .symlink)
        #expect(try repository.file(at: "exercises", in: branch, maxSize: Self.cap) == .directory)
        #expect(try repository.file(at: "exercises/sub", in: branch, maxSize: Self.cap) == .submodule)
        #expect(try repository.file(at: "exercises/binary.py", in: branch, maxSize: Self.cap) == .binary)
    }

    @Test func sizeCapIsInclusive() throws {
        let repo = try Self.repositoryWithEveryKind()
        let repository = try repo.open()
        let branch = try repository.branch(named: "learner/zoë")
        let size = "print('gathered')\n".utf8.count
        #expect(try repository.file(at: "exercises/02-gather.py", in: branch, maxSize: size) == .regular(Data("print('gathered')\n".utf8)))
        #expect(try repository.file(at: "exercises/02-gather.py", in: branch, maxSize: size - 1) == .tooLarge(size: size))
    }

    @Test func fiftyMegabyteFileIsRefusedWithoutReadingIt() throws {
        let repo = try ScratchRepository.withCourse()
        let size = 50 * 1024 * 1024
        try repo.scratch.write("exercises/huge.py", Data(repeating: UInt8(ascii: "a"), count: size))
        try repo.git("add", "exercises/huge.py")
        try repo.git("commit", "-q", "-m", "huge")
        // Cut the loose object down to its first bytes: the header still inflates, but
        // the contents can no longer be read (git itself now fails to). So `.tooLarge`
        // proves the size came from the header alone. (Reading such an object through
        // libgit2 1.5.1 spins in inflate forever, so the test must not try.)
        let id = try repo.git("rev-parse", "HEAD:exercises/huge.py").trimmed
        let object = "\(repo.path)/.git/objects/\(id.prefix(2))/\(id.dropFirst(2))"
        chmod(object, 0o644)
        #expect(truncate(object, 64) == 0)
        #expect(try repo.git("cat-file", "-s", id) == "\(size)\n")
        #expect(throws: GitFailure.self) { try repo.git("cat-file", "blob", id) }

        let repository = try repo.open()
        let branch = try repository.branch(named: "main")
        #expect(try repository.file(at: "exercises/huge.py", in: branch, maxSize: Self.cap) == .tooLarge(size: size))
    }

    /// A truncated loose object whose size is within the cap: libgit2 1.5.1 would spin
    /// forever inflating it, so it must be refused before the read. (Cut shorter than
    /// its header, libgit2 itself already fails to read the size.)
    @Test(arguments: [200, 2000])
    func truncatedLooseObjectIsRefusedInsteadOfHanging(keep: Int) throws {
        let repo = try ScratchRepository.withCourse()
        let text = (0..<4000).map { "line \($0) of a learner's exercise\n" }.joined()
        try repo.write("exercises/02-gather.py", text)
        try repo.git("commit", "-q", "-am", "work")
        let id = try repo.git("rev-parse", "HEAD:exercises/02-gather.py").trimmed
        let object = "\(repo.path)/.git/objects/\(id.prefix(2))/\(id.dropFirst(2))"
        chmod(object, 0o644)
        #expect(truncate(object, off_t(keep)) == 0)

        let repository = try repo.open()
        let branch = try repository.branch(named: "main")
        #expect(throws: GitStoreError.corruptObject(try #require(ObjectID(hex: id)))) {
            try repository.file(at: "exercises/02-gather.py", in: branch, maxSize: Self.cap)
        }
        // Whole loose objects and packed ones still read.
        #expect(try repository.file(at: "README.md", in: branch, maxSize: Self.cap) == .regular(Data("# course\n".utf8)))
    }

    @Test func packedObjectsReadWithoutALooseFile() throws {
        let repo = try ScratchRepository.withCourse()
        try repo.git("gc", "-q")
        let repository = try repo.open()
        let branch = try repository.branch(named: "main")
        #expect(try repository.file(at: "exercises/01-hello.py", in: branch, maxSize: Self.cap) == .regular(Data("print('starter 1')\n".utf8)))
    }
}

