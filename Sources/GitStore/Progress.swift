import CGit2
import Foundation

import Glibc

/// A lesson's latest record on a branch and whether it still holds at the tip.
public struct LessonProgress: Hashable, Sendable {
    /// The newest record of this lesson in the branch's first-parent history; its
    /// `blob` is the lesson's exercise file in the recording commit, if it had one.
    public let record: ProgressRecord
    /// True when the branch tip holds the lesson's exercise file with exactly the blob
    /// the recording commit held: a later commit that changed or removed the file makes
    /// the pass stale, and a record whose commit held no exercise file (whatever its
    /// `Asynclings-File` trailer names) is never current. Uncommitted edits in a working
    /// tree do not count; only history does.
    public let isCurrent: Bool
}

/// The progress recorded on one branch.
public struct BranchProgress: Hashable, Sendable {
    /// The branch read, with the tip the progress was computed at.
    public let branch: Branch
    /// Latest record per lesson id.
    public let lessons: [String: LessonProgress]

    /// Lessons whose latest record is a pass that still holds at the tip.
    public var passedLessons: Set<String> {
        Set(lessons.values.filter { $0.isCurrent && $0.record.status == "pass" }.map(\.record.lesson))
    }
}

/// Memoised walk results for a repository handle. Commits and trees are immutable, so
/// nothing here ever goes stale, and branches that share history (every learner branch
/// starts from the course commit) are walked only down to the first commit already seen.
final class ProgressCache {
    /// Latest record per lesson visible from a commit through its first-parent chain
    /// (trailers, commit, date and tree; blobs are looked up per call).
    var recordsReachable: [ObjectID: [String: ProgressRecord]] = [:]
    /// Blob of a regular file at a path in a tree; nil when there is none.
    var blobs: [TreePath: ObjectID?] = [:]

    struct TreePath: Hashable {
        let tree: ObjectID
        let path: String
    }
}

extension Repository {
    /// Progress on a branch by name: `learner/zoë`, `origin/learner/zoë`, or a full
    /// reference name (see `branch(named:)`).
    public func progress(branch name: String, exercisePath: (String) -> String?) throws(GitStoreError) -> BranchProgress {
        try progress(branch: try branch(named: name), exercisePath: exercisePath)
    }

    /// Progress on a branch: the trailers of its first-parent history (newest per lesson),
    /// each marked current or stale against the tip's tree.
    ///
    /// Walks each commit once per repository handle: later calls for branches sharing
    /// history stop at the first commit an earlier call has seen. Reuse one handle to
    /// read many branches.
    ///
    /// - Parameter exercisePath: where a lesson's exercise file lives in the repository's
    ///   tree, from its id (`02-gather` → `exercises/02-gather.py`, below the course's
    ///   folder when it has one); nil for an id that names no lesson file. The course
    ///   decides this, not the record: its `Asynclings-File` trailer is the learner's word.
    /// - Throws: `.git` when the tip is not a commit.
    public func progress(branch: Branch, exercisePath: (String) -> String?) throws(GitStoreError) -> BranchProgress {
        let records = try recordsReachable(from: branch.tip)
        let tipTree = try commit(branch.tip).treeID
        var lessons: [String: LessonProgress] = [:]
        for (lesson, var record) in records {
            var atTip: ObjectID?
            record.blob = nil
            if let path = exercisePath(lesson) {
                atTip = try blob(at: path, inTree: tipTree)
                if let recorded = record.treeID { record.blob = try blob(at: path, inTree: recorded) }
            }
            lessons[lesson] = LessonProgress(record: record, isCurrent: record.blob != nil && atTip == record.blob)
        }
        return BranchProgress(branch: branch, lessons: lessons)
    }

    /// Latest record per lesson reachable from `tip` by first parents.
    func recordsReachable(from tip: ObjectID) throws(GitStoreError) -> [String: ProgressRecord] {
        let cache = progressCache
        // Walk down to the root or to a commit already summarised, remembering the path.
        var unseen: [Commit] = []
        var records: [String: ProgressRecord] = [:]
        var cursor: ObjectID? = tip
        while let id = cursor {
            if let known = cache.recordsReachable[id] {
                records = known
                break
            }
            let commit = try commit(id)
            unseen.append(commit)
            cursor = commit.firstParentID
        }
        // Then back up, oldest first, so newer records replace older ones.
        for commit in unseen.reversed() {
            if commit.mayHoldRecord, var record = ProgressRecord(message: commit.message) {
                record.commit = commit.id
                record.date = ProgressRecord.plausibleDate(commit.date)
                // The exercise file's blob depends on the course's layout, which the
                // caller knows: it is looked up per call, from this tree.
                record.treeID = commit.treeID
                records[record.lesson] = record
            }
            cache.recordsReachable[commit.id] = records
        }
        return records
    }

    /// The blob of a regular (or executable) file at `path` in a tree, memoised: many
    /// branch tips share a tree (learners who have not committed since the course commit).
    func blob(at path: String, inTree treeID: ObjectID) throws(GitStoreError) -> ObjectID? {
        let key = ProgressCache.TreePath(tree: treeID, path: path)
        if let known = progressCache.blobs[key] { return known }
        let blob = try tree(treeID).entry(at: path).flatMap(\.regularFileBlob)
        progressCache.blobs[key] = blob
        return blob
    }
}

extension TreeEntry {
    /// The blob id when this entry is a regular or executable file.
    var regularFileBlob: ObjectID? {
        kind == .file || kind == .executable ? id : nil
    }
}

extension Commit {
    /// A cheap screen before parsing trailers: most commits in a course repository (the
    /// course history, the learner's own commits) hold no record, and `strstr` on the
    /// borrowed message skips them without building Swift strings. Matches the key in
    /// the spellings `Asynclings-`, `asynclings-` and `ASYNCLINGS-`.
    var mayHoldRecord: Bool {
        guard let message = git_commit_message(pointer) else { return false }
        return strstr(message, "synclings-") != nil || strstr(message, "SYNCLINGS-") != nil
    }
}
