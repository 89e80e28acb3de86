/// A response body cut in two: the records at a path, kept as raw objects, and the rest of the
/// document, parsed. Reading a page this way never builds values for the records.
public struct SplitJSONDocument: Sendable {
    /// The document without its member named by the path's first key; for a document that is a
    /// list of records (an empty path), `null`.
    public var remainder: JSONValue
    public var records: [RawJSONObject]
    /// Values found at the path, records or not.
    public var extractedCount: Int

    /// Splits `body` at `path`. Nil unless the body is JSON of the plain shape this handles: an
    /// object whose path leads to a list (or one non-empty object), or a list of objects for an
    /// empty path, with nothing a byte copy could not carry (`NaN`, lone surrogates). The caller
    /// then parses the body whole, so every other shape keeps its exact meaning.
    /// `dropsTopLevelNulls` leaves the records' own `null` members out, as the CDK's output does.
    public init?(splitting body: [UInt8], atPath path: [String], dropsTopLevelNulls: Bool = false) {
        var records: [RawJSONObject] = []
        var remainder: JSONValue = .null
        var count = 0
        let succeeded: Bool = body.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return false }
            var scanner = JSONScanner(start: base, count: buffer.count, options: .strict)
            var splitter = RecordSplitter(body: body, dropsTopLevelNulls: dropsTopLevelNulls)
            do {
                scanner.skipWhitespace()
                guard scanner.position < scanner.count else { return false }
                if path.isEmpty {
                    guard try splitter.collectRecords(&scanner, onlyObjects: true) else { return false }
                } else {
                    var members = JSONObject()
                    var found = false
                    guard base[scanner.position] == UInt8(ascii: "{") else { return false }
                    try scanner.forEachMember { (scanner: inout JSONScanner, key: String, _: Int) throws(JSONParsingError) in
                        if key == path[0] {
                            // A repeated key keeps its last value, as when parsing.
                            splitter.reset()
                            found = try splitter.descend(&scanner, path: path.dropFirst())
                        } else {
                            members[key] = try scanner.parseValue()
                        }
                    }
                    guard found else { return false }
                    remainder = .object(members)
                }
                scanner.skipWhitespace()
                guard scanner.position == scanner.count else { return false }
            } catch {
                return false
            }
            records = splitter.records
            count = splitter.count
            return true
        }
        guard succeeded else { return nil }
        self.remainder = remainder
        self.records = records
        self.extractedCount = count
    }
}

/// Collects raw records while a scanner walks the body.
///
/// Records that are already compact stay slices of the body. The others (whitespace between
/// tokens, or `null` members to drop) are copied compact into one buffer for the page, so a page
/// costs one allocation rather than one per record.
private struct RecordSplitter {
    let body: [UInt8]
    let dropsTopLevelNulls: Bool
    var count = 0
    private var pending: [PendingRecord] = []
    private var copies: [UInt8] = []
    /// Reused for every record, so their lists keep their storage.
    private var traits = SkippedValueTraits()
    private var whitespaceRuns: [Range<Int>] = []

    private struct PendingRecord {
        var isCopy: Bool
        var bytes: Range<Int>
        var isCanonical: Bool
        var nullMembers: [Range<Int>]
    }

    init(body: [UInt8], dropsTopLevelNulls: Bool) {
        self.body = body
        self.dropsTopLevelNulls = dropsTopLevelNulls
    }

    var records: [RawJSONObject] {
        let copies = self.copies
        return pending.map { record in
            RawJSONObject(bytes: record.isCopy ? copies[record.bytes] : body[record.bytes],
                          isCanonical: record.isCanonical, nullMembers: record.nullMembers)
        }
    }

    /// The record taken last was `{}` (before any `null` members were dropped).
    private var lastRecordIsEmpty: Bool {
        !pending.isEmpty && traits.topLevelMembers.isEmpty
    }

    mutating func reset() {
        pending.removeAll(keepingCapacity: true)
        copies.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Follows `path` from the value at the scanner's position; false when it does not lead to records.
    mutating func descend(_ scanner: inout JSONScanner, path: ArraySlice<String>) throws(JSONParsingError) -> Bool {
        guard let key = path.first else { return try collectRecords(&scanner, onlyObjects: false) }
        guard scanner.start[scanner.position] == UInt8(ascii: "{") else { return false }
        var found = false
        try scanner.forEachMember { (scanner: inout JSONScanner, memberKey: String, _: Int) throws(JSONParsingError) in
            if memberKey == key {
                reset()
                found = try descend(&scanner, path: path.dropFirst())
            } else {
                var traits = SkippedValueTraits()
                try scanner.skipValue(&traits)
            }
        }
        return found
    }

    /// Takes the records of the list (or the one object) at the scanner's position.
    mutating func collectRecords(_ scanner: inout JSONScanner, onlyObjects: Bool) throws(JSONParsingError) -> Bool {
        switch scanner.start[scanner.position] {
        case UInt8(ascii: "{"):
            guard !onlyObjects else { return false }
            try takeObject(&scanner)
            // An empty object is falsy to the extractor: no record at all.
            if lastRecordIsEmpty { reset() }
            return true
        case UInt8(ascii: "["):
            if try scanner.openContainer(closing: UInt8(ascii: "]")) { return true }
            repeat {
                guard scanner.position < scanner.count else { throw scanner.error(.unexpectedEndOfInput(expected: "a value or ']'")) }
                if scanner.start[scanner.position] == UInt8(ascii: "{") {
                    try takeObject(&scanner)
                    // In a list of documents an empty one is falsy: neither counted nor a record.
                    if onlyObjects, lastRecordIsEmpty {
                        pending.removeLast()
                        count -= 1
                    }
                } else {
                    guard !onlyObjects else { return false }
                    var traits = SkippedValueTraits()
                    try scanner.skipValue(&traits)
                    count += 1
                }
            } while try scanner.consumeSeparator(closing: UInt8(ascii: "]"))
            return true
        default:
            return false
        }
    }

    private mutating func takeObject(_ scanner: inout JSONScanner) throws(JSONParsingError) {
        let objectStart = scanner.position
        traits.reset()
        // Whitespace inside the record is noted so that it can be left out of a copy.
        whitespaceRuns.removeAll(keepingCapacity: true)
        scanner.whitespaceRuns = whitespaceRuns
        whitespaceRuns = []
        try scanner.skipObject(&traits, isOutermost: true)
        whitespaceRuns = scanner.whitespaceRuns ?? []
        scanner.whitespaceRuns = nil
        count += 1
        let objectEnd = scanner.position
        let hasWhitespace = !whitespaceRuns.isEmpty
        let dropsNulls = dropsTopLevelNulls && traits.hasTopLevelNull
        if traits.mayRepeatKeys && dropsNulls {
            // Which of two equal keys survives is the parser's business: parse, drop, write.
            let object = try JSONParser.parse(body[objectStart..<objectEnd]).objectValue ?? [:]
            var writer = JSONWriter()
            writer.write(object.filter { !$0.value.isNull })
            let start = copies.count
            copies.append(contentsOf: writer.bytes)
            pending.append(PendingRecord(isCopy: true, bytes: start..<copies.count, isCanonical: true, nullMembers: []))
            return
        }
        if traits.mayRepeatKeys || (!hasWhitespace && !dropsNulls) {
            // Kept as it is; a key that may repeat means the bytes are parsed when written.
            pending.append(PendingRecord(isCopy: false, bytes: objectStart..<objectEnd, isCanonical: !traits.mayRepeatKeys && !hasWhitespace,
                                         nullMembers: traits.nullMemberOffsets(from: objectStart)))
            return
        }
        pending.append(copyCompact(UnsafeBufferPointer(start: scanner.start, count: scanner.count), dropsNulls: dropsNulls))
    }

    /// Copies the skipped object into `copies` member by member, without whitespace between tokens
    /// and, when `dropsNulls`, without its `null` members.
    private mutating func copyCompact(_ buffer: UnsafeBufferPointer<UInt8>, dropsNulls: Bool) -> PendingRecord {
        let start = copies.count
        var nullMembers: [Range<Int>] = []
        var runs = whitespaceRuns[...]
        copies.append(UInt8(ascii: "{"))
        var first = true
        for member in traits.topLevelMembers {
            if member.isNull && dropsNulls { continue }
            if !first { copies.append(UInt8(ascii: ",")) }
            first = false
            let memberStart = copies.count - start
            var segmentStart = member.bytes.lowerBound
            while let run = runs.first, run.lowerBound < member.bytes.upperBound {
                if run.lowerBound >= segmentStart {
                    copies.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[segmentStart..<run.lowerBound]))
                    segmentStart = run.upperBound
                }
                runs = runs.dropFirst()
            }
            copies.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[segmentStart..<member.bytes.upperBound]))
            if member.isNull { nullMembers.append(memberStart..<copies.count - start) }
        }
        copies.append(UInt8(ascii: "}"))
        return PendingRecord(isCopy: true, bytes: start..<copies.count, isCanonical: true, nullMembers: nullMembers)
    }
}
