import Foundation
import Yams

/// The YAML fields between the `---` lines that open a `lesson.md`, and the markdown
/// after them: read here, once, for the lesson loader and for the class view's columns
/// (which title lessons straight from a revision in git).
public struct FrontMatter {
    /// The fields as YAML loaded them (`id`, `title`, `hints`, ...).
    public let fields: [String: Any]
    /// The markdown after the closing `---`, without surrounding blank lines.
    public let body: String

    /// Why a `lesson.md` has no usable front matter; each case names its fix.
    public enum Problem: Error, Equatable {
        /// No `---` line opens the file, or none closes the fields.
        case missing
        /// The YAML does not parse; the parser's words.
        case invalidYAML(String)
        /// The YAML is a scalar or a list, not `key: value` fields.
        case notAMapping

        public var message: String {
            switch self {
            case .missing: "lesson.md has no front matter"
            case .invalidYAML(let words): "the front matter is not valid YAML: \(words)"
            case .notAMapping: "the front matter is not a mapping of fields"
            }
        }

        public var fix: String {
            switch self {
            case .missing: "start the file with `---`, the YAML fields, then `---`"
            case .invalidYAML: "fix the YAML syntax between the `---` lines"
            case .notAMapping: "write `key: value` lines between the `---` lines"
            }
        }
    }

    /// Reads the front matter of a `lesson.md`'s text.
    public static func parse(_ text: String) throws(Problem) -> FrontMatter {
        let (yaml, body) = split(text)
        guard let yaml else { throw .missing }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: yaml)
        } catch {
            throw .invalidYAML(describe(error))
        }
        guard let fields = loaded as? [String: Any] else { throw .notAMapping }
        return FrontMatter(fields: fields, body: body)
    }

    /// The `title:` field of a `lesson.md`'s text, when it has non-empty text there.
    public static func title(of text: String) -> String? {
        guard let title = (try? parse(text))?.fields["title"] as? String else { return nil }
        return title.trimmingCharacters(in: .whitespaces).isEmpty ? nil : title
    }

    /// Splits `---\n<yaml>\n---\n<body>`; the YAML is nil when there is no front matter.
    static func split(_ text: String) -> (String?, String) {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        guard normalized.hasPrefix("---\n") else { return (nil, normalized) }
        let rest = normalized.dropFirst(4)
        guard let end = rest.range(of: "\n---\n") ?? (rest.hasSuffix("\n---") ? rest.range(of: "\n---", options: .backwards) : nil) else {
            return (nil, normalized)
        }
        let yaml = String(rest[rest.startIndex..<end.lowerBound])
        let body = String(rest[end.upperBound...])
        return (yaml, body.trimmingCharacters(in: .newlines))
    }

    static func describe(_ error: any Error) -> String {
        if let yaml = error as? YamlError { return "\(yaml)".replacingOccurrences(of: "\n", with: " ") }
        return "\(error)"
    }
}
