import Course
import Grading
import TerminalKit
import Workshop

/// The state of watch mode, and how keys and grades change it.
///
/// Pure: it never touches the terminal, files or the grader. What should happen outside
/// is returned as ``Effect``s for ``WatchApp`` to carry out, so every key can be tested
/// without a terminal.
public struct WatchModel: Sendable {
    /// Which screen is showing.
    public enum Screen: Equatable, Sendable {
        /// Before the first lesson is chosen.
        case loading
        /// The current lesson: goal, verdict, hints.
        case lesson
        /// The current lesson just passed: the learner's code beside the solution.
        case passed
        /// The lesson list, with the highlighted row.
        case list(selection: Int)
        /// The lesson's text.
        case text
        /// Every lesson passed.
        case finished
    }

    /// Why a grade was asked for.
    public enum GradeReason: Equatable, Sendable {
        /// The lesson was opened: shows where the learner stands; not an attempt.
        case opened
        /// The file was saved.
        case saved
        /// `r` was pressed.
        case rerun
    }

    /// Something for the app to do.
    public enum Effect: Equatable, Sendable {
        /// Create the exercise file from the starter if missing, then grade it.
        case open(lessonID: String)
        case grade(lessonID: String, reason: GradeReason)
        /// Take the next hint of the ladder (it is counted).
        case takeHint(lessonID: String)
        /// Quit once the grade in progress (if any) is done.
        case quit
        /// Quit now.
        case quitNow
        case suspend
        case redraw
    }

    /// The latest grade of the current lesson.
    public enum Verdict: Sendable {
        case none
        case graded(WatchCheck)
        /// The grader could not run (no Python, file missing …): the message and fix.
        case unavailable(String)
    }

    public let lessons: [Lesson]
    /// Lessons passed: the branch's progress plus passes in this session.
    public var passed: Set<String>
    public var current: Int?
    public var screen: Screen = .loading
    public var verdict: Verdict = .none
    /// Whether a grade of the current lesson is running.
    public var grading = false
    /// Hints shown per lesson: the ladder's rungs so far.
    public var hints: [String: [String]] = [:]
    /// Hints each lesson has in all.
    public var hintTotals: [String: Int] = [:]
    /// A one-off message (created file, skipped lesson, last hint …), cleared by the next key.
    public var notice: String?
    /// The first body line shown.
    public var scroll = 0
    /// Whether `q` was pressed while a grade runs.
    public var quitting = false
    /// The list's search text while `/` is active (nil: not searching).
    public var listQuery: String?

    public init(lessons: [Lesson], passed: Set<String> = []) {
        self.lessons = lessons
        self.passed = passed
        for lesson in lessons { hintTotals[lesson.id] = lesson.hints.count }
    }

    public var currentLesson: Lesson? { current.map { lessons[$0] } }

    // MARK: - Navigation

    /// Opens `index`: shows its screen and asks for its file and a first grade.
    public mutating func open(_ index: Int) -> [Effect] {
        guard lessons.indices.contains(index) else { return [] }
        current = index
        screen = .lesson
        verdict = .none
        grading = true
        scroll = 0
        return [.open(lessonID: lessons[index].id)]
    }

    /// The first lesson after the current one (wrapping) that has not passed.
    public func nextUnfinished() -> Int? {
        let start = (current ?? -1) + 1
        let order = Array(start..<lessons.count) + Array(0..<min(start, lessons.count))
        return order.first { !passed.contains(lessons[$0].id) }
    }

    // MARK: - Keys

    /// What `key` does on the current screen.
    public mutating func handle(_ key: Key) -> [Effect] {
        if case .list(let selection) = screen, listQuery != nil, key != .control("c") {
            return handleSearchKey(key, selection: selection)
        }
        if key == .control("c") || key == .character("q") {
            if quitting { return [.quitNow] }
            quitting = true
            return [.quit]
        }
        if key == .control("z") { return [.suspend] }
        if key == .control("l") { return [.redraw] }
        notice = nil
        switch screen {
        case .loading:
            return []
        case .lesson, .passed:
            return handleLessonKey(key)
        case .list(let selection):
            return handleListKey(key, selection: selection)
        case .text:
            switch key {
            case .escape, .character("s"), .backspace, .left:
                screen = passedCurrent ? .passed : .lesson
                scroll = 0
            default:
                scrollBy(key)
            }
            return []
        case .finished:
            if key == .character("l") || key == .enter { screen = .list(selection: 0) }
            return []
        }
    }

    private var passedCurrent: Bool {
        guard case .graded(let check) = verdict else { return false }
        return check.report.status == .pass
    }

    private mutating func handleLessonKey(_ key: Key) -> [Effect] {
        guard let current, let lesson = currentLesson else { return [] }
        switch key {
        case .character("h"):
            return [.takeHint(lessonID: lesson.id)]
        case .character("r"):
            grading = true
            return [.grade(lessonID: lesson.id, reason: .rerun)]
        case .character("l"):
            screen = .list(selection: current)
            return []
        case .character("s"):
            screen = .text
            scroll = 0
            return []
        // `n` anywhere; enter only on the pass screen.
        case .character("n"),
            .enter where screen == .passed:
            if screen == .passed || passed.contains(lesson.id) {
                guard let next = nextUnfinished() else {
                    screen = .finished
                    return []
                }
                return open(next)
            }
            guard current + 1 < lessons.count else {
                notice = "\(lesson.id) is the last lesson; `l` lists them all."
                return []
            }
            let effects = open(current + 1)
            notice = "Skipped \(lesson.id) for now (not passed yet); `l` brings you back to it."
            return effects
        default:
            scrollBy(key)
            return []
        }
    }

    /// Lessons the list shows: all, or those whose id or title contains the search text.
    public var listedLessons: [Int] {
        guard let query = listQuery?.lowercased(), !query.isEmpty else { return Array(lessons.indices) }
        return lessons.indices.filter {
            lessons[$0].id.lowercased().contains(query) || lessons[$0].title.lowercased().contains(query)
        }
    }

    private mutating func handleSearchKey(_ key: Key, selection: Int) -> [Effect] {
        switch key {
        case .character(let character):
            listQuery = (listQuery ?? "") + String(character)
        case .backspace:
            if listQuery?.isEmpty == false { listQuery?.removeLast() }
        case .escape:
            listQuery = nil
        case .up, .down, .pageUp, .pageDown:
            return handleListKey(key, selection: selection)
        case .enter:
            let listed = listedLessons
            listQuery = nil
            guard listed.contains(selection) else { return [] }
            return handleListKey(.enter, selection: selection)
        default:
            return []
        }
        // Keep the highlight on a lesson that is still listed.
        let listed = listedLessons
        if !listed.contains(selection), let first = listed.first { screen = .list(selection: first) }
        return []
    }

    private mutating func handleListKey(_ key: Key, selection: Int) -> [Effect] {
        let listed = listedLessons
        let position = listed.firstIndex(of: selection) ?? 0
        func select(_ index: Int) {
            guard !listed.isEmpty else { return }
            screen = .list(selection: listed[min(max(0, index), listed.count - 1)])
        }
        switch key {
        case .up, .character("k"):
            select(position - 1)
        case .down, .character("j"):
            select(position + 1)
        case .home, .character("g"):
            select(0)
        case .end, .character("G"):
            select(listed.count - 1)
        case .pageUp:
            select(position - 10)
        case .pageDown:
            select(position + 10)
        case .character("/"):
            listQuery = ""
        case .enter, .character("c"), .right:
            if selection == current {
                screen = passedCurrent ? .passed : .lesson
                return []
            }
            return open(selection)
        case .escape, .character("l"), .left, .backspace:
            screen = current == nil ? .finished : (passedCurrent ? .passed : .lesson)
        default:
            break
        }
        return []
    }

    private mutating func scrollBy(_ key: Key) {
        switch key {
        case .up, .character("k"): scroll = max(0, scroll - 1)
        case .down, .character("j"): scroll += 1
        case .pageUp: scroll = max(0, scroll - 10)
        case .pageDown, .character(" "): scroll += 10
        case .home, .character("g"): scroll = 0
        case .end, .character("G"): scroll = Int.max / 2
        default: break
        }
    }

    // MARK: - Results

    /// A grade of `lessonID` finished. Returns the effects it calls for (none so far).
    public mutating func graded(_ lessonID: String, _ outcome: Result<WatchCheck, GradingError>) {
        guard currentLesson?.id == lessonID else { return }  // a grade of a lesson left meanwhile
        grading = false
        switch outcome {
        case .success(let check):
            verdict = .graded(check)
            let passedNow = check.report.status == .pass
            // The file as it is now decides, as it will for the next run: breaking a
            // passed file takes its pass away (on a branch, the record no longer matches).
            if passedNow { passed.insert(lessonID) } else { passed.remove(lessonID) }
            switch screen {
            case .lesson where passedNow:
                screen = .passed
                scroll = 0
            case .passed where !passedNow:
                screen = .lesson
                scroll = 0
            default:
                break
            }
        case .failure(let error):
            verdict = .unavailable(error.description)
            if screen == .passed { screen = .lesson }
        }
    }

    /// A hint was taken: the ladder shows every rung up to `number`.
    public mutating func hintTaken(_ lessonID: String, _ hint: (number: Int, of: Int, text: String)?, all: [String]) {
        guard let hint else {
            notice = "This lesson has no hints; `s` shows the lesson text."
            return
        }
        let alreadyShown = hints[lessonID]?.count ?? 0
        hints[lessonID] = Array(all.prefix(hint.number))
        if alreadyShown >= hint.of {
            notice = "That was the last hint (\(hint.of) of \(hint.of)); `s` shows the lesson text again."
        }
        if screen == .passed || screen == .text { screen = .lesson }
        scroll = 0
    }
}

/// One grade as watch mode shows it.
public struct WatchCheck: Sendable {
    public var report: GradeReport
    public var recording: LearnerSession.Recording
    /// Hints of this lesson the learner had seen when it was graded (earlier sessions included).
    public var hintsSeen: Int

    public init(report: GradeReport, recording: LearnerSession.Recording, hintsSeen: Int = 0) {
        self.report = report
        self.recording = recording
        self.hintsSeen = hintsSeen
    }
}
