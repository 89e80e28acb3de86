/// A JSON object kept as the validated bytes it arrived in, parsed only when something needs its
/// members. Records that no component changes are written out as these bytes, never re-serialised.
public struct RawJSONObject: Sendable {
    /// The object's text, from `{` to `}`; valid JSON by construction.
    public let bytes: ArraySlice<UInt8>
    /// Compact and without repeated keys: exactly what writing the parsed object would produce,
    /// up to number formatting and string escapes.
    public let isCanonical: Bool
    /// The object's own `null` members, as offsets from the start of `bytes`.
    private let nullMembers: [Range<Int>]

    init(bytes: ArraySlice<UInt8>, isCanonical: Bool, nullMembers: [Range<Int>]) {
        self.bytes = bytes
        self.isCanonical = isCanonical
        self.nullMembers = nullMembers
    }


    /// One of the object's own members is `null`.
    public var hasTopLevelNull: Bool { !nullMembers.isEmpty }

    /// Validates `bytes` as one JSON object; nil when they are anything else.
    public init?(validating bytes: ArraySlice<UInt8>) {
        let validated: (SkippedValueTraits, Bool)? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
            var scanner = JSONScanner(start: base, count: buffer.count, options: .strict)
            scanner.whitespaceRuns = []
            var traits = SkippedValueTraits()
            guard base[0] == UInt8(ascii: "{"), (try? scanner.skipObject(&traits, isOutermost: true)) != nil,
                  scanner.position == buffer.count else { return nil }
            return (traits, scanner.whitespaceRuns?.isEmpty ?? true)
        }
        guard let (traits, isCompact) = validated else { return nil }
        self.init(bytes: bytes, isCanonical: isCompact && !traits.mayRepeatKeys, nullMembers: traits.nullMemberOffsets(from: 0))
    }

    /// The parsed object.
    public func parsed() -> JSONObject {
        guard case .object(let object)? = try? JSONParser.parse(bytes, options: .pythonCompatible) else {
            preconditionFailure("RawJSONObject holds bytes that were validated as an object")
        }
        return object
    }

    /// The value of one member, parsing only that member (the last one, if the key repeats).
    public func value(forKey key: String) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(start: buffer.baseAddress!, count: buffer.count, options: .pythonCompatible)
            var found: JSONValue?
            try? scanner.forEachMember { (scanner: inout JSONScanner, memberKey: String, _: Int) throws(JSONParsingError) in
                if memberKey == key {
                    found = try scanner.parseValue()
                } else {
                    var traits = SkippedValueTraits()
                    try scanner.skipValue(&traits)
                }
            }
            return found
        }
    }

    /// The object without its `null` members, as the CDK drops them from records.
    public func droppingTopLevelNulls() -> LazyJSONObject {
        guard hasTopLevelNull else { return LazyJSONObject(raw: self) }
        guard isCanonical else { return LazyJSONObject(parsed().filter { !$0.value.isNull }) }
        // Canonical bytes are `{member,member,…}`: copy what lies between the null members and
        // put the commas back between the pieces that are left.
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { buffer in
            kept.append(UInt8(ascii: "{"))
            var pieceStart = 1
            for member in nullMembers + [buffer.count - 1..<buffer.count - 1] {
                var piece = pieceStart..<member.lowerBound
                // Trim the commas that separated the piece from the dropped members.
                if piece.upperBound > piece.lowerBound, buffer[piece.upperBound - 1] == UInt8(ascii: ",") {
                    piece = piece.lowerBound..<piece.upperBound - 1
                }
                if piece.lowerBound < piece.upperBound, buffer[piece.lowerBound] == UInt8(ascii: ",") {
                    piece = piece.lowerBound + 1..<piece.upperBound
                }
                if !piece.isEmpty {
                    if kept.count > 1 { kept.append(UInt8(ascii: ",")) }
                    kept.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[piece]))
                }
                pieceStart = member.upperBound
            }
            kept.append(UInt8(ascii: "}"))
        }
        return LazyJSONObject(raw: RawJSONObject(bytes: kept[...], isCanonical: true, nullMembers: []))
    }
}

extension JSONScanner {
    /// Walks the members of the object at `position`: `body` gets each key with `position` at the
    /// start of its value and the offset of the key's opening quote, and must consume the value.
    mutating func forEachMember(_ body: (inout JSONScanner, String, Int) throws(JSONParsingError) -> Void) throws(JSONParsingError) {
        guard position < count, start[position] == UInt8(ascii: "{") else {
            throw error(.unexpectedCharacter(found: describeByte(at: position), expected: "'{'"))
        }
        if try openContainer(closing: UInt8(ascii: "}")) { return }
        repeat {
            try expectKey()
            let keyStart = position
            let key = try parseString()
            try consumeColon()
            try body(&self, key, keyStart)
        } while try consumeSeparator(closing: UInt8(ascii: "}"))
    }
}
