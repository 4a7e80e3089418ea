import Course
import Foundation
import Grading
import Workshop

extension LearnerSession {
    /// A session for commands that never grade (`hint`, `doctor`): hints and progress need
    /// no interpreter, and resolving one would make `asynclings hint` fail where Python is
    /// broken, which is exactly when a learner may run `doctor`.
    static func withoutGrading(_ course: Course) -> LearnerSession {
        let unused = Grader(
            interpreter: PythonInterpreter(path: "/nonexistent/python3", version: .minimumSupported),
            harness: Harness(directory: URL(fileURLWithPath: "/nonexistent")))
        return LearnerSession(course: course, grader: unused)
    }
}
