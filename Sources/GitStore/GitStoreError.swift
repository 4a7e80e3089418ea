/// Every failure GitStore reports: libgit2 errors and the domain's own refusals.
///
/// Each domain case says what went wrong in terms a learner or instructor can act on;
/// `description` spells out the fix.
public enum GitStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A libgit2 call failed; carries its code, class and message.
    case git(GitError)
    /// No repository at or above the path.
    case notARepository(path: String)
    /// Creating a repository where one already exists.
    case alreadyARepository(path: String)
    /// HEAD points at a commit, not a branch, so there is no branch to record progress on.
    case detachedHead(ObjectID)
    /// The repository has no working tree, so there is no exercise file or index to update.
    case bareRepository(path: String)
    /// Another process holds `index.lock` and did not let go in time.
    case indexLocked(lockPath: String)
    /// The branch moved under us on every try (compare-and-swap lost each time).
    case concurrentUpdates(reference: String, attempts: Int)
    /// No local or remote-tracking branch with that name.
    case branchNotFound(String)
    /// A branch with that name exists already.
    case branchExists(String)
    /// Not a valid git branch name (`git check-ref-format --branch`).
    case invalidBranchName(String)
    /// A path that is absolute, empty, escapes the working tree, or names `.git`.
    case invalidPath(String)
    /// A trailer value that would break the trailer block (a line break in it).
    case invalidTrailerValue(key: String, value: String)
    /// No remote with that name.
    case remoteNotFound(String)
    /// The operation needs a commit and the branch has none yet.
    case unbornBranch(String)
    /// A file system call failed; `errno` and what we were doing.
    case fileSystem(operation: String, path: String, errno: Int32)
    /// The local counters file could not be read or written.
    case corruptCounters(path: String)
    /// A loose object whose file is truncated or does not inflate to what its header says.
    case corruptObject(ObjectID)
    /// A revision (`main`, `origin/main`, a tag, a commit id) that names no commit.
    case revisionNotFound(String)

    /// The exit status a command ends with: names the user can fix (no such branch, not a
    /// repository, detached HEAD, a bare repository) are usage errors (2); the rest — I/O,
    /// locks, transport, corruption — environment errors (3).
    public var exitCode: Int32 {
        switch self {
        case .notARepository, .alreadyARepository, .detachedHead, .bareRepository, .branchNotFound, .branchExists,
            .invalidBranchName, .invalidPath, .remoteNotFound, .unbornBranch, .revisionNotFound, .invalidTrailerValue:
            2
        case .git, .indexLocked, .concurrentUpdates, .fileSystem, .corruptCounters, .corruptObject:
            3
        }
    }

    public var description: String {
        switch self {
        case .git(let error):
            return "git: \(error)"
        case .notARepository(let path):
            return "\(path) is not inside a git repository; run `git init` there or start "
                + "asynclings outside a repository to create one"
        case .alreadyARepository(let path):
            return "\(path) is already a git repository"
        case .detachedHead(let id):
            return "HEAD is detached at \(id.shortHex), so there is no branch to record progress "
                + "on; create your branch first: `git switch -c learner/NAME`"
        case .bareRepository(let path):
            return "\(path) is a bare repository (no working tree): progress can be read from it "
                + "but not recorded; clone it and work in the clone"
        case .indexLocked(let lockPath):
            return "another git process is using the index (\(lockPath) exists); wait for it to "
                + "finish, or remove the file if no git process is running"
        case .concurrentUpdates(let reference, let attempts):
            return "\(reference) kept moving while recording (\(attempts) tries); try again"
        case .branchNotFound(let name):
            return "no branch named \(name)"
        case .branchExists(let name):
            return "a branch named \(name) already exists"
        case .invalidBranchName(let name):
            return "\(name) is not a valid branch name"
        case .invalidPath(let path):
            return "\(path) is not a path inside the working tree"
        case .invalidTrailerValue(let key, let value):
            return "trailer \(key) cannot hold \(value.debugDescription): line breaks are not allowed"
        case .remoteNotFound(let name):
            return "no remote named \(name); add it with `git remote add \(name) URL`"
        case .unbornBranch(let name):
            return "branch \(name) has no commits yet"
        case .fileSystem(let operation, let path, let code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        case .corruptCounters(let path):
            return "the local counters file \(path) is not valid JSON; delete it to start counting afresh"
        case .corruptObject(let id):
            return "object \(id.hex) is truncated or corrupt; run `git fsck` and fetch it again"
        case .revisionNotFound(let revision):
            return "\(revision) names no commit here; give a branch (`main`, `origin/main`), a tag or a commit id"
        }
    }
}

import Glibc
