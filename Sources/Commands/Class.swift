import ArgumentParser
import Classroom
import Course
import Foundation
import GitStore
import Grading
import TerminalKit
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

    func run(in context: CommandContext) throws {
        // Checked here rather than in `validate()`, whose errors exit 64: usage is 2.
        if let jobs, jobs < 1 { throw Failure.usage("--jobs must be at least 1") }
        if courseRef != nil && !regrade { throw Failure.usage("--course-ref only applies with --regrade") }
        if unsafeWithoutSandbox && !regrade {
            throw Failure.usage("--unsafe-regrade-without-sandbox only applies with --regrade")
        }
        if junitOptions.junit != nil && !regrade { throw Failure.usage("--junit only applies with --regrade") }
        try junitOptions.reportingFailure(suite: "class", in: context) { try show(in: context) }
    }

    private func show(in context: CommandContext) throws {
        let onDisk = try? courseOptions.load(in: context, reportProblems: !json)
        let start = courseOptions.course.map { context.url(forPath: $0).path } ?? context.currentDirectory.path
        let repository = try Repository(discoveringFrom: start)
        if fetch { try fetchRemote(repository, in: context) }

        let course = try ClassCourse(repository: repository, onDisk: onDisk, remote: remote, reference: courseRef, regrade: regrade)
        let reader = ClassReader(repository: repository, coursePrefix: course.coursePrefix)
        let selected = try reader.learnerBranches(.init(glob: branches, remote: remote))
        var (matrix, contents) = try reader.read(
            branches: selected, lessons: course.columns, keepContents: regrade, course: course.commit)
        matrix.generated = context.now()
        if let trusted = course.trusted {
            let grader = try pythonOptions.grader(for: trusted.course, in: context, warnUnsandboxed: false)
            var regrader = try Regrader(grader: grader, allowingUnsandboxed: unsafeWithoutSandbox)
            if !grader.isolation.isSandboxed {
                context.console.warn("regrading without a sandbox, as asked: grades are \(grader.isolation.summary)")
            }
            if let jobs { regrader.parallelism = jobs }
            regrader.regrade(&matrix, contents: contents, course: trusted)
            contents = [:]
        }

        if let html { try context.write(HTMLReport().render(matrix), toPath: html) }
        try junitOptions.write(.regrade(matrix), in: context)
        if json {
            context.console.print(ANSI.terminalSafeJSON(matrix.json()))
        } else {
            context.console.print(MatrixRenderer(style: context.style).render(matrix, now: context.now()))
        }
        if let html { context.console.note("wrote \(html)") }
        if regrade && matrix.summary.unconfirmedPasses > 0 { throw ExitCode(1) }
    }

    private func fetchRemote(_ repository: Repository, in context: CommandContext) throws {
        let name = remote ?? "origin"
        let updates = try repository.fetch(remote: name)
        context.console.note("fetched \(name): \(updates.count) branch\(updates.count == 1 ? "" : "es") updated")
    }
}
