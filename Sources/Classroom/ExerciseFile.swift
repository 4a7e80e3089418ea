import Foundation

/// The exercise path at a branch tip, classified without trusting it.
public enum ExerciseFile: Codable, Sendable, Equatable {
    /// A regular text file of `bytes` bytes, stored as `blob`.
    case regular(blob: String, bytes: Int)
    /// Nothing there.
    case missing
    /// There, but not read or graded: `reason` says what it is.
    case refused(reason: Refusal)

    /// Why an exercise path was not read.
    public enum Refusal: Codable, Sendable, Equatable {
        case symlink, directory, submodule, binary
        case tooLarge(bytes: Int)
        case corrupt

        /// In words, for the problem list and the hover text.
        public var description: String {
            switch self {
            case .symlink: "a symbolic link (not followed)"
            case .directory: "a directory"
            case .submodule: "a submodule"
            case .binary: "a binary file"
            case .tooLarge(let bytes): "\(bytes) bytes, too large to be an exercise (not read)"
            case .corrupt: "a truncated or corrupt git object"
            }
        }

        /// A short word for JSON and the cell.
        public var kind: String {
            switch self {
            case .symlink: "symlink"
            case .directory: "directory"
            case .submodule: "submodule"
            case .binary: "binary"
            case .tooLarge: "too-large"
            case .corrupt: "corrupt"
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case kind, blob, bytes, reason
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "regular":
            self = .regular(blob: try container.decode(String.self, forKey: .blob), bytes: try container.decode(Int.self, forKey: .bytes))
        case "missing":
            self = .missing
        case "symlink": self = .refused(reason: .symlink)
        case "directory": self = .refused(reason: .directory)
        case "submodule": self = .refused(reason: .submodule)
        case "binary": self = .refused(reason: .binary)
        case "too-large": self = .refused(reason: .tooLarge(bytes: try container.decode(Int.self, forKey: .bytes)))
        default: self = .refused(reason: .corrupt)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .regular(let blob, let bytes):
            try container.encode("regular", forKey: .kind)
            try container.encode(blob, forKey: .blob)
            try container.encode(bytes, forKey: .bytes)
        case .missing:
            try container.encode("missing", forKey: .kind)
        case .refused(let reason):
            try container.encode(reason.kind, forKey: .kind)
            try container.encode(reason.description, forKey: .reason)
            if case .tooLarge(let bytes) = reason { try container.encode(bytes, forKey: .bytes) }
        }
    }
}
