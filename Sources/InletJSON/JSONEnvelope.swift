/// Parses a JSON object whose bulk is one nested object — an Airbyte RECORD line's `record.data` —
/// keeping that object as validated bytes (a `RawJSONObject`) and parsing only the rest: forwarding a
/// record then costs one validating scan of its data, not building its values.
public enum JSONEnvelope {
    /// The document's members with the object at `path` taken out, and that object raw; nil when the
    /// document is not an object, the path does not lead to an object, or a key repeats on the way
    /// (the caller then parses the whole document).
    public static func parse(_ bytes: UnsafeRawBufferPointer, keepingRaw path: [String]) -> (envelope: JSONObject, raw: RawJSONObject)? {
        guard !path.isEmpty, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), !bytes.isEmpty else { return nil }
        var walker = Walker(scanner: JSONScanner(start: base, count: bytes.count, options: .pythonCompatible), path: path)
        guard let envelope = try? walker.document(), let span = walker.rawSpan else { return nil }
        let raw = RawJSONObject(bytes: Array(UnsafeBufferPointer(start: base + span.bytes.lowerBound, count: span.bytes.count))[...],
                                isCanonical: span.isCanonical, nullMembers: span.nullMembers)
        return (envelope, raw)
    }

    /// The same, for bytes in an array: the raw object shares the array's storage (no copy), so it
    /// keeps the whole array alive as long as it lives.
    public static func parse(_ bytes: ArraySlice<UInt8>, keepingRaw path: [String]) -> (envelope: JSONObject, raw: RawJSONObject)? {
        guard !path.isEmpty, !bytes.isEmpty else { return nil }
        let parsed: (JSONObject, RawSpan)? = bytes.withUnsafeBufferPointer { buffer in
            var walker = Walker(scanner: JSONScanner(start: buffer.baseAddress!, count: buffer.count, options: .pythonCompatible), path: path)
            guard let envelope = try? walker.document(), let span = walker.rawSpan else { return nil }
            return (envelope, span)
        }
        guard let (envelope, span) = parsed else { return nil }
        let start = bytes.startIndex
        let raw = RawJSONObject(bytes: bytes[(start + span.bytes.lowerBound)..<(start + span.bytes.upperBound)],
                                isCanonical: span.isCanonical, nullMembers: span.nullMembers)
        return (envelope, raw)
    }

    /// Where the raw object lies in the scanned bytes, and what the scan learnt of it.
    private struct RawSpan {
        var bytes: Range<Int>
        var isCanonical: Bool
        var nullMembers: [Range<Int>]
    }

    private struct Walker {
        var scanner: JSONScanner
        let path: [String]
        var rawSpan: RawSpan?

        mutating func document() throws(JSONParsingError) -> JSONObject? {
            scanner.skipWhitespace()
            guard scanner.position < scanner.count, scanner.start[scanner.position] == UInt8(ascii: "{"),
                  let object = try object(level: 0) else { return nil }
            scanner.skipWhitespace()
            return scanner.position == scanner.count ? object : nil
        }

        /// The object at `position`, on the path at `level`.
        mutating func object(level: Int) throws(JSONParsingError) -> JSONObject? {
            var entries: [JSONObject.Entry] = []
            if try scanner.openContainer(closing: UInt8(ascii: "}")) { return JSONObject(uniqueEntries: entries) }
            var sawPathKey = false
            repeat {
                try scanner.expectKey()
                let key = try scanner.parseString()
                // Envelopes have a handful of keys: a linear look for a repeat is cheapest.
                if key == path[level] {
                    guard !sawPathKey else { return nil }
                    sawPathKey = true
                } else if entries.contains(where: { $0.key == key }) {
                    return nil
                }
                try scanner.consumeColon()
                let isOnPath = key == path[level] && scanner.position < scanner.count && scanner.start[scanner.position] == UInt8(ascii: "{")
                if isOnPath && level == path.count - 1 {
                    let begin = scanner.position
                    var traits = SkippedValueTraits()
                    scanner.whitespaceRuns = []
                    try scanner.skipObject(&traits, isOutermost: true)
                    let isCompact = scanner.whitespaceRuns?.isEmpty ?? true
                    scanner.whitespaceRuns = nil
                    rawSpan = RawSpan(bytes: begin..<scanner.position, isCanonical: isCompact && !traits.mayRepeatKeys,
                                      nullMembers: traits.nullMemberOffsets(from: begin))
                } else if isOnPath {
                    guard let inner = try object(level: level + 1) else { return nil }
                    entries.append(JSONObject.Entry(key: key, value: .object(inner)))
                } else {
                    entries.append(JSONObject.Entry(key: key, value: try scanner.parseValue()))
                }
            } while try scanner.consumeSeparator(closing: UInt8(ascii: "}"))
            return JSONObject(uniqueEntries: entries)
        }
    }
}
