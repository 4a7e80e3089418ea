import Course
import Foundation
import GitStore

/// The lessons and check scripts of a trusted revision, written to a private temporary
/// folder so the grader can run them.
///
/// A regrade grades every learner's file with these, never with the lessons on a learner's
/// branch or in the working tree, so a learner who edits a check script cannot pass.
/// The folder is removed when the value is released.
public final class TrustedCourse: Sendable {
    /// The revision as given (`origin/main`).
    public let reference: String
    /// The commit it named.
    public let commit: ObjectID
    /// The lessons loaded from the temporary copy.
    public let course: Course
    /// The temporary folder holding `lessons/`.
    public let directory: URL

    /// The largest single file copied out of the course: a lesson folder holds text.
    static let maximumFileBytes = 8 << 20

    init(reference: String, commit: ObjectID, course: Course, directory: URL) {
        self.reference = reference
        self.commit = commit
        self.course = course
        self.directory = directory
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Copies `<coursePrefix>lessons/` at `reference` out of the object database (no
    /// checkout, the working tree is not touched) and loads it.
    ///
    /// Symbolic links and submodules in the lessons are skipped, not followed.
    ///
    /// - Throws: `.git(.revisionNotFound)` for an unknown revision; `.noLessons` when it
    ///   has none that load.
    public static func materialise(from repository: Repository, reference: String, coursePrefix: String = "")
        throws(ClassroomError) -> TrustedCourse
    {
        let commit: Commit
        let lessons: TreeEntry?
        do throws(GitStoreError) {
            commit = try repository.commit(revision: reference)
            lessons = try commit.tree().entry(at: coursePrefix + "lessons")
        } catch {
            throw .git(error)
        }
        guard let lessons, lessons.kind == .directory else {
            throw .noLessons(reference: reference, problems: [])
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("asynclings-course-\(UUID().uuidString)", isDirectory: true)
        let root = directory.appendingPathComponent("lessons", isDirectory: true)
        do throws(ClassroomError) {
            try write(tree: lessons.id, of: repository, to: root)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let course = Course.load(root: directory)
        guard !course.lessons.isEmpty else {
            try? FileManager.default.removeItem(at: directory)
            throw .noLessons(reference: reference, problems: course.problems.map(\.description))
        }
        return TrustedCourse(reference: reference, commit: commit.id, course: course, directory: directory)
    }

    /// The lesson columns at `reference` without writing anything to disk: the folders
    /// under `<coursePrefix>lessons/` named `NN-slug`, in number order, each titled from its
    /// `lesson.md` front matter. What the class view needs when no course is on disk (the
    /// workshop's bare repository) and nothing is re-graded.
    public static func columns(in repository: Repository, reference: String, coursePrefix: String = "")
        throws(ClassroomError) -> [LessonColumn]
    {
        var columns: [(number: Int, column: LessonColumn)] = []
        do {
            let commit = try repository.commit(revision: reference)
            guard let entry = try commit.tree().entry(at: coursePrefix + "lessons"), entry.kind == .directory else {
                throw ClassroomError.noLessons(reference: reference, problems: [])
            }
            let lessons = try repository.tree(entry.id)
            for folder in lessons.entries where folder.kind == .directory {
                guard let number = Lesson.number(ofID: folder.name) else { continue }
                var title: String?
                if case .regular(let data) = try repository.file(at: folder.name + "/lesson.md", in: lessons, maxSize: maximumFileBytes) {
                    title = FrontMatter.title(of: String(decoding: data, as: UTF8.self))
                }
                columns.append((number, LessonColumn(id: folder.name, title: title)))
            }
        } catch let error as ClassroomError {
            throw error
        } catch let error as GitStoreError {
            throw .git(error)
        } catch {
            throw .noLessons(reference: reference, problems: ["\(error)"])
        }
        guard !columns.isEmpty else { throw .noLessons(reference: reference, problems: []) }
        return columns.sorted { ($0.number, $0.column.id) < ($1.number, $1.column.id) }.map(\.column)
    }

    private static func write(tree id: ObjectID, of repository: Repository, to folder: URL) throws(ClassroomError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .materialising(path: folder.path, reason: "\(error)")
        }
        let tree: Tree
        do throws(GitStoreError) {
            tree = try repository.tree(id)
        } catch {
            throw .git(error)
        }
        for entry in tree.entries where entry.name != "." && entry.name != ".." && entry.name != ".git" {
            let target = folder.appendingPathComponent(entry.name)
            switch entry.kind {
            case .directory:
                try write(tree: entry.id, of: repository, to: target)
            case .file, .executable:
                let file: FileAtRevision
                do throws(GitStoreError) {
                    file = try repository.file(at: entry.name, in: tree, maxSize: maximumFileBytes)
                } catch {
                    throw .git(error)
                }
                // Binary files (images in a lesson) are copied too; only text is read by
                // the grader, but nothing here needs to judge that.
                guard case .regular(let data) = file else { continue }
                guard FileManager.default.createFile(atPath: target.path, contents: data) else {
                    throw .materialising(path: target.path, reason: "cannot create the file")
                }
                if entry.kind == .executable {
                    try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.path)
                }
            case .symlink, .submodule:
                continue
            }
        }
    }

    /// The revision a regrade trusts when none is given: the branch the repository was
    /// cloned from (`REMOTE/HEAD`, as `git clone` records it, e.g. `origin/main`), else
    /// `REMOTE/main`, else the local `main` (the shared bare repository itself).
    public static func defaultReference(in repository: Repository, remote: String?) throws(ClassroomError) -> String {
        var tried: [String] = []
        do throws(GitStoreError) {
            let remotes = try repository.remoteNames()
            let candidates = remote.map { [$0] } ?? (remotes.contains("origin") ? ["origin"] : remotes)
            for name in candidates where remotes.contains(name) {
                tried.append("\(name)/HEAD")
                if let branch = try repository.defaultBranch(ofRemote: name) { return branch }
                tried.append("\(name)/main")
                if (try? repository.branch(named: "refs/remotes/\(name)/main")) != nil { return "\(name)/main" }
            }
            tried.append("main")
            if (try? repository.branch(named: "refs/heads/main")) != nil { return "main" }
        } catch {
            throw .git(error)
        }
        throw .noCourseReference(tried: tried)
    }
}
