import Course
import Foundation

/// Why a grade could not even start. Each case carries the exact fix.
public enum GradingError: Error, Sendable, CustomStringConvertible {
    /// No Python 3.11+ was found (exit status 3).
    case noPython(tried: [String])
    /// The interpreter given or found is older than the lesson needs (exit status 3).
    case pythonTooOld(path: String, version: PythonVersion, needed: PythonVersion)
    /// `--python PATH` does not exist or cannot run (exit status 3).
    case pythonNotRunnable(path: String, reason: String)
    /// The harness files are not where the binary expects them (exit status 3).
    case harnessMissing(searched: [String])
    /// The file to grade does not exist (exit status 2); `exercise` is the lesson's
    /// exercise file (`exercises/<id>.py`), which `start` would create.
    case fileMissing(path: String, lesson: String, exercise: String)
    /// The exercise path is a directory, a device or otherwise not a regular file (exit status 2).
    case notARegularFile(path: String, kind: String)
    /// The exercise file is too large to be an exercise (exit status 2).
    case fileTooLarge(path: String, bytes: Int)
    /// The child process could not be started (exit status 3).
    case spawnFailed(String)

    public var exitCode: Int32 {
        switch self {
        case .fileMissing, .notARegularFile, .fileTooLarge: 2
        default: 3
        }
    }

    public var description: String {
        switch self {
        case .noPython(let tried):
            return "no Python 3.11 or newer found (tried: \(tried.joined(separator: ", "))).\n"
                + "  fix: run `make deps` to create .venv, or install Python 3.11+ (`sudo apt-get install -y python3`), "
                + "or pass --python /path/to/python3.11"
        case .pythonTooOld(let path, let version, let needed):
            return "\(path) is Python \(version); this lesson needs \(needed) or newer.\n"
                + "  fix: pass --python /path/to/python\(needed), or recreate .venv with it (`rm -rf .venv && make deps PYTHON=python\(needed)`)"
        case .pythonNotRunnable(let path, let reason):
            return "cannot run the Python interpreter \(path): \(reason).\n  fix: pass --python with the path of a working python3.11 or newer"
        case .harnessMissing(let searched):
            return "the grading harness is missing (looked in \(searched.joined(separator: ", "))).\n"
                + "  fix: rebuild with `make build`, or reinstall with `make install`"
        case .fileMissing(let path, let lesson, let exercise) where path == exercise || path.hasSuffix("/" + exercise):
            return "\(path) does not exist.\n  fix: run `asynclings start \(lesson)` to create it from the starter"
        case .fileMissing(let path, let lesson, let exercise):
            // `start` creates only the exercise file: another path is the learner's to fix.
            return "\(path) does not exist.\n  fix: give the path of an existing file (a relative one is read from the "
                + "current folder), or leave it out to grade \(exercise) (`asynclings start \(lesson)` creates it)"
        case .notARegularFile(let path, let kind):
            return "\(path) is \(kind), not a Python file.\n  fix: give the path of the .py file to grade"
        case .fileTooLarge(let path, let bytes):
            return "\(path) is \(bytes) bytes; an exercise file is at most 1 MB.\n  fix: grade the exercise file itself"
        case .spawnFailed(let reason):
            return "could not start the grader process: \(reason)"
        }
    }
}
