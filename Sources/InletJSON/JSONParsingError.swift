/// Why and where a JSON text could not be parsed.
public struct JSONParsingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        case emptyInput
        case unexpectedEndOfInput(expected: String)
        case unexpectedCharacter(found: String, expected: String)
        case invalidNumber(String)
        case invalidEscape(String)
        case invalidUnicodeEscape
        case loneSurrogate(String)
        case controlCharacterInString(UInt8)
        case unterminatedString
        case invalidUTF8
        case trailingContent(found: String)
        case nestingTooDeep(limit: Int)

        public var description: String {
            switch self {
            case .emptyInput: return "the input is empty"
            case .unexpectedEndOfInput(let expected): return "unexpected end of input, expected \(expected)"
            case .unexpectedCharacter(let found, let expected): return "unexpected \(found), expected \(expected)"
            case .invalidNumber(let detail): return "invalid number: \(detail)"
            case .invalidEscape(let escape): return "invalid escape sequence \(escape) in string"
            case .invalidUnicodeEscape: return "invalid \\u escape: expected four hexadecimal digits"
            case .loneSurrogate(let escape): return "lone surrogate \(escape) in string (not valid Unicode)"
            case .controlCharacterInString(let byte):
                return "unescaped control character U+\(hex4(UInt16(byte))) in string"
            case .unterminatedString: return "unterminated string"
            case .invalidUTF8: return "invalid UTF-8 in string"
            case .trailingContent(let found): return "unexpected \(found) after the JSON value"
            case .nestingTooDeep(let limit): return "nesting deeper than \(limit) levels"
            }
        }
    }

    public var reason: Reason
    /// Zero-based byte offset into the input.
    public var offset: Int
    /// One-based line number.
    public var line: Int
    /// One-based column, counted in Unicode scalars from the start of the line.
    public var column: Int

    public init(reason: Reason, offset: Int, line: Int, column: Int) {
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String {
        "line \(line), column \(column) (byte \(offset)): \(reason)"
    }
}

func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
