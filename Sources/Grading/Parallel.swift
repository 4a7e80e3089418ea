import Foundation

/// Runs `work` on every item, `parallelism` at a time, results in item order.
///
/// Grades spend their time waiting for a child process, so this uses threads of its
/// own rather than `DispatchQueue.concurrentPerform`, whose pool is capped at the core
/// count; each thread takes the next item as soon as it finishes one.
public func inParallel<Item: Sendable, Result: Sendable>(
    _ items: [Item], parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
    _ work: @escaping @Sendable (Item) -> Result
) -> [Result] {
    let slots = Slots<Result>(count: items.count)
    let workers = min(max(1, parallelism), items.count)
    guard workers > 0 else { return [] }
    let done = DispatchGroup()
    for _ in 0..<workers {
        done.enter()
        let thread = Thread {
            while let index = slots.claim() {
                slots[index] = work(items[index])
            }
            done.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    done.wait()
    return slots.values
}

/// Result slots filled by several threads, handing out indices in order.
final class Slots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Value?]
    private var next = 0
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The index of the next item nobody has taken; nil when all are taken.
    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    subscript(index: Int) -> Value? {
        get { lock.lock(); defer { lock.unlock() }; return slots[index] }
        set { lock.lock(); slots[index] = newValue; lock.unlock() }
    }

    /// Every slot, in order; call once all workers are done.
    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
