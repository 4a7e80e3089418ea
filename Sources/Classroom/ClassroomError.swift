import GitStore
import Grading

/// Why the class view could not be read or re-graded. Each case says what to do.
public enum ClassroomError: Error, Sendable, CustomStringConvertible {
    /// A git operation failed (no such remote, unreadable repository, fetch failure).
    case git(GitStoreError)
    /// No `--course-ref` was given and none could be guessed.
    case noCourseReference(tried: [String])
    /// The course reference has no loadable lessons under `lessons/`.
    case noLessons(reference: String, problems: [String])
    /// Writing the trusted lessons to a temporary folder failed.
    case materialising(path: String, reason: String)
    /// A regrade would run every learner's code unconfined (`isolation` says why), and
    /// that was not asked for.
    case unsandboxedRegrade(isolation: GradeIsolation)

    public var description: String {
        switch self {
        case .git(let error):
            return error.description
        case .noCourseReference(let tried):
            return "cannot tell which branch holds the trusted course (tried \(tried.joined(separator: ", "))); "
                + "pass --course-ref REF, e.g. --course-ref origin/main"
        case .noLessons(let reference, let problems):
            let detail = problems.isEmpty ? "" : ":\n" + problems.map { "  \($0)" }.joined(separator: "\n")
            return "\(reference) has no loadable lessons under lessons/\(detail)"
        case .materialising(let path, let reason):
            return "could not write the trusted lessons to \(path): \(reason)"
        case .unsandboxedRegrade(let isolation):
            return "refusing to regrade: grades are \(isolation.summary)\n"
                + "  (or, knowing every learner's code then runs as you: --unsafe-regrade-without-sandbox)"
        }
    }

    /// The exit status the command line uses: a git failure's own (`GitStoreError.exitCode`);
    /// a course reference that cannot be found or has no lessons is a usage error.
    public var exitCode: Int32 {
        switch self {
        case .git(let error): error.exitCode
        case .noCourseReference, .noLessons: 2
        case .materialising, .unsandboxedRegrade: 3
        }
    }
}
