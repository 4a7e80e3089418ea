import Course
import Foundation
import GitStore

/// The course a class view is read against: its lesson columns, the commit branches are
/// expected to share history with, and, for a regrade, the trusted lessons and checks.
///
/// This is where `asynclings class` decides which course to trust. A regrade trusts only
/// a revision (`--course-ref`, else the branch the repository was cloned from), never the
/// lessons in the working tree or on a learner's branch. Without a regrade the columns come
/// from the course on disk, or, with none (the workshop's bare repository), from that
/// revision; there they are a convenience, so a revision that cannot be read leaves them
/// empty rather than failing (the records still show).
public struct ClassCourse: Sendable {
    /// Where the course sits in the repository (`""` at its root).
    public let coursePrefix: String
    /// The columns, in course order.
    public let columns: [LessonColumn]
    /// The course's revision and commit, for flagging branches that share no history with it.
    public let commit: (reference: String, commit: ObjectID)?
    /// The lessons and checks a regrade grades with; nil without a regrade.
    public let trusted: TrustedCourse?

    /// - Parameters:
    ///   - onDisk: the course found around the working directory, if any.
    ///   - remote: the remote whose default branch is the course (`--remote`), else every remote's.
    ///   - reference: the revision to trust (`--course-ref`); nil: the default one.
    ///   - regrade: whether the trusted course's checks will grade every file.
    /// - Throws: with a regrade, why the trusted course cannot be had (an unknown revision,
    ///   no lessons in it).
    public init(repository: Repository, onDisk: Course?, remote: String?, reference: String?, regrade: Bool) throws(ClassroomError) {
        let prefix = onDisk.flatMap { repository.folderInWorkdir($0.root) } ?? ""
        coursePrefix = prefix
        if let name = reference ?? (try? TrustedCourse.defaultReference(in: repository, remote: remote)),
            let found = try? repository.commit(revision: name)
        {
            commit = (name, found.id)
        } else {
            commit = nil
        }
        var columns = onDisk?.lessons.map { LessonColumn(id: $0.id, title: $0.title) } ?? []
        var trusted: TrustedCourse?
        if regrade || onDisk == nil {
            do throws(ClassroomError) {
                var name = reference ?? ""
                if reference == nil { name = try TrustedCourse.defaultReference(in: repository, remote: remote) }
                if regrade {
                    let materialised = try TrustedCourse.materialise(from: repository, reference: name, coursePrefix: prefix)
                    columns = materialised.course.lessons.map { LessonColumn(id: $0.id, title: $0.title) }
                    trusted = materialised
                } else {
                    columns = try TrustedCourse.columns(in: repository, reference: name, coursePrefix: prefix)
                }
            } catch {
                if regrade { throw error }
            }
        }
        self.columns = columns
        self.trusted = trusted
    }
}
