import Foundation
import Grading

/// `asynclings verify` for a terminal: a line per file, what it must do and what it did.
public enum VerifyText {
    public static func table(_ items: [Verifier.Item]) -> String {
        let fileWidth = min(60, items.map(\.file.count).max() ?? 10)
        let expectWidth = items.map(\.expected.count).max() ?? 10
        return items.map { item in
            let mark = item.ok ? "✓" : "✗"
            let file = item.file.padding(toLength: fileWidth, withPad: " ", startingAt: 0)
            let expected = item.expected.padding(toLength: expectWidth, withPad: " ", startingAt: 0)
            return "\(mark) \(file)  \(expected)  \(item.actual)"
        }.joined(separator: "\n")
    }
}
