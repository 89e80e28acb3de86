/// How a delimited text file is written: its delimiter, quote and escape characters.
public struct CSVDialect: Sendable, Equatable, CustomStringConvertible {
    public var delimiter: UInt8
    /// nil: fields are never quoted.
    public var quote: UInt8?
    /// The character that makes the next one literal inside quotes; the quote itself means a
    /// doubled quote (`""`), as RFC 4180 writes it.
    public var escape: UInt8?

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8? = UInt8(ascii: "\""), escape: UInt8? = UInt8(ascii: "\"")) {
        self.delimiter = delimiter
        self.quote = quote
        self.escape = escape
    }

    public static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]

    /// A user's delimiter: one character, or `tab`, `\t`, `comma`, `semicolon`, `pipe`.
    public static func delimiter(named name: String) throws(FileImportError) -> UInt8 {
        switch name.lowercased() {
        case "tab", "\\t", "\t": return UInt8(ascii: "\t")
        case "comma": return UInt8(ascii: ",")
        case "semicolon": return UInt8(ascii: ";")
        case "pipe": return UInt8(ascii: "|")
        default:
            guard name.utf8.count == 1, let byte = name.utf8.first, byte < 0x80, byte != 10, byte != 13 else {
                throw FileImportError("delimiter '\(name)': expected one ASCII character, or tab")
            }
            return byte
        }
    }

    static func name(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\t"): return "\\t"
        default: return String(UnicodeScalar(byte))
        }
    }

    public var description: String {
        "delimiter '\(Self.name(delimiter))', quote \(quote.map { "'\(Self.name($0))'" } ?? "none")"
            + (escape != nil && escape != quote ? ", escape '\(Self.name(escape!))'" : "")
    }
}
