import Course
import Foundation
import Glibc
import Grading
import Views
import Watch
import Workshop

/// What other threads tell the loop (a file saved, a grade finished, where progress is
/// kept), through an `EventPipe` the loop polls.
extension WatchApp {
    enum Event: Sendable {
        case loaded(first: String?, passed: Set<String>, store: LearnerRecords.Store)
        case filesChanged(Set<String>)
        case graded(lessonID: String, Result<WatchCheck, GradingError>, content: String?)
        case progress(passed: Set<String>, store: LearnerRecords.Store)
    }

    func handle(_ event: Event) {
        switch event {
        case .loaded(let first, let passed, let store):
            model.passed.formUnion(passed)
            describe(store)
            if let first, let index = model.lessons.firstIndex(where: { $0.id == first }) {
                for effect in model.open(index) { perform(effect) }
            } else {
                model.screen = .finished
            }
        case .filesChanged(let names):
            guard let lesson = model.currentLesson, names.contains(lesson.exerciseFileName) else { return }
            guard model.screen != .loading else { return }
            let path = session.course.exerciseFile(for: lesson).path
            if let own = ownWrites[lesson.exerciseFileName] {
                ownWrites[lesson.exerciseFileName] = nil
                if FileSignature.of(path: path) == own { return }
            }
            model.notice = nil
            model.grading = true
            requestGrade(lesson.id, reason: .saved)
        case .progress(let passed, let store):
            describe(store)
            // In a repository the branch is the truth (passes on another branch do not
            // count); passes that could not be recorded stay for this session.
            if case .branch = store { model.passed = passed.union(unrecordedPasses) }
        case .graded(let lessonID, let result, let content):
            inFlight = nil
            if case .success(let check) = result {
                if check.report.status != .pass {
                    unrecordedPasses.remove(lessonID)
                } else if case .notRecorded = check.recording {
                    unrecordedPasses.insert(lessonID)
                }
            }
            if case .success(let check) = result, check.report.status == .pass, lessonID == model.currentLesson?.id {
                learnerCode = content
            }
            model.graded(lessonID, result)
            if model.quitting {
                exitStatus = pendingExitStatus
                return
            }
            if let next = queued {
                queued = nil
                startGrade(next.lessonID, reason: next.reason)
            }
        }
        updateWatchStatus()
    }

    func describe(_ store: LearnerRecords.Store) {
        switch store {
        case .branch(let name, _): storeStatus = "recording on branch \(name)"
        case .unavailable(let reason): storeStatus = "progress kept for this session only: \(reason)"
        }
    }
}

/// A queue of events from other threads that the loop can `poll`: each post writes a byte.
final class EventPipe<Event: Sendable>: @unchecked Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32
    private let lock = NSLock()
    private var pending: [Event] = []

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) != 0 { ends = [-1, -1] }
        for descriptor in ends where descriptor >= 0 {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        readDescriptor = ends[0]
        writeDescriptor = ends[1]
    }

    func post(_ event: Event) {
        lock.withLock { pending.append(event) }
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)  // a full pipe already means "wake up"
    }

    func drain() -> [Event] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
        return lock.withLock {
            defer { pending = [] }
            return pending
        }
    }
}
