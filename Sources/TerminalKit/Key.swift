/// A key press read from a terminal in raw mode.
public enum Key: Equatable, Sendable {
    /// A printable character (`h`, `Q`, `é`, …).
    case character(Character)
    /// Ctrl plus a letter, given in lower case (`control("c")` is Ctrl-C).
    case control(Character)
    case enter, escape, backspace, tab, delete
    case up, down, left, right, pageUp, pageDown, home, end
    /// A sequence this program has no use for (function keys, Alt combinations …).
    case unknown
}

/// Turns the bytes a terminal sends into ``Key``s.
///
/// Terminals send most keys as escape sequences (`ESC [ A` is ↑), and Esc itself as a lone
/// `ESC`: when a read ends right after an `ESC`, the parser keeps it until more bytes come
/// or the caller decides, after a short wait, that none will (``flush()``).
public struct KeyParser: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Whether a lone `ESC` is waiting to be told apart from the start of a sequence.
    public var isWaitingAfterEscape: Bool { pending == [0x1B] }

    /// Parses `bytes` (appended to anything incomplete from before) into keys.
    public mutating func feed(_ bytes: [UInt8]) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var index = 0
        parsing: while index < pending.count {
            let byte = pending[index]
            switch byte {
            case 0x1B:
                guard index + 1 < pending.count else { break parsing }  // maybe a sequence: wait
                let next = pending[index + 1]
                if next == UInt8(ascii: "[") || next == UInt8(ascii: "O") {
                    // CSI or SS3: parameters, then a final byte in 0x40...0x7E.
                    var end = index + 2
                    while end < pending.count, !(0x40...0x7E).contains(pending[end]) { end += 1 }
                    guard end < pending.count else { break parsing }
                    keys.append(Self.sequence(Array(pending[(index + 2)...end]), ss3: next == UInt8(ascii: "O")))
                    index = end + 1
                } else if next == 0x1B {
                    keys.append(.escape)
                    index += 1
                } else {
                    // Alt plus a key: not used here; swallow both bytes.
                    keys.append(.unknown)
                    index += Self.characterLength(next) + 1
                }
            case 0x0D, 0x0A:
                keys.append(.enter)
                index += 1
            case 0x09:
                keys.append(.tab)
                index += 1
            case 0x7F, 0x08:
                keys.append(.backspace)
                index += 1
            case 0x01...0x1A:
                keys.append(.control(Character(UnicodeScalar(byte + 0x60))))
                index += 1
            case 0x00, 0x1C...0x1F:
                keys.append(.unknown)
                index += 1
            default:
                let length = Self.characterLength(byte)
                guard index + length <= pending.count else { break parsing }  // the rest of a UTF-8 character is coming
                let text = String(decoding: pending[index..<(index + length)], as: UTF8.self)
                keys.append(text.first.map { .character($0) } ?? .unknown)
                index += length
            }
        }
        pending.removeFirst(index)
        return keys
    }

    /// Gives up waiting: a pending lone `ESC` is the Esc key, anything else incomplete is dropped.
    public mutating func flush() -> [Key] {
        defer { pending = [] }
        return pending == [0x1B] ? [.escape] : (pending.isEmpty ? [] : [.unknown])
    }

    private static func sequence(_ body: [UInt8], ss3: Bool) -> Key {
        let text = String(decoding: body, as: UTF8.self)
        switch text {
        case "A": return .up
        case "B": return .down
        case "C": return .right
        case "D": return .left
        case "H", "1~", "7~": return .home
        case "F", "4~", "8~": return .end
        case "5~": return .pageUp
        case "6~": return .pageDown
        case "3~": return .delete
        default: return .unknown
        }
    }

    /// Bytes in the UTF-8 character that starts with `byte` (1 for anything invalid).
    private static func characterLength(_ byte: UInt8) -> Int {
        switch byte {
        case 0xC0...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF7: 4
        default: 1
        }
    }
}
