/// What the parser accepts beyond RFC 8259. The default is strict.
public struct JSONParsingOptions: Sendable, Equatable {
    /// The deepest nesting of arrays and objects accepted; deeper input is an error, never a crash.
    public var maximumDepth: Int
    /// Accepts `NaN`, `Infinity` and `-Infinity`, which Python's `json.dumps` writes by default.
    public var allowsNonFiniteNumbers: Bool
    /// Replaces a `\u` escape of an unpaired UTF-16 surrogate with U+FFFD instead of failing.
    public var replacesLoneSurrogates: Bool

    public init(maximumDepth: Int = 1024, allowsNonFiniteNumbers: Bool = false, replacesLoneSurrogates: Bool = false) {
        self.maximumDepth = maximumDepth
        self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
        self.replacesLoneSurrogates = replacesLoneSurrogates
    }

    /// RFC 8259, nothing more.
    public static var strict: JSONParsingOptions { JSONParsingOptions() }

    /// What Python's `json` module writes and reads: non-finite numbers and lone surrogates.
    public static var pythonCompatible: JSONParsingOptions {
        JSONParsingOptions(allowsNonFiniteNumbers: true, replacesLoneSurrogates: true)
    }
}

/// Parses JSON text (UTF-8 bytes) into a `JSONValue`.
public enum JSONParser {
    public static func parse(
        _ buffer: UnsafeRawBufferPointer,
        options: JSONParsingOptions = .strict
    ) throws(JSONParsingError) -> JSONValue {
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            throw JSONParsingError(reason: .emptyInput, offset: 0, line: 1, column: 1)
        }
        var scanner = JSONScanner(
            start: base.assumingMemoryBound(to: UInt8.self),
            count: buffer.count,
            options: options
        )
        return try scanner.parseDocument()
    }

    public static func parse(
        _ bytes: some Sequence<UInt8>,
        options: JSONParsingOptions = .strict
    ) throws(JSONParsingError) -> JSONValue {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParsingError) in try parse(UnsafeRawBufferPointer(buffer), options: options) }
        }
        if let result { return try result.get() }
        return try parse(Array(bytes), options: options)
    }

    public static func parse(_ text: String, options: JSONParsingOptions = .strict) throws(JSONParsingError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParsingError) in try parse(UnsafeRawBufferPointer(buffer), options: options) }
        }
        return try result.get()
    }
}
