/// Something about a learner branch the instructor should see besides its cells.
///
/// The class view is read from branches learners push, so their names and history are
/// the learners' to choose: a name can pass for someone else's, a branch can carry a
/// history unrelated to the course. Nothing here hides the row; it says what to doubt.
public enum LearnerWarning: Codable, Sendable, Equatable {
    /// A segment of the name mixes letters of scripts that do not belong together
    /// (Latin with Cyrillic or Greek, for instance): `аda` with a Cyrillic `а`.
    /// `letters` names the letters outside the segment's main script.
    case mixedScripts(scripts: [String], letters: [String])
    /// The name holds characters that draw nothing or reorder text: zero-width
    /// characters, bidi controls, other format or control characters, unusual spaces.
    case invisibleCharacters([String])
    /// Drawn like another learner's name (the same after mapping lookalike letters and
    /// dropping invisible ones) but not the same name.
    case looksLike(String)
    /// The branch does not point at a commit: nothing on it was read.
    case notACommit(kind: String)
    /// The branch shares no history with the course it is read against.
    case unrelatedHistory(course: String)
    /// Records whose lesson id names no lesson column (not of the form `NN-slug`, or
    /// beyond the columns the view makes for lessons the course does not have). They
    /// are listed, not shown as cells. Each id is cut to ``maximumShownIDLength``.
    case recordsWithoutLesson([String])

    /// How much of an unusable lesson id is kept: enough to recognise it.
    public static let maximumShownIDLength = 80

    /// One sentence for the terminal, the HTML hover text and `--json`. It quotes
    /// learner-controlled text: views sanitise it, as everything from a branch.
    public var description: String {
        switch self {
        case .mixedScripts(let scripts, let letters):
            return "the name mixes \(Self.list(scripts)) letters (\(letters.joined(separator: ", ")))"
        case .invisibleCharacters(let characters):
            return "the name holds invisible or reordering characters (\(characters.joined(separator: ", ")))"
        case .looksLike(let other):
            return "the name looks like \(LearnerNames.spelledOut(other) ?? other)'s but is not the same"
        case .notACommit(let kind):
            return "the branch points at a \(kind), not a commit: nothing on it was read"
        case .unrelatedHistory(let course):
            return "the branch shares no history with the course (\(course)): its lessons and records are its own"
        case .recordsWithoutLesson(let ids):
            let shown = ids.prefix(5).map { "`\($0)`" }.joined(separator: ", ")
            let more = ids.count > 5 ? " and \(ids.count - 5) more" : ""
            return "\(ids.count) record\(ids.count == 1 ? "" : "s") name no lesson of the view: \(shown)\(more)"
        }
    }

    /// A short word for JSON and CSS.
    public var kind: String {
        switch self {
        case .mixedScripts: "mixed-scripts"
        case .invisibleCharacters: "invisible-characters"
        case .looksLike: "looks-like"
        case .notACommit: "not-a-commit"
        case .unrelatedHistory: "unrelated-history"
        case .recordsWithoutLesson: "records-without-lesson"
        }
    }

    /// True for the warnings about the learner's name (as opposed to the branch's content).
    public var isAboutTheName: Bool {
        switch self {
        case .mixedScripts, .invisibleCharacters, .looksLike: true
        default: false
        }
    }

    static func list(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " and " + words.last!
    }

    enum CodingKeys: String, CodingKey {
        case kind, message, scripts, letters, characters, name, object, course, ids
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "mixed-scripts":
            self = .mixedScripts(
                scripts: try container.decode([String].self, forKey: .scripts),
                letters: try container.decode([String].self, forKey: .letters))
        case "invisible-characters": self = .invisibleCharacters(try container.decode([String].self, forKey: .characters))
        case "looks-like": self = .looksLike(try container.decode(String.self, forKey: .name))
        case "not-a-commit": self = .notACommit(kind: try container.decode(String.self, forKey: .object))
        case "unrelated-history": self = .unrelatedHistory(course: try container.decode(String.self, forKey: .course))
        default: self = .recordsWithoutLesson(try container.decodeIfPresent([String].self, forKey: .ids) ?? [])
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(description, forKey: .message)
        switch self {
        case .mixedScripts(let scripts, let letters):
            try container.encode(scripts, forKey: .scripts)
            try container.encode(letters, forKey: .letters)
        case .invisibleCharacters(let characters): try container.encode(characters, forKey: .characters)
        case .looksLike(let name): try container.encode(name, forKey: .name)
        case .notACommit(let kind): try container.encode(kind, forKey: .object)
        case .unrelatedHistory(let course): try container.encode(course, forKey: .course)
        case .recordsWithoutLesson(let ids): try container.encode(ids, forKey: .ids)
        }
    }
}
