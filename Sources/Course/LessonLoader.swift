import Foundation

/// Reads one lesson folder and validates it, collecting every problem rather than stopping at the first.
struct LessonLoader {
    let directory: URL
    let root: URL

    struct Failure: Error { let problems: [CourseProblem] }

    /// Front matter keys a lesson may use.
    static let knownKeys: Set<String> = [
        "id", "title", "summary", "python", "budget", "hints", "starter", "solution", "check", "explain",
    ]

    private var folderName: String { directory.lastPathComponent }
    private var lessonFile: URL { directory.appendingPathComponent("lesson.md") }

    func load() -> Result<Lesson, Failure> {
        var problems: [CourseProblem] = []
        let markdownPath = relative(lessonFile, to: root)

        func problem(_ field: String?, _ message: String, _ fix: String, file: String? = nil) {
            problems.append(CourseProblem(file: file ?? markdownPath, field: field, message: message, fix: fix))
        }

        let number = Lesson.number(ofID: folderName)
        if number == nil {
            problem(
                nil,
                "the folder name `\(folderName)` is not of the form NN-slug (digits, a dash, then ASCII letters, digits, - or _; "
                    + "at most \(Lesson.maximumIDLength) characters)",
                "rename it, e.g. `lessons/02-gather`", file: relative(directory, to: root))
        }

        guard let text = readText(lessonFile) else {
            problem(nil, "lesson.md is missing or not UTF-8 text", "add lesson.md with YAML front matter between `---` lines")
            return .failure(Failure(problems: problems))
        }
        let frontMatter: FrontMatter
        do throws(FrontMatter.Problem) {
            frontMatter = try FrontMatter.parse(text)
        } catch {
            problem(nil, error.message, error.fix)
            return .failure(Failure(problems: problems))
        }
        let fields = frontMatter.fields
        let body = frontMatter.body

        for key in fields.keys.sorted() where !Self.knownKeys.contains(key) {
            problem(key, "unknown field", "use one of: \(Self.knownKeys.sorted().joined(separator: ", "))")
        }

        func string(_ key: String, required: Bool = true) -> String? {
            guard let value = fields[key] else {
                if required { problem(key, "missing", "add `\(key): ...` to the front matter") }
                return nil
            }
            guard let text = value as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                problem(key, "must be non-empty text, found `\(value)`", "write `\(key): some text`")
                return nil
            }
            return text
        }

        let id = string("id")
        if let id, id != folderName {
            problem("id", "`\(id)` does not match the folder name `\(folderName)`", "set `id: \(folderName)` or rename the folder")
        }
        let title = string("title")
        let summary = string("summary")

        var python = PythonVersion.minimumSupported
        if let raw = fields["python"] {
            if let parsed = PythonVersion("\(raw)"), parsed >= PythonVersion.minimumSupported {
                python = parsed
            } else {
                problem("python", "`\(raw)` is not a Python version of 3.11 or later", "write e.g. `python: \"3.11\"`")
            }
        }

        var budget = 10.0
        if let raw = fields["budget"] {
            if let value = (raw as? Double) ?? (raw as? Int).map(Double.init), value > 0, value <= 600 {
                budget = value
            } else {
                problem("budget", "`\(raw)` is not a number of seconds between 0 and 600", "write e.g. `budget: 10`")
            }
        }

        var hints: [String] = []
        if let raw = fields["hints"] {
            if let list = raw as? [Any], !list.isEmpty, list.allSatisfy({ $0 is String }) {
                hints = list.compactMap { $0 as? String }
            } else {
                problem("hints", "must be a list of text, gentle first", "write `hints:` then lines `  - ...`")
            }
        } else {
            problem("hints", "missing", "add `hints:` with at least one hint, from gentle to explicit")
        }

        let starter = file(fields["starter"], default: "starter.py", field: "starter", into: &problems)
        let solution = file(fields["solution"], default: "solution.py", field: "solution", into: &problems)
        let check = file(fields["check"], default: "check.py", field: "check", into: &problems)
        let wrong = wrongVariants(into: &problems)
        let right = rightVariants()
        let declared = check.map { declaredChecks(in: $0, into: &problems) } ?? []

        let notes = explanations(fields["explain"], solution: solution, into: &problems)

        guard problems.isEmpty, let id, let title, let summary, let number, let starter, let solution, let check else {
            return .failure(Failure(problems: problems))
        }

        return .success(
            Lesson(
                id: id, number: number, title: title, summary: summary, minimumPython: python,
                budgetSeconds: budget, hints: hints, body: body, directory: directory,
                starter: starter, solution: solution, checkScript: check, declaredChecks: declared,
                wrongVariants: wrong,
                rightVariants: right,
                explanations: notes))
    }

    /// `explain:` — a list of `{code, why}`; each `code` must occur in the solution, or the
    /// note would never be shown.
    private func explanations(_ raw: Any?, solution: URL?, into problems: inout [CourseProblem]) -> [Explanation] {
        guard let raw else { return [] }
        let markdownPath = relative(lessonFile, to: root)
        let format = "write `explain:` then items `  - code: \"asyncio.gather(*\"` / `    why: \"...\"`"
        guard let list = raw as? [Any] else {
            problems.append(CourseProblem(file: markdownPath, field: "explain", message: "must be a list of {code, why}", fix: format))
            return []
        }
        let solutionLines = solution.flatMap(readText)?.components(separatedBy: "\n") ?? []
        var result: [Explanation] = []
        for (index, item) in list.enumerated() {
            guard let fields = item as? [String: Any], let code = fields["code"] as? String, let why = fields["why"] as? String,
                !code.trimmingCharacters(in: .whitespaces).isEmpty, !why.trimmingCharacters(in: .whitespaces).isEmpty,
                fields.count == 2
            else {
                problems.append(
                    CourseProblem(file: markdownPath, field: "explain[\(index)]", message: "must have exactly `code` and `why`, both text", fix: format))
                continue
            }
            let explanation = Explanation(code: code, why: why)
            if solution != nil, !solutionLines.contains(where: explanation.matches) {
                problems.append(
                    CourseProblem(
                        file: markdownPath, field: "explain[\(index)]", message: "`\(code)` does not occur in the solution",
                        fix: "quote a fragment of a line of the solution"))
                continue
            }
            result.append(explanation)
        }
        return result
    }

    /// A file named by the front matter: it must exist and stay inside the lesson folder.
    private func file(_ raw: Any?, default name: String, field: String, into problems: inout [CourseProblem]) -> URL? {
        let markdownPath = relative(lessonFile, to: root)
        let given = raw.map { "\($0)" } ?? name
        if given.hasPrefix("/") || given.split(separator: "/").contains("..") {
            problems.append(
                CourseProblem(
                    file: markdownPath, field: field, message: "`\(given)` points outside the lesson folder",
                    fix: "name a file inside \(relative(directory, to: root))/, e.g. `\(name)`"))
            return nil
        }
        let url = directory.appendingPathComponent(given)
        // A symlink could still lead out of the folder: compare resolved paths.
        let resolved = url.resolvingSymlinksInPath().path
        let base = directory.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(base + "/") else {
            problems.append(
                CourseProblem(
                    file: markdownPath, field: field, message: "`\(given)` resolves outside the lesson folder (symlink)",
                    fix: "keep lesson files as regular files inside the folder"))
            return nil
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            problems.append(
                CourseProblem(
                    file: relative(url, to: root), field: raw == nil ? nil : field, message: "missing",
                    fix: "add \(relative(url, to: root))"))
            return nil
        }
        return url
    }

    private func wrongVariants(into problems: inout [CourseProblem]) -> [WrongVariant] {
        let folder = directory.appendingPathComponent("wrong")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var variants: [WrongVariant] = []
        for name in names.sorted() where name.hasSuffix(".py") {
            let url = folder.appendingPathComponent(name)
            let path = relative(url, to: root)
            guard let text = readText(url) else {
                problems.append(CourseProblem(file: path, message: "not readable UTF-8 text", fix: "save it as UTF-8"))
                continue
            }
            let firstLine = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let prefix = "# expect: fail "
            guard firstLine.hasPrefix(prefix) else {
                problems.append(
                    CourseProblem(
                        file: path, field: "expect", message: "the first line does not declare the check it must fail",
                        fix: "start the file with `# expect: fail <check-id>`, e.g. `# expect: fail concurrency`"))
                continue
            }
            let raw = firstLine.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            guard let check = CheckID(rawValue: raw) else {
                problems.append(
                    CourseProblem(
                        file: path, field: "expect", message: "`\(raw)` is not a check id",
                        fix: "use one of: \(CheckID.allCases.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            variants.append(WrongVariant(file: url, expectedFailure: check))
        }
        return variants
    }

    /// `CHECKS = ["behaviour", ...]` in `check.py`: a literal list of check ids (it may span
    /// lines), read without running Python. None at all means no checks of the lesson's own.
    private func declaredChecks(in script: URL, into problems: inout [CourseProblem]) -> [CheckID] {
        let path = relative(script, to: root)
        guard let text = readText(script) else {
            problems.append(CourseProblem(file: path, message: "not readable UTF-8 text", fix: "save it as UTF-8"))
            return []
        }
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("CHECKS =") || $0.hasPrefix("CHECKS=") }) else { return [] }
        var literal = ""
        for line in lines[start...] {
            literal += line
            if line.contains("]") { break }
        }
        let fix = "write `CHECKS = [\"behaviour\", ...]`, a literal list of check ids"
        guard let open = literal.firstIndex(of: "["), let close = literal.firstIndex(of: "]"), open < close else {
            problems.append(CourseProblem(file: path, field: "CHECKS", message: "is not a literal list", fix: fix))
            return []
        }
        var checks: [CheckID] = []
        for item in literal[literal.index(after: open)..<close].split(separator: ",") {
            let word = item.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if word.isEmpty { continue }
            guard let check = CheckID(rawValue: word) else {
                problems.append(
                    CourseProblem(
                        file: path, field: "CHECKS", message: "`\(word)` is not a check id",
                        fix: "use one of: \(CheckID.allCases.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            checks.append(check)
        }
        return checks
    }

    /// `right/*.py`, sorted by name: correct alternatives, declared by their folder alone.
    private func rightVariants() -> [URL] {
        let folder = directory.appendingPathComponent("right")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.sorted().filter { $0.hasSuffix(".py") }.map { folder.appendingPathComponent($0) }
    }

    private func readText(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
