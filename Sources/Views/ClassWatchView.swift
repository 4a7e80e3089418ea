import Classroom
import Foundation
import TerminalKit

/// Where a refreshing view stands: what the status line of `class --watch` says.
public enum RefreshStatus: Sendable, Equatable {
    /// Reading (fetching, regrading) now; `since` is when it began.
    case loading(since: Date)
    /// The value shown was read at `at`.
    case loaded(at: Date)
    /// The last attempt failed: `message` says why. The last good value, if any, stays.
    case failed(message: String, at: Date)
}

/// The class view on a terminal that stays open (`class --watch`): the matrix fitted to
/// the screen, and one status line at the bottom saying when it was read, whether a
/// refresh is under way, and why the last one failed.
public struct ClassWatchView: Sendable {
    public var color: Bool
    /// Seconds between refreshes.
    public var interval: Int
    public var timeZone: TimeZone

    public init(color: Bool, interval: Int, timeZone: TimeZone = .current) {
        self.color = color
        self.interval = interval
        self.timeZone = timeZone
    }

    /// At most `rows` lines, none wider than `columns`; the status line last.
    /// - Parameter matrix: The last good matrix (its `generated` says when it was read);
    ///   nil before the first one was read.
    public func render(_ matrix: ClassMatrix?, status: RefreshStatus, columns: Int, rows: Int, now: Date = Date()) -> [String] {
        let width = max(20, columns)
        var body: [String]
        if let matrix {
            body = MatrixRenderer(style: .init(color: color, width: width), timeZone: timeZone).render(matrix, now: now)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        } else if case .failed(let message, _) = status {
            body = TextWrap.wrap("Could not read the room: " + ANSI.sanitized(message), width: width)
        } else {
            body = ["Reading the room…"]
        }
        let room = max(1, rows - 1)
        if body.count > room {
            let hidden = body.count - (room - 1)
            body = Array(body.prefix(room - 1))
            body.append(ANSI.styled(ANSI.truncate("… \(hidden) more lines: a taller terminal shows them", to: width), [.dim], enabled: color))
        }
        return body + [statusLine(matrix: matrix, status: status, width: width)]
    }

    func statusLine(matrix: ClassMatrix?, status: RefreshStatus, width: Int) -> String {
        let clock = WallClock(timeZone: timeZone)
        func time(_ date: Date) -> String {
            let t = clock.fields(date)
            return String(format: "%02d:%02d:%02d", t.tm_hour, t.tm_min, t.tm_sec)
        }
        let keys = "r refresh · q quit"
        let text: String
        var attributes: [ANSI.SGR] = [.inverse]
        switch status {
        case .loading:
            text = matrix.map { "updating… (shown: \(time($0.generated)))" } ?? "reading…"
        case .loaded(let at):
            text = "updated \(time(at)) · every \(interval) s · \(keys)"
        case .failed(let message, let at):
            // What is on screen first: a long message is what gets cut.
            let shown = matrix.map { " (showing \(time($0.generated)))" } ?? ""
            text = "✗ \(time(at))\(shown) \(ANSI.sanitized(message)) · retrying every \(interval) s · \(keys)"
            attributes = [.foreground(.brightWhite), .background(.red), .bold]
        }
        return ANSI.styled(ANSI.pad(ANSI.truncate(text, to: width), to: width), attributes, enabled: color)
    }
}
