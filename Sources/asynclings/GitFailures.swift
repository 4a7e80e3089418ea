import Classroom
import GitStore

extension Failure {
    /// A git refusal or failure as a command failure: names the user can fix (no such
    /// branch, not a repository, detached HEAD, a bare repository) are usage errors (exit
    /// 2); the rest — I/O, locks, transport — environment errors (exit 3).
    static func git(_ error: GitStoreError) -> Failure {
        switch error {
        case .notARepository, .alreadyARepository, .detachedHead, .bareRepository, .branchNotFound, .branchExists,
            .invalidBranchName, .invalidPath, .remoteNotFound, .unbornBranch, .revisionNotFound, .invalidTrailerValue:
            return .usage(error.description)
        case .git, .indexLocked, .concurrentUpdates, .fileSystem, .corruptCounters, .corruptObject:
            return .environment(error.description)
        }
    }

    /// A class view failure, with the exit status its domain gives it.
    static func classroom(_ error: ClassroomError) -> Failure {
        error.exitCode == 2 ? .usage(error.description) : .environment(error.description)
    }
}
