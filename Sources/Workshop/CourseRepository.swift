import Course
import Foundation
import GitStore

/// Setting up the git side of a course: `asynclings init [--learner NAME]`.
///
/// Outside a repository it creates one with the course as its first commit. Inside one
/// it changes nothing but HEAD, and only when asked for a learner branch: that is what a
/// learner types right after cloning the room's repository, with work already in the
/// folder, so it must never touch a file or the index.
public enum CourseRepository {
    /// The branch a new repository's course commit goes on.
    public static let mainBranch = "main"
    /// The message of that commit.
    public static let courseCommitMessage = "asynclings: the course"
    /// Written when the course folder has no `.gitignore`, so the first commit holds the
    /// course and not build products or the virtual environment.
    public static let defaultIgnore = """
        .build/
        .build-*/
        .venv/
        __pycache__/
        *.pyc
        .swiftpm/

        """

    /// The learner branch for a name: `ada` → `learner/ada`; `learner/ada` stays.
    ///
    /// - Throws: `.invalidBranchName` for an empty name or one git would refuse.
    public static func learnerBranch(for name: String) throws(GitStoreError) -> String {
        let branch = LearnerBranch.name(for: name)
        guard LearnerBranch.isLearnerBranch(branch), Repository.isValidBranchName(branch) else {
            throw .invalidBranchName(branch)
        }
        return branch
    }

    /// What `initialise` did.
    public enum Outcome: Sendable, Equatable {
        /// A new repository at `workdir` with the course committed on `main`; `branch` is
        /// where HEAD is now (`main`, or the learner branch when one was asked for).
        case created(workdir: String, commit: ObjectID, branch: String)
        /// Already a repository and no learner name: nothing changed.
        case explained(workdir: String?, head: HeadState?, isBare: Bool)
        /// Already a repository; HEAD is now on the learner branch.
        case learnerBranch(name: String, change: BranchChange, upstream: String?)
    }

    /// How HEAD got to the learner branch.
    public enum BranchChange: Sendable, Equatable {
        /// It was there already.
        case alreadyOn
        /// The local branch existed; it was checked out (git's safe strategy: local
        /// changes are never overwritten).
        case switchedToExisting
        /// The remote had it (a learner who cloned again): a local branch was made from
        /// `remoteBranch` and checked out.
        case restoredFromRemote(remoteBranch: String)
        /// A new branch at the current commit; only HEAD moved. `unborn` when the
        /// repository has no commit yet (the first pass creates it).
        case created(unborn: Bool)
    }

    /// Runs `asynclings init` for the course at `courseRoot`.
    ///
    /// - Throws: `.bareRepository` for a learner branch in a bare repository;
    ///   `.invalidBranchName`; a checkout conflict (`.git`, `GIT_ECONFLICT`) when switching
    ///   to an existing branch would overwrite local changes.
    public static func initialise(courseRoot: URL, learner: String?) throws(GitStoreError) -> Outcome {
        let branch = try learner.map { name throws(GitStoreError) in try learnerBranch(for: name) }
        let repository: Repository
        do throws(GitStoreError) {
            repository = try Repository(discoveringFrom: courseRoot.path)
        } catch .notARepository {
            return try create(at: courseRoot, learnerBranch: branch)
        }
        guard let branch else {
            let head = try? repository.head()
            return .explained(workdir: repository.workdir, head: head, isBare: repository.isBare)
        }
        return try switchToLearnerBranch(branch, in: repository)
    }

    /// A new repository with the course as its first commit on `main`.
    static func create(at root: URL, learnerBranch: String?) throws(GitStoreError) -> Outcome {
        let ignore = root.appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore.path) {
            guard FileManager.default.createFile(atPath: ignore.path, contents: Data(defaultIgnore.utf8)) else {
                throw .fileSystem(operation: "creating", path: ignore.path, errno: EACCES)
            }
        }
        let repository = try Repository(at: root.path, initialBranch: mainBranch)
        let commit = try repository.commitAll(message: courseCommitMessage)
        var branch = mainBranch
        if let learnerBranch {
            try repository.switchToNewBranch(named: learnerBranch)
            branch = learnerBranch
        }
        return .created(workdir: repository.workdir ?? root.path, commit: commit.id, branch: branch)
    }

    /// Puts HEAD on `branch`, creating it when needed, and points its upstream at the
    /// remote (so a plain `git push` publishes it).
    static func switchToLearnerBranch(_ branch: String, in repository: Repository) throws(GitStoreError) -> Outcome {
        guard !repository.isBare else { throw .bareRepository(path: repository.gitDirectory) }
        let remote = try pushRemote(of: repository)
        let head = try repository.head()
        let change: BranchChange
        switch head {
        case .branch(let name) where name == branch, .unborn(let name) where name == branch:
            change = .alreadyOn
        default:
            if (try? repository.branch(named: "refs/heads/" + branch)) != nil {
                try repository.switchBranch(to: branch)
                change = .switchedToExisting
            } else if let remote, let tracking = try? repository.branch(named: "refs/remotes/\(remote)/\(branch)") {
                try repository.createBranch(named: branch, at: try repository.commit(tracking.tip))
                try repository.switchBranch(to: branch)
                change = .restoredFromRemote(remoteBranch: tracking.name)
            } else {
                let state = try repository.switchToNewBranch(named: branch)
                if case .unborn = state { change = .created(unborn: true) } else { change = .created(unborn: false) }
            }
        }
        var upstream: String?
        if let remote {
            try repository.setUpstream(ofBranch: branch, remote: remote)
            upstream = "\(remote)/\(branch)"
        }
        return .learnerBranch(name: branch, change: change, upstream: upstream)
    }

    /// The remote learners push to: `origin` (what `git clone` names it), else the only
    /// remote; nil when there is none or several and no `origin`.
    static func pushRemote(of repository: Repository) throws(GitStoreError) -> String? {
        let remotes = try repository.remoteNames()
        if remotes.contains("origin") { return "origin" }
        return remotes.count == 1 ? remotes[0] : nil
    }
}
