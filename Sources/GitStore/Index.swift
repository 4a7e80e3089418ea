import CGit2
import Foundation

import Glibc

/// A libgit2 index object, owned and freed by this wrapper.
final class Index {
    let pointer: OpaquePointer

    /// Opens the index file at `path`, not attached to any repository. A missing file
    /// reads as an empty index.
    init(openingFile path: String) throws(GitStoreError) {
        var out: OpaquePointer?
        try check(git_index_open(&out, path))
        pointer = out!
    }

    deinit {
        git_index_free(pointer)
    }

    /// The stage-0 entry for `path`, copied; nil when the path is not tracked.
    func entry(at path: String) -> git_index_entry? {
        git_index_get_bypath(pointer, path, 0)?.pointee
    }

    /// Adds or replaces the entry; libgit2 copies the path string.
    func add(_ entry: git_index_entry, path: String) throws(GitStoreError) {
        var entry = entry
        let rc = path.withCString { cPath in
            entry.path = cPath
            return git_index_add(pointer, &entry)
        }
        try check(rc)
    }
}

/// git's own `index.lock`, held across a whole read–modify–write of the index.
///
/// libgit2's `git_index_write` takes this lock only while writing, so a read made before
/// it can silently undo a `git add` that ran in between. Holding the lock from before the
/// read until the new index is in place makes the update atomic against git, other
/// asynclings processes and other threads: all of them create the lock with `O_EXCL`.
final class IndexLock {
    let indexPath: String
    let lockPath: String
    /// False until the lock file is ours: a throwing `init` still runs `deinit`, which
    /// must not delete a lock that belongs to someone else.
    private var held = false

    /// Takes the lock, retrying with a short backoff while someone else holds it.
    ///
    /// - Throws: `.indexLocked` when it is still held after `timeout`.
    init(indexPath: String, timeout: Duration) throws(GitStoreError) {
        self.indexPath = indexPath
        self.lockPath = indexPath + ".lock"
        let deadline = ContinuousClock.now + timeout
        var pause: useconds_t = 500
        while true {
            let fd = open(lockPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 {
                close(fd)
                held = true
                return
            }
            let code = errno
            guard code == EEXIST else {
                throw .fileSystem(operation: "creating", path: lockPath, errno: code)
            }
            guard ContinuousClock.now < deadline else {
                throw .indexLocked(lockPath: lockPath)
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    deinit {
        release()
    }

    /// Moves the prepared index file at `replacement` over the index, then drops the lock.
    ///
    /// The rename is the commit point, as in git (which renames `index.lock` itself).
    func install(_ replacement: String) throws(GitStoreError) {
        guard rename(replacement, indexPath) == 0 else {
            throw .fileSystem(operation: "replacing the index with", path: replacement, errno: errno)
        }
        release()
    }

    /// Gives the lock up without changing the index.
    func release() {
        guard held else { return }
        held = false
        unlink(lockPath)
    }
}

/// A private copy of the index, edited while `IndexLock` is held and then installed.
///
/// libgit2 cannot write an index to any path but the one it was opened from, and the
/// real index's own path is locked by us; so the copy lives next to it (same file
/// system, so the final rename is atomic) and is opened from there.
final class StagedIndex {
    let index: Index
    let path: String
    /// The on-disk index's modification time when copied: entries not older than it are
    /// "racily clean" (their stat data cannot prove the file unchanged).
    let originalModificationTime: timespec?
    private var installed = false

    init(copying lock: IndexLock) throws(GitStoreError) {
        path = "\(lock.indexPath).asynclings-\(getpid())-\(UUID().uuidString)"
        var info = stat()
        if lstat(lock.indexPath, &info) == 0 {
            originalModificationTime = info.st_mtim
            do {
                try FileManager.default.copyItem(atPath: lock.indexPath, toPath: path)
            } catch {
                throw .fileSystem(operation: "copying", path: lock.indexPath, errno: EIO)
            }
        } else if errno == ENOENT {
            // No index yet (nothing staged in a fresh repository): start empty.
            originalModificationTime = nil
        } else {
            throw .fileSystem(operation: "reading", path: lock.indexPath, errno: errno)
        }
        index = try Index(openingFile: path)
    }

    deinit {
        if !installed { unlink(path) }
    }

    /// Writes the edited index to the private file. Done before the branch moves, so
    /// that afterwards only the rename in `install(with:)` is left to do.
    func write() throws(GitStoreError) {
        try check(git_index_write(index.pointer))
    }

    /// Moves the written private file over the real index.
    func install(with lock: IndexLock) throws(GitStoreError) {
        try lock.install(path)
        installed = true
    }

    /// Does what git does when it rewrites an index ("racy git", see git's
    /// Documentation/technical/racy-git.txt): an entry whose file changed in the same
    /// instant the old index was written looks clean by its stat data, and only the old
    /// index's timestamp told git to look closer. Our new index has a later timestamp,
    /// so such entries get their recorded size zeroed, which forces git to compare
    /// contents. Entries whose files still match are left alone.
    ///
    /// libgit2 does this itself only for an index attached to a repository; ours is a
    /// detached copy.
    func smudgeRacilyCleanEntries(in repository: Repository, workdir: String, skipping skipped: String)
        throws(GitStoreError)
    {
        guard let indexTime = originalModificationTime else { return }
        var suspects: [(git_index_entry, String)] = []
        for position in 0..<git_index_entrycount(index.pointer) {
            guard let pointer = git_index_get_byindex(index.pointer, position),
                git_index_entry_stage(pointer) == 0,
                Int(pointer.pointee.mtime.seconds) >= indexTime.tv_sec,
                // A submodule's entry is checked against its HEAD, not file contents.
                pointer.pointee.mode != GIT_FILEMODE_COMMIT.rawValue,
                let path = string(pointer.pointee.path), path != skipped
            else { continue }
            suspects.append((pointer.pointee, path))
        }
        for (entry, path) in suspects {
            var info = stat()
            // A file that is gone or of another size fails git's stat check on its own.
            guard lstat(workdir + "/" + path, &info) == 0, UInt32(truncatingIfNeeded: info.st_size) == entry.file_size
            else { continue }
            // Hashing would follow a symbolic link, so links are smudged unverified.
            if entry.mode != GIT_FILEMODE_LINK.rawValue {
                var id = git_oid()
                let rc = git_repository_hashfile(&id, repository.pointer, path, GIT_OBJECT_BLOB, path)
                var stored = entry.id
                guard rc < 0 || git_oid_equal(&id, &stored) == 0 else { continue }
            }
            var smudged = entry
            smudged.file_size = 0
            try index.add(smudged, path: path)
        }
    }
}
