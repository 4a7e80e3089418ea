import Course
import Testing

@testable import TerminalKit
@testable import Views

@Suite("Line diff")
struct LineDiffTests {
    @Test(arguments: [
        ([], [], 0, 0),
        (["a"], ["a"], 0, 0),
        (["a", "b", "c"], ["a", "x", "c"], 1, 1),
        (["a", "b"], ["a", "b", "c"], 0, 1),
        (["x", "a", "b"], ["a", "b"], 1, 0),
        (["a  ", "b\t"], ["a", "b"], 0, 0),  // trailing whitespace is not a change
    ] as [([String], [String], Int, Int)])
    func countsTheSmallestChange(old: [String], new: [String], removed: Int, added: Int) {
        let edits = LineDiff.diff(old, new)
        #expect(edits.filter { if case .removed = $0 { true } else { false } }.count == removed)
        #expect(edits.filter { if case .added = $0 { true } else { false } }.count == added)
        // Every line of each side appears exactly once, in order.
        let olds = edits.compactMap { edit -> Int? in
            switch edit {
            case .same(let i, _), .removed(let i): i
            case .added: nil
            }
        }
        let news = edits.compactMap { edit -> Int? in
            switch edit {
            case .same(_, let j), .added(let j): j
            case .removed: nil
            }
        }
        #expect(olds == Array(old.indices))
        #expect(news == Array(new.indices))
    }
}

@Suite("Solution diff")
struct SolutionDiffTests {
    static let learner = """
        import asyncio


        async def fetch_all_users(user_ids):
            users = []
            for uid in user_ids:
                users.append(await fetch_user(uid))
            return users
        """
    static let solution = """
        import asyncio


        async def fetch_all_users(user_ids):
            return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
        """
    static let notes = [
        Explanation(code: "asyncio.gather(*(fetch_user(uid)", why: "runs them all at once"),
        Explanation(code: "list(await", why: "keeps the order"),
        Explanation(code: "never appears", why: "not shown"),
    ]

    @Test(arguments: [60, 120])
    func showsBothSidesAndExplainsTheLinesThatMatter(width: Int) {
        let style = TerminalRenderer.Style(color: false, width: width)
        let lines = SolutionDiffRenderer(style: style).render(learner: Self.learner, solution: Self.solution, notes: Self.notes)
        let text = lines.joined(separator: "\n")
        #expect(text.contains("users.append(await fetch_user(uid))"))
        #expect(text.contains("return list(await asyncio.gather"))
        #expect(text.contains("①② +") || text.contains("①②+"))
        #expect(text.contains("① asyncio.gather(*(fetch_user(uid) — runs them all at once"))
        #expect(text.contains("② list(await — keeps the order"))
        #expect(!text.contains("not shown"))
        for line in lines { #expect(ANSI.visibleWidth(of: line) <= width, "\(line)") }
        if width >= 100 {
            #expect(lines.contains { $0.contains("your code") && $0.contains("reference solution") })
        }
    }

    @Test func identicalCodeIsSaidOnceAndShownOnce() {
        let style = TerminalRenderer.Style(color: false, width: 120)
        let lines = SolutionDiffRenderer(style: style).render(learner: Self.solution, solution: Self.solution, notes: Self.notes)
        #expect(lines.first?.contains("line for line") == true)
        #expect(lines.filter { $0.contains("return list(await") }.count == 1)
    }

    @Test func colourModeHighlightsPythonAndStripsBackToTheSameText() {
        let plain = SolutionDiffRenderer(style: .init(color: false, width: 80)).render(
            learner: Self.learner, solution: Self.solution, notes: Self.notes)
        let coloured = SolutionDiffRenderer(style: .init(color: true, width: 80)).render(
            learner: Self.learner, solution: Self.solution, notes: Self.notes)
        #expect(coloured.joined().contains("\u{1B}["))
        #expect(coloured.map(ANSI.strip) == plain)
    }

    @Test func longUnchangedRunsAreFolded() {
        let body = (0..<30).map { "x\($0) = \($0)" }.joined(separator: "\n")
        let lines = SolutionDiffRenderer(style: .init(color: false, width: 80)).render(
            learner: body + "\nold = 1\n", solution: body + "\nnew = 1\n", notes: [])
        #expect(lines.contains { $0.contains("⋯") })
        #expect(lines.count < 20)
    }
}

@Suite("Progress bar")
struct ProgressBarTests {
    @Test(arguments: [(0, 5), (1, 5), (5, 5), (3, 21), (0, 0), (7, 3)] as [(Int, Int)])
    func fitsItsWidthAndCounts(done: Int, total: Int) {
        let bar = ProgressBar.render(done: done, total: total, width: 40, color: false)
        #expect(ANSI.visibleWidth(of: bar) <= 40)
        #expect(bar.contains("\(min(done, total))/\(total) lesson"))
    }

    @Test func fullAndEmpty() {
        #expect(!ProgressBar.render(done: 0, total: 4, width: 30, color: false).contains("█"))
        #expect(!ProgressBar.render(done: 4, total: 4, width: 30, color: false).contains("░"))
    }
}
