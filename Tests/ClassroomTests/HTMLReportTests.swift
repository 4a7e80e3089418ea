import Classroom
import Views
import Foundation
import TestSupport
import Testing

@Suite("Class view as an HTML page", .scratchDirectory)
struct HTMLReportTests {
    /// A room with every cell state, and a learner whose branch name tries to inject markup.
    static var matrix: ClassMatrix {
        let record = RecordedPass(
            status: "pass", isCurrent: true, attempts: 2, hints: 1, checksPassed: 9, checksTotal: 9,
            date: Date(timeIntervalSince1970: 1_800_000_000), commit: String(repeating: "a", count: 40))
        let stale = RecordedPass(
            status: "pass", isCurrent: false, attempts: 1, hints: 0, checksPassed: 9, checksTotal: 9,
            date: Date(timeIntervalSince1970: 1_800_000_000), commit: String(repeating: "a", count: 40))
        let file = ExerciseFile.regular(blob: String(repeating: "b", count: 40), bytes: 99)
        let fail = RegradeVerdict.fail(checksPassed: 7, checksTotal: 9, failed: ["concurrency", "leaked-tasks"])
        let cells = [
            Cell(record: record, file: file, regrade: .pass(checksPassed: 9, checksTotal: 9)),
            Cell(record: record, file: file, regrade: fail),
            Cell(record: stale, file: file, regrade: fail),
            Cell(record: nil, file: file, regrade: .pass(checksPassed: 9, checksTotal: 9)),
            Cell(record: nil, file: file, regrade: fail),
            Cell(record: nil, file: .refused(reason: .symlink)),
            Cell(record: nil, file: file, regrade: .error(message: "python <missing> & gone")),
            Cell(record: nil, file: .missing),
        ]
        let lessons = (1...cells.count).map { LessonColumn(id: String(format: "%02d-lesson-%d", $0, $0), title: "Lesson \($0)") }
        return ClassMatrix(
            lessons: lessons,
            learners: [
                LearnerRow(
                    name: "ada", branch: "origin/learner/ada", reference: "refs/remotes/origin/learner/ada", isLocal: false,
                    tip: String(repeating: "c", count: 40), cells: cells),
                LearnerRow(
                    name: "<script>alert(\"x\")</script>&'", branch: "origin/learner/<b>", reference: "refs/remotes/origin/learner/<b>",
                    isLocal: false, tip: String(repeating: "d", count: 40), cells: cells.reversed()),
            ],
            regrade: RegradeSummary(courseRef: "origin/main", courseCommit: String(repeating: "e", count: 40), cells: 12, grades: 6, parallelism: 2, seconds: 1.5),
            generated: Date(timeIntervalSince1970: 1_800_000_000))
    }

    static var page: String { HTMLReport(timeZone: TimeZone(identifier: "UTC")!).render(matrix) }

    /// Python's `html.parser`, strict about nesting: every element opened is closed, in
    /// order, and the page has the expected structure. Prints one JSON summary.
    static let validator = #"""
        import html.parser, json, sys

        VOID = {"meta", "br", "img", "link", "hr", "input", "wbr", "col"}

        class Check(html.parser.HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.stack, self.errors, self.cells, self.titles, self.labels = [], [], 0, [], 0
                self.scripts = self.external = 0
                self.in_label = False
                self.text = []
            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                if tag in ("script", "iframe", "object", "embed", "img", "link"):
                    self.scripts += 1
                for key in ("src", "href"):
                    if key in attrs and "//" in (attrs[key] or ""):
                        self.external += 1
                if "url(" in (attrs.get("style") or ""):
                    self.external += 1
                if tag == "td" and "cell" in (attrs.get("class") or "").split():
                    self.cells += 1
                    self.titles.append(attrs.get("title") or "")
                if tag == "span" and attrs.get("class") == "l":
                    self.labels += 1
                if tag not in VOID:
                    self.stack.append(tag)
            def handle_endtag(self, tag):
                if not self.stack or self.stack[-1] != tag:
                    self.errors.append(f"unexpected </{tag}> with {self.stack[-3:]} open")
                else:
                    self.stack.pop()
            def handle_data(self, data):
                self.text.append(data)

        source = sys.stdin.read()
        checker = Check()
        checker.feed(source)
        checker.close()
        if checker.stack:
            checker.errors.append(f"unclosed {checker.stack}")
        print(json.dumps({
            "doctype": source.startswith("<!DOCTYPE html>"),
            "errors": checker.errors, "cells": checker.cells, "titles": checker.titles,
            "labels": checker.labels, "scripts": checker.scripts, "external": checker.external,
            "text": "".join(checker.text),
        }))
        """#

    static func validate(_ page: String) throws -> [String: Any] {
        let script = Scratch.directory.appendingPathComponent("validate.py")
        try validator.write(to: script, atomically: true, encoding: .utf8)
        let input = Scratch.directory.appendingPathComponent("page.html")
        try page.write(to: input, atomically: true, encoding: .utf8)
        let result = try Shell.run(["/bin/sh", "-c", "\"$0\" \"$1\" < \"$2\"", Python.path, script.path, input.path])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func thePageIsWellFormedSelfContainedHTML() throws {
        let report = try Self.validate(Self.page)
        #expect(report["doctype"] as? Bool == true)
        #expect(report["errors"] as? [String] == [])
        #expect(report["scripts"] as? Int == 0)
        #expect(report["external"] as? Int == 0)
        #expect(!Self.page.contains("http://") && !Self.page.contains("https://"))
        #expect(report["cells"] as? Int == 16)
    }

    @Test func everyCellHasAWordBesideItsColourAndDetailsOnHover() throws {
        let report = try Self.validate(Self.page)
        let titles = try #require(report["titles"] as? [String])
        #expect(titles.allSatisfy { !$0.isEmpty })
        #expect(titles.contains { $0.contains("FAILS NOW") && $0.contains("failing checks: concurrency, leaked-tasks") })
        #expect(titles.contains { $0.contains("symbolic link") })
        // Every state but "nothing recorded" prints its word in the cell; the legend too.
        #expect(report["labels"] as? Int == 7 * 2 + 9 + 4 * 2)  // cells, legend, "needs a look"
        let text = try #require(report["text"] as? String)
        for word in ["PASS", "FAILS NOW", "REGRESSED", "CHANGED", "PASSES", "FAILING", "REFUSED", "ERROR"] {
            #expect(text.uppercased().contains(word), "\(word)")
        }
        #expect(text.contains("concurrency leaked-tasks"))
    }

    @Test func whatALearnerControlsIsEscaped() throws {
        let page = Self.page
        #expect(!page.contains("<script>"))
        #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        #expect(page.contains("python &lt;missing&gt; &amp; gone"))
        let text = try #require(try Self.validate(page)["text"] as? String)
        #expect(text.contains("<script>alert(\"x\")</script>&'"))
    }

    @Test func bidiAndControlCharactersCannotReorderOrHideAnything() throws {
        let file = ExerciseFile.regular(blob: String(repeating: "b", count: 40), bytes: 99)
        let hostile = "\u{202E}<b>\"ada\"</b>\u{9B}2J\u{2066}'"
        let matrix = ClassMatrix(
            lessons: [LessonColumn(id: "01-a")],
            learners: [
                LearnerRow(
                    name: hostile, branch: "learner/" + hostile, reference: "refs/heads/learner/" + hostile, isLocal: true,
                    tip: String(repeating: "c", count: 40),
                    cells: [Cell(record: nil, file: file, regrade: .error(message: "\u{1B}]0;title\u{07}<i>"))],
                    warnings: [.invisibleCharacters(["U+202E RIGHT-TO-LEFT OVERRIDE"])]),
            ],
            regrade: RegradeSummary(courseRef: "main", courseCommit: "e", cells: 1, grades: 1, parallelism: 1, seconds: 0))
        let page = HTMLReport(timeZone: TimeZone(identifier: "UTC")!).render(matrix)
        #expect(Hostile.activeContent(in: page, allowingStyles: false).isEmpty)
        #expect(!page.contains("<b>") && !page.contains("<i>"))
        #expect(page.contains("<bdi>\\u202e&lt;b&gt;&quot;ada&quot;&lt;/b&gt;\\x9b2J\\u2066&#39;</bdi>"))
        #expect(page.contains("<th scope=\"row\" class=\"name flagged\""))
        let report = try Self.validate(page)
        #expect(report["errors"] as? [String] == [])
        let text = try #require(report["text"] as? String)
        #expect(text.contains("could not re-grade: \\x1b]0;title\\x07<i>"))
        #expect(text.contains("(spelled \\u202e<b>\"ada\"</b>\\u009b2J\\u2066')"))
    }

    @Test func anEmptyRoomSaysSo() throws {
        let page = HTMLReport().render(ClassMatrix(lessons: [LessonColumn(id: "01-a")], learners: []))
        #expect(page.contains("No learner branches yet"))
        #expect(try Self.validate(page)["errors"] as? [String] == [])
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The real test of "renders in a browser": headless Chromium lays the page out and
    /// paints it, when one is installed (`apt-get install chromium`).
    @Test(.enabled(if: chromium != nil, "needs chromium"), .timeLimit(.minutes(2)))
    func aRealBrowserRendersIt() throws {
        let file = Scratch.directory.appendingPathComponent("class.html")
        try Self.page.write(to: file, atomically: true, encoding: .utf8)
        let profile = Scratch.directory.appendingPathComponent("profile").path
        let common = [Self.chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)"]
        let dom = try Shell.run(common + ["--dump-dom", file.absoluteString])
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(dom.stdout.contains("<table class=\"matrix\">"))
        #expect(dom.stdout.components(separatedBy: "<td class=\"cell ").count - 1 == 16)
        #expect(!dom.stdout.contains("<script>alert"))

        let shot = Scratch.directory.appendingPathComponent("class.png")
        let screenshot = try Shell.run(common + ["--window-size=1600,1000", "--screenshot=\(shot.path)", file.absoluteString])
        #expect(screenshot.status == 0, "\(screenshot.stderr)")
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 20_000)  // a painted page, not a blank one (a blank 1600×1000 PNG is ~5 KB)
    }
}

@Suite("Class view page reloading")
struct HTMLRefreshTests {
    @Test func thePageReloadsItselfOnlyWhenAsked() throws {
        let matrix = HTMLReportTests.matrix
        let still = HTMLReport(timeZone: TimeZone(identifier: "UTC")!).render(matrix)
        #expect(!still.contains("http-equiv"))
        let reloading = HTMLReport(timeZone: TimeZone(identifier: "UTC")!, refreshSeconds: 15).render(matrix)
        #expect(reloading.contains("<meta http-equiv=\"refresh\" content=\"15\">"))
        #expect(reloading.contains("Reloads every 15 s."))
    }
}
