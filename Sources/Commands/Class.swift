import ArgumentParser
import Classroom
import Course
import Foundation
import GitStore
import Grading
import TerminalKit
import TerminalUI
import Views

struct Class: AsynclingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "class",
        abstract: "The whole room: every learner branch × every lesson.",
        discussion: """
            Reads every learner branch, local and remote-tracking, straight from git (nothing \
            is checked out): which lessons each learner passed, after how many attempts and \
            hints, and when.

            --regrade grades every exercise file again from the blobs at each branch tip, with \
            the lessons and check scripts of --course-ref (default: the branch the course was \
            cloned from, e.g. origin/main), so an edited check script on a learner's branch \
            changes nothing. Grades run in parallel, one per core (--jobs).

            Exercise paths that are a symlink, a directory, a binary or larger than 1 MB are \
            never read; they are shown as refused.

            The exercise file of a lesson is always exercises/LESSON.py (below the course's \
            folder), whatever a record's trailers name; a recorded pass with no such file is \
            shown as NO FILE. Names that mix scripts or hold invisible characters, branches \
            that are not commits or share no history with the course, are flagged.

            --junit FILE (with --regrade) also writes JUnit XML for CI: a test suite per \
            learner, a test case per lesson.

            --watch [SECONDS] keeps the view on screen for the projector: every SECONDS \
            (default 30) it fetches the remote (when the repository has one), reads the \
            branches again (and regrades, with --regrade) and redraws. A failed fetch is shown \
            and the last good view kept. r refreshes now, q or Ctrl-C quits. With --html, the \
            page is rewritten each time and reloads itself as often (--html-refresh sets that \
            interval on its own).

            Exit status: 0; 1 when --regrade finds a recorded pass that no longer grades as a \
            pass or has no exercise file; 2 usage error (no such remote or revision); 3 \
            environment error.
            """)

    @OptionGroup var courseOptions: CourseOptions
    @OptionGroup var pythonOptions: PythonOptions
    @Option(name: .long, help: ArgumentHelp("Only this remote's branches (and fetch from it); default: every remote.", valueName: "name"))
    var remote: String?
    @Flag(name: .long, help: "Fetch the remote first (default: origin).") var fetch = false
    @Option(name: .long, help: ArgumentHelp("Which branches are learners, a glob on the branch name without the remote.", valueName: "glob"))
    var branches = LearnerBranch.glob
    @Flag(name: .long, help: "Grade every exercise file again, from the branch tips, with trusted checks.") var regrade = false
    @Option(name: .customLong("course-ref"), help: ArgumentHelp("The revision whose lessons and checks --regrade trusts.", valueName: "ref"))
    var courseRef: String?
    @Option(name: .long, help: ArgumentHelp("How many grades run at once (default: one per core).", valueName: "n"))
    var jobs: Int?
    @Flag(
        name: .customLong("unsafe-regrade-without-sandbox"),
        help: "Regrade even where bubblewrap cannot sandbox the grades: every learner's code then runs with your powers.")
    var unsafeWithoutSandbox = false
    @Flag(name: .long, help: "Print the matrix as one JSON object.") var json = false
    @Option(name: .long, help: ArgumentHelp("Also write the matrix as a self-contained HTML page.", valueName: "file"))
    var html: String?
    @OptionGroup var junitOptions: JUnitOptions

    @Flag(name: .long, help: "Stay on screen: fetch, read (and regrade) and redraw every SECONDS; q quits.")
    var watch = false
    @Argument(help: ArgumentHelp("With --watch: seconds between refreshes (default \(Self.defaultInterval)).", valueName: "seconds"))
    var seconds: Int?
    @Option(name: .customLong("html-refresh"), help: ArgumentHelp("The HTML page reloads itself every SECONDS (default with --watch: its interval).", valueName: "seconds"))
    var htmlRefresh: Int?

    static let defaultInterval = 30

    /// `--watch`'s interval, or nil without it.
    var watchInterval: Int? { watch ? seconds ?? Self.defaultInterval : nil }

    func run(in context: CommandContext) throws {
        // Checked here rather than in `validate()`, whose errors exit 64: usage is 2.
        if let jobs, jobs < 1 { throw Failure.usage("--jobs must be at least 1") }
        if courseRef != nil && !regrade { throw Failure.usage("--course-ref only applies with --regrade") }
        if unsafeWithoutSandbox && !regrade {
            throw Failure.usage("--unsafe-regrade-without-sandbox only applies with --regrade")
        }
        if junitOptions.junit != nil && !regrade { throw Failure.usage("--junit only applies with --regrade") }
        if let htmlRefresh, htmlRefresh < 1 { throw Failure.usage("--html-refresh must be at least 1 second") }
        if htmlRefresh != nil && html == nil { throw Failure.usage("--html-refresh only applies with --html") }
        if seconds != nil && !watch { throw Failure.usage("SECONDS only applies with --watch") }
        if let interval = watchInterval {
            if interval < 1 { throw Failure.usage("--watch must be at least 1 second") }
            if json || junitOptions.junit != nil { throw Failure.usage("--watch draws on the terminal: it takes neither --json nor --junit") }
            return try watchTheRoom(every: interval, in: context)
        }
        try junitOptions.reportingFailure(suite: "class", in: context) { try show(in: context) }
    }

    private func show(in context: CommandContext) throws {
        let matrix = try readMatrix(fetching: fetch, in: context)
        try writeHTML(matrix, in: context)
        try junitOptions.write(.regrade(matrix), in: context)
        if json {
            context.console.print(ANSI.terminalSafeJSON(matrix.json()))
        } else {
            context.console.print(MatrixRenderer(style: context.style).render(matrix, now: context.now()))
        }
        if let html { context.console.note("wrote \(html)") }
        if regrade && matrix.summary.unconfirmedPasses > 0 { throw ExitCode(1) }
    }

    /// The projector view: a full screen that fetches (where the repository has the
    /// remote), reads, regrades if asked and redraws every `interval` seconds. A failed
    /// fetch is shown and the last good view kept; q or Ctrl-C quits.
    private func watchTheRoom(every interval: Int, in context: CommandContext) throws {
        let command = self
        let color = context.style.color
        let screen = try RefreshingScreen<ClassMatrix>(
            interval: .seconds(interval), now: context.now,
            load: {
                let matrix = try command.readMatrix(fetching: true, quietly: true, in: context)
                try command.writeHTML(matrix, in: context)
                return matrix
            },
            render: { matrix, status, size in
                ClassWatchView(color: color, interval: interval).render(matrix, status: status, columns: size.columns, rows: size.rows, now: context.now())
            })
        let status = try screen.run()
        if status != 0 { throw ExitCode(status) }
    }

    private func writeHTML(_ matrix: ClassMatrix, in context: CommandContext) throws {
        guard let html else { return }
        try context.write(HTMLReport(refreshSeconds: htmlRefresh ?? watchInterval).render(matrix), toPath: html)
    }

    /// Reads every learner branch (fetching first when asked) and regrades when asked.
    /// `quietly`: nothing on the console (the screen shows what happened instead).
    func readMatrix(fetching: Bool, quietly: Bool = false, in context: CommandContext) throws -> ClassMatrix {
        let onDisk = try? courseOptions.load(in: context, reportProblems: !json && !quietly)
        let start = courseOptions.course.map { context.url(forPath: $0).path } ?? context.currentDirectory.path
        let repository = try Repository(discoveringFrom: start)
        if fetching { try fetchRemote(repository, quietly: quietly, in: context) }

        let course = try ClassCourse(repository: repository, onDisk: onDisk, remote: remote, reference: courseRef, regrade: regrade)
        let reader = ClassReader(repository: repository, coursePrefix: course.coursePrefix)
        let selected = try reader.learnerBranches(.init(glob: branches, remote: remote))
        var (matrix, contents) = try reader.read(
            branches: selected, lessons: course.columns, keepContents: regrade, course: course.commit)
        matrix.generated = context.now()
        if let trusted = course.trusted {
            let grader = try pythonOptions.grader(for: trusted.course, in: context, warnUnsandboxed: false)
            var regrader = try Regrader(grader: grader, allowingUnsandboxed: unsafeWithoutSandbox)
            if !grader.isolation.isSandboxed && !quietly {
                context.console.warn("regrading without a sandbox, as asked: grades are \(grader.isolation.summary)")
            }
            if let jobs { regrader.parallelism = jobs }
            regrader.regrade(&matrix, contents: contents, course: trusted)
            contents = [:]
        }
        return matrix
    }

    /// Fetches `--remote` (default origin). Quietly (watching), a repository without that
    /// remote (the bare room itself) is simply read as it is.
    private func fetchRemote(_ repository: Repository, quietly: Bool, in context: CommandContext) throws {
        let name = remote ?? "origin"
        if quietly, (try? repository.remoteNames().contains(name)) != true { return }
        do {
            let updates = try repository.fetch(remote: name)
            if !quietly {
                context.console.note("fetched \(name): \(updates.count) branch\(updates.count == 1 ? "" : "es") updated")
            }
        } catch {
            if quietly { throw Failure.environment("fetching \(name) failed: \(error)") }
            throw error
        }
    }
}
