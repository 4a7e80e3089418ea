// swift-tools-version: 6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "asynclings",
    products: [
        .executable(name: "asynclings", targets: ["asynclings"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The executable: runs the command line in the process's context, nothing else.
        .executableTarget(name: "asynclings", dependencies: ["Commands"], swiftSettings: swiftSettings),
        // The command line as a library: one file per subcommand, each run against an
        // injected context (console, environment, directory, clock, grader factory).
        .target(
            name: "Commands",
            dependencies: [
                "Course", "Grading", "GitStore", "TerminalKit", "Views", "TerminalUI", "Watch", "Workshop",
                "Classroom",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The course on disk: lessons, front matter, wrong variants.
        .target(
            name: "Course",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // The grade pipeline: interpreter, child process, report decoding, verify.
        // The Python harness that runs inside the child is a resource of this target.
        .target(
            name: "Grading",
            dependencies: ["Course", "Sandbox"],
            resources: [.copy("harness")],
            swiftSettings: swiftSettings
        ),
        // The learner's side of a workshop: check = grade + count + record, hints, progress.
        .target(
            name: "Workshop", dependencies: ["Course", "Grading", "GitStore"],
            swiftSettings: swiftSettings),
        // The instructor's side: the class matrix from every learner branch, regrades with
        // trusted checks.
        .target(
            name: "Classroom", dependencies: ["Course", "Grading", "GitStore", "TerminalKit"],
            swiftSettings: swiftSettings),
        // Running a program under limits in its own process group.
        .target(name: "Sandbox", dependencies: ["CSandbox"], swiftSettings: swiftSettings),
        .target(name: "CSandbox"),
        // Progress stored in git through libgit2.
        .target(name: "GitStore", dependencies: ["CGit2"], swiftSettings: swiftSettings),
        .systemLibrary(
            name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        // The terminal toolkit, nothing of the domain: styles, widths, wrapping, markdown
        // through cmark-gfm, Python highlighting, untrusted text made safe, keys, raw mode.
        .target(
            name: "TerminalKit", dependencies: ["CCmarkGFM"],
            swiftSettings: swiftSettings),
        // Domain values as text for people, terminal or HTML: reports, timelines, solution
        // diffs, the class matrix, the watch screen, each command's output.
        .target(
            name: "Views", dependencies: ["Course", "Grading", "Workshop", "Classroom", "TerminalKit"],
            swiftSettings: swiftSettings),
        // Noticing saved files: inotify on a folder, polling as a backstop, debounced.
        .target(name: "Watch", swiftSettings: swiftSettings),
        // Watch mode's event loop, tying the terminal, the file monitor, the grader and the
        // learner's progress together.
        .target(
            name: "TerminalUI", dependencies: ["Course", "Grading", "TerminalKit", "Views", "Watch", "Workshop"],
            swiftSettings: swiftSettings),
        .systemLibrary(
            name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),

        // Helpers shared by the test targets: scratch directories, the repository's course, the built binary.
        .target(name: "TestSupport", dependencies: ["TerminalKit"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "CourseTests", dependencies: ["Course", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GradingTests", dependencies: ["Grading", "Course", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "GitStoreTests", dependencies: ["GitStore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TerminalKitTests", dependencies: ["TerminalKit", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ViewsTests",
            dependencies: ["Views", "TerminalKit", "Course", "Grading", "Workshop", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "WatchTests", dependencies: ["Watch"], swiftSettings: swiftSettings),
        // Every command run in-process against a captured console and a scratch folder.
        .testTarget(
            name: "CommandsTests", dependencies: ["Commands", "Grading", "TestSupport"], swiftSettings: swiftSettings),
        // The built binary, for what only a process shows: the terminal, signals, exit
        // statuses, the streams, shell completion and the workshop guide as typed.
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "TerminalKit"], swiftSettings: swiftSettings),
        // Learner code written to attack the grader: each test asserts the property it attacks.
        .testTarget(
            name: "HostileTests", dependencies: ["Grading", "Course", "Sandbox", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ClassroomTests",
            dependencies: ["Classroom", "Course", "Grading", "GitStore", "TerminalKit", "Views", "Workshop", "TestSupport"],
            swiftSettings: swiftSettings),
    ]
)
