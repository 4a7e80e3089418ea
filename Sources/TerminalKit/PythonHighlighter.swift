/// A small Python tokenizer for syntax colouring in the terminal.
///
/// It is lexical only (no parse), tolerant of broken code (learners' code is often
/// mid-edit: an unterminated string simply runs to the end of its line, or of the code
/// for triple quotes), and lossless: the tokens' texts concatenated are exactly the input.
public enum PythonHighlighter {
    /// What a token is, for colouring.
    public enum Kind: Sendable, Hashable {
        /// `def`, `async`, `await`, `True`, `None` … (hard keywords only; soft keywords
        /// like `match` are left plain because they are ordinary names most of the time).
        case keyword
        /// A builtin function, type or exception name (`print`, `len`, `ValueError` …)
        /// not reached through an attribute.
        case builtin
        /// A string literal with its prefix and quotes, triple-quoted and f-strings included.
        case string
        /// The `{` and `}` around a replacement field inside an f-string.
        case interpolation
        case number
        /// `# …` to the end of the line.
        case comment
        /// `@name` or `@dotted.name` at the start of a line.
        case decorator
        /// The name right after `def` or `class`.
        case definitionName
        /// Operators and punctuation.
        case `operator`
        /// Identifiers, whitespace and anything else.
        case plain
    }

    /// A piece of the source with its kind.
    public struct Token: Sendable, Hashable {
        public var kind: Kind
        public var text: String

        public init(_ kind: Kind, _ text: String) {
            self.kind = kind
            self.text = text
        }
    }

    /// Splits `code` into tokens; adjacent tokens of the same kind are merged.
    public static func tokenize(_ code: String) -> [Token] {
        var lexer = Lexer(Array(code.unicodeScalars))
        lexer.run()
        return lexer.tokens
    }

    /// `code` with ANSI colours; `ANSI.strip` of the result is `code` again.
    public static func highlight(_ code: String) -> String {
        var result = ""
        for token in tokenize(code) {
            let attributes = style(for: token.kind)
            result += attributes.isEmpty ? token.text : ANSI.styled(token.text, attributes)
        }
        return result
    }

    /// The colours used by ``highlight(_:)``: the sixteen theme colours, so the user's
    /// terminal palette decides the actual shades.
    public static func style(for kind: Kind) -> [ANSI.SGR] {
        switch kind {
        case .keyword: return [.bold, .foreground(.magenta)]
        case .builtin: return [.foreground(.cyan)]
        case .string: return [.foreground(.green)]
        case .interpolation: return [.bold, .foreground(.yellow)]
        case .number: return [.foreground(.yellow)]
        case .comment: return [.italic, .foreground(.brightBlack)]
        case .decorator: return [.foreground(.brightYellow)]
        case .definitionName: return [.bold, .foreground(.blue)]
        case .operator, .plain: return []
        }
    }

    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield",
    ]

    static let builtins: Set<String> = [
        // Functions and types.
        "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "breakpoint", "bytearray",
        "bytes", "callable", "chr", "classmethod", "compile", "complex", "delattr", "dict", "dir",
        "divmod", "enumerate", "eval", "exec", "filter", "float", "format", "frozenset",
        "getattr", "globals", "hasattr", "hash", "help", "hex", "id", "input", "int",
        "isinstance", "issubclass", "iter", "len", "list", "locals", "map", "max", "memoryview",
        "min", "next", "object", "oct", "open", "ord", "pow", "print", "property", "range",
        "repr", "reversed", "round", "set", "setattr", "slice", "sorted", "staticmethod", "str",
        "sum", "super", "tuple", "type", "vars", "zip", "__import__", "NotImplemented",
        "Ellipsis", "self", "cls", "__name__", "__main__",
        // Exceptions (ExceptionGroup matters here: TaskGroup raises it).
        "ArithmeticError", "AssertionError", "AttributeError", "BaseException",
        "BaseExceptionGroup", "BlockingIOError", "BrokenPipeError", "BufferError",
        "ChildProcessError", "ConnectionAbortedError", "ConnectionError",
        "ConnectionRefusedError", "ConnectionResetError", "EOFError", "Exception",
        "ExceptionGroup", "FileExistsError", "FileNotFoundError", "FloatingPointError",
        "GeneratorExit", "ImportError", "IndexError", "InterruptedError", "IsADirectoryError",
        "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError", "ModuleNotFoundError",
        "NameError", "NotADirectoryError", "NotImplementedError", "OSError", "OverflowError",
        "PermissionError", "ProcessLookupError", "RecursionError", "ReferenceError",
        "RuntimeError", "StopAsyncIteration", "StopIteration", "SyntaxError", "SystemExit",
        "TimeoutError", "TypeError", "UnboundLocalError", "UnicodeDecodeError",
        "UnicodeEncodeError", "UnicodeError", "ValueError", "ZeroDivisionError",
        "Warning", "DeprecationWarning", "RuntimeWarning", "UserWarning",
    ]
}

/// The scanner behind ``PythonHighlighter/tokenize(_:)``.
private struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private(set) var tokens: [PythonHighlighter.Token] = []
    /// What the previous token that was not whitespace or a comment said about the next
    /// name: after `def`/`class` it is being defined, after `.` it is an attribute.
    private var previousWasDefinition = false
    private var previousWasDot = false
    private var atLineStart = true

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let position = index + offset
        return position < scalars.count ? scalars[position] : nil
    }

    private mutating func emit(_ kind: PythonHighlighter.Kind, from start: Int) {
        guard start < index else { return }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<index])
        if let last = tokens.last, last.kind == kind {
            tokens[tokens.count - 1].text += text
        } else {
            tokens.append(PythonHighlighter.Token(kind, text))
        }
    }

    mutating func run() {
        while index < scalars.count {
            let start = index
            let scalar = scalars[index]
            switch scalar {
            case "\n":
                index += 1
                emit(.plain, from: start)
                atLineStart = true
            case " ", "\t", "\r", "\u{0C}", "\\":
                // A backslash continues the line; colour it like whitespace.
                index += 1
                emit(.plain, from: start)
            case "#":
                while let next = peek(), next != "\n" { index += 1 }
                emit(.comment, from: start)
            case "@" where atLineStart:
                index += 1
                scanDottedName()
                emit(.decorator, from: start)
                note(.decorator, from: start)
            case "\"", "'":
                scanString(prefixStart: start, isFormat: false)
            case _ where isDigit(scalar) || (scalar == "." && peek(1).map(isDigit) == true):
                scanNumber()
                emit(.number, from: start)
                note(.number, from: start)
            case _ where isIdentifierStart(scalar):
                scanIdentifierOrStringPrefix(start: start)
            default:
                index += 1
                emit(.operator, from: start)
                note(.operator, from: start)
            }
        }
    }

    /// Remembers the last significant token and leaves line-start state.
    private mutating func note(_ kind: PythonHighlighter.Kind, from start: Int) {
        previousWasDot = kind == .operator && index - start == 1 && scalars[start] == "."
        previousWasDefinition = false
        atLineStart = false
    }

    private mutating func scanIdentifierOrStringPrefix(start: Int) {
        while let next = peek(), isIdentifierContinue(next) { index += 1 }
        var word = ""
        word.unicodeScalars.append(contentsOf: scalars[start..<index])
        if let quote = peek(), quote == "\"" || quote == "'", isStringPrefix(word) {
            scanString(prefixStart: start, isFormat: word.lowercased().contains("f"))
            return
        }
        let kind: PythonHighlighter.Kind
        if previousWasDot {
            kind = .plain  // An attribute: `asyncio.sleep`, `self.print` are not builtins.
        } else if previousWasDefinition {
            kind = .definitionName
        } else if PythonHighlighter.keywords.contains(word) {
            kind = .keyword
        } else if PythonHighlighter.builtins.contains(word) {
            kind = .builtin
        } else {
            kind = .plain
        }
        emit(kind, from: start)
        note(kind, from: start)
        previousWasDefinition = kind == .keyword && (word == "def" || word == "class")
    }

    private func isStringPrefix(_ word: String) -> Bool {
        ["r", "u", "b", "f", "br", "rb", "fr", "rf"].contains(word.lowercased())
    }

    /// Scans a string literal whose prefix (possibly empty) starts at `prefixStart` and
    /// whose opening quote is at `index`.
    private mutating func scanString(prefixStart: Int, isFormat: Bool) {
        guard let quote = peek() else { return }
        let triple = peek(1) == quote && peek(2) == quote
        index += triple ? 3 : 1
        var pieceStart = prefixStart
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                index = min(index + 2, scalars.count)
                continue
            }
            if scalar == "\n" && !triple {
                break  // Unterminated: the string ends with its line.
            }
            if scalar == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
                index += triple ? 3 : 1
                emit(.string, from: pieceStart)
                note(.string, from: prefixStart)
                return
            }
            if isFormat && scalar == "{" {
                if peek(1) == "{" {
                    index += 2  // `{{` is a literal brace.
                    continue
                }
                emit(.string, from: pieceStart)
                scanReplacementField(quote: quote, triple: triple)
                pieceStart = index
                continue
            }
            index += 1
        }
        emit(.string, from: pieceStart)
        note(.string, from: prefixStart)
    }

    /// Scans `{expression}` inside an f-string: the braces are `.interpolation`, the
    /// expression is tokenized as code.
    private mutating func scanReplacementField(quote: Unicode.Scalar, triple: Bool) {
        let open = index
        index += 1
        emit(.interpolation, from: open)
        let expressionStart = index
        var depth = 0
        var end = index
        // Find the closing brace, skipping nested brackets and strings of the other quote.
        scanning: while end < scalars.count {
            let scalar = scalars[end]
            switch scalar {
            case "(", "[", "{":
                depth += 1
            case ")", "]":
                depth -= 1
            case "}":
                if depth == 0 { break scanning }
                depth -= 1
            case "'", "\"":
                if scalar == quote && !triple { break scanning }  // The f-string ends first.
                let inner = scalar
                end += 1
                while end < scalars.count && scalars[end] != inner && scalars[end] != "\n" { end += 1 }
            case "\n" where !triple:
                break scanning
            default:
                break
            }
            end += 1
        }
        end = min(end, scalars.count)
        var inner = Lexer(Array(scalars[expressionStart..<end]))
        inner.atLineStart = false
        inner.run()
        for token in inner.tokens {
            if let last = tokens.last, last.kind == token.kind {
                tokens[tokens.count - 1].text += token.text
            } else {
                tokens.append(token)
            }
        }
        index = end
        if index < scalars.count && scalars[index] == "}" {
            let close = index
            index += 1
            emit(.interpolation, from: close)
        }
    }

    private mutating func scanNumber() {
        if peek() == "0", let base = peek(1), "xXoObB".unicodeScalars.contains(base) {
            index += 2
            while let next = peek(), isHexDigit(next) || next == "_" { index += 1 }
            return
        }
        while let next = peek(), isDigit(next) || next == "_" || next == "." { index += 1 }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            if sign.map(isDigit) == true {
                index += 1
            } else if sign == "+" || sign == "-", peek(2).map(isDigit) == true {
                index += 2
            }
            while let next = peek(), isDigit(next) || next == "_" { index += 1 }
        }
        if let j = peek(), j == "j" || j == "J" { index += 1 }
    }

    private mutating func scanDottedName() {
        while let next = peek(), isIdentifierContinue(next) || next == "." { index += 1 }
    }

    private func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    private func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || ("a"..."f").contains(scalar) || ("A"..."F").contains(scalar)
    }

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || (scalar.isASCII ? scalar.properties.isAlphabetic : scalar.properties.isXIDStart)
    }

    private func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || isDigit(scalar)
            || (scalar.isASCII ? scalar.properties.isAlphabetic : scalar.properties.isXIDContinue)
    }
}
