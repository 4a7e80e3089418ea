import Course
import Foundation
import Sandbox

/// Opening the report a grade wrote: the frame that proves it is the grader's, and the
/// checks that it is consistent before anything trusts its status.
///
/// The harness frames its report with the grade's secret key
/// (`ASYNCLINGS-REPORT <key> <length>\n<json>`, see the harness's report.py). Graded code
/// runs in the same process and could write to the report descriptor too; it does not
/// know the key (it would have to dig it out of the grader's memory), so:
/// - bytes outside the frame are someone else's: the verdict fails `tampering`;
/// - no frame at all, or a framed report that does not add up (another lesson's id,
///   a check missing or twice, a status its checks do not support), is not a grader's
///   report: the verdict is `error`, never `pass`.
extension GradeReport {
    static let frameTag = "ASYNCLINGS-REPORT"

    static func unseal(_ result: SandboxResult, key: String, lesson: Lesson, seed: Int) -> GradeReport {
        let bytes = result.report.bytes
        if result.timedOut || (bytes.isEmpty && result.report.totalBytes == 0) {
            return Grader.crashReport(result, lesson: lesson, seed: seed)
        }
        guard let frame = frame(in: bytes, key: key) else {
            return notFromTheGrader(
                "no report framed with this grade's key among the \(result.report.totalBytes) bytes written to it", lesson: lesson,
                seed: seed, result: result)
        }
        guard var report = try? JSONDecoder().decode(GradeReport.self, from: Data(bytes[frame.body])) else {
            return notFromTheGrader("the framed report is not valid JSON", lesson: lesson, seed: seed, result: result)
        }
        if let problem = report.inconsistency(lesson: lesson, seed: seed) {
            return notFromTheGrader(problem, lesson: lesson, seed: seed, result: result)
        }
        let foreign = result.report.totalBytes - (frame.body.upperBound - frame.start)
        if foreign > 0 {
            report.fail(
                .tampering,
                "something other than the grader wrote \(foreign) byte\(foreign == 1 ? "" : "s") to the grader's report channel "
                    + "(the descriptor the grade started with as 3). Your code has no business there: print results, or return them.")
        }
        if report.status != .pass, !result.stderr.text.isEmpty { report.stderr = Grader.tail(result.stderr.text) }
        return report
    }

    /// Where the frame with `key` starts, and the range of its JSON: after
    /// `ASYNCLINGS-REPORT <key> <length>\n`, exactly `length` bytes. Nil when there is none.
    static func frame(in bytes: [UInt8], key: String) -> (start: Int, body: Range<Int>)? {
        let marker = Array("\(frameTag) \(key) ".utf8)
        guard marker.count < bytes.count else { return nil }
        var start = 0
        while start + marker.count <= bytes.count {
            guard let found = firstIndex(of: marker, in: bytes, from: start) else { return nil }
            let lengthStart = found + marker.count
            if let newline = bytes[lengthStart...].prefix(12).firstIndex(of: 0x0A),
                let length = Int(String(decoding: bytes[lengthStart..<newline], as: UTF8.self)), length >= 0,
                newline + 1 + length <= bytes.count
            {
                return (found, (newline + 1)..<(newline + 1 + length))
            }
            start = found + 1
        }
        return nil
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// Why this report cannot be the grader's for `lesson` graded with `seed`, or nil.
    func inconsistency(lesson: Lesson, seed: Int) -> String? {
        if self.lesson != lesson.id { return "it is for lesson `\(self.lesson)`, not \(lesson.id)" }
        if self.seed != seed { return "it was graded with seed \(self.seed), not \(seed)" }
        if !virtualSeconds.isFinite || virtualSeconds < 0 || virtualSeconds > 1e9 {
            return "its virtual time (\(virtualSeconds)) is not a sane number of seconds"
        }
        if checks.count > 4 * CheckID.allCases.count { return "it has \(checks.count) checks" }
        var seen: Set<String> = []
        for check in checks {
            guard CheckID(rawValue: check.id) != nil else { return "`\(check.id)` is not a check id" }
            guard seen.insert(check.id).inserted else { return "the check `\(check.id)` appears twice" }
        }
        let statuses = checks.map(\.status)
        switch status {
        case .error:
            // A course or environment error may stop before most checks exist.
            if !statuses.contains(.error) { return "its status is error, yet no check is" }
            return nil
        case .fail:
            if statuses.contains(.error) { return "a check is error, yet its status is fail" }
            if !statuses.contains(.fail) { return "its status is fail, yet no check failed" }
        case .pass:
            if let other = checks.first(where: { $0.status != .pass }) {
                return "its status is pass, yet `\(other.id)` is \(other.status.rawValue)"
            }
        }
        let expected = CheckID.reportedByEveryGrade + lesson.declaredChecks
        if let missing = expected.first(where: { !seen.contains($0.rawValue) }) {
            return "the check `\(missing.rawValue)` that every grade of \(lesson.id) has is missing"
        }
        return nil
    }

    /// Records a failure of `check` (added to the report if absent; after what it already
    /// said if it failed already); the verdict becomes a fail.
    mutating func fail(_ check: CheckID, _ message: String) {
        if let index = checks.firstIndex(where: { $0.id == check.rawValue }) {
            let earlier = checks[index].status == .fail ? checks[index].message + "\n" : ""
            checks[index].status = .fail
            checks[index].message = earlier + message
        } else {
            checks.append(Check(id: check.rawValue, status: .fail, message: message))
        }
        if status == .pass { status = .fail }
    }

    private static func notFromTheGrader(_ why: String, lesson: Lesson, seed: Int, result: SandboxResult) -> GradeReport {
        var report = GradeReport(
            lesson: lesson.id, file: "", status: .error,
            checks: [
                Check(
                    id: CheckID.tampering.rawValue, status: .error,
                    message: "the grade's report did not come from the grader (\(why)). Something in the graded code "
                        + "wrote to the grader's report channel, or ended the grader before it could report.")
            ], seed: seed)
        if !result.stderr.text.isEmpty { report.stderr = Grader.tail(result.stderr.text) }
        let out = result.stdout.text
        if !out.isEmpty { report.output = String(out.prefix(4000)) }
        return report
    }
}
