import Foundation

/// Where the Python harness (`grade.py` and the `asynclings_harness` package) lives.
public struct Harness: Sendable {
    public let directory: URL

    public var script: URL { directory.appendingPathComponent("grade.py") }

    public init(directory: URL) {
        self.directory = directory
    }

    /// Finds the harness: `$ASYNCLINGS_HARNESS`, then `<prefix>/share/asynclings/harness`
    /// next to an installed binary, then the build's resource bundle.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(GradingError) -> Harness {
        var searched: [String] = []
        var candidates: [URL] = []
        if let override = environment["ASYNCLINGS_HARNESS"] { candidates.append(URL(fileURLWithPath: override)) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first.map(resolveExecutable) ?? "")
        let binDirectory = executable.deletingLastPathComponent()
        candidates.append(binDirectory.deletingLastPathComponent().appendingPathComponent("share/asynclings/harness"))
        candidates.append(binDirectory.appendingPathComponent("asynclings_Grading.resources/harness"))
        for candidate in candidates {
            searched.append(candidate.path)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("grade.py").path) {
                return Harness(directory: candidate)
            }
        }
        if let bundled = Bundle.module.url(forResource: "harness", withExtension: nil),
            FileManager.default.fileExists(atPath: bundled.appendingPathComponent("grade.py").path)
        {
            return Harness(directory: bundled)
        }
        throw .harnessMissing(searched: searched)
    }

    private static func resolveExecutable(_ argument: String) -> String {
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
        return argument
    }
}
