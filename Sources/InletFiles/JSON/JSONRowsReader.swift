import InletJSON

/// Reads JSON lines (an object per line) and JSON documents (an array of objects, or an object
/// holding one), one object at a time through a bounded buffer. The columns are the keys of the
/// first `sampleObjects` objects; a later object with another key stops the import, naming it,
/// rather than dropping its value.
public final class JSONRowsReader: TabularReader {
    public let columnNames: [String]
    public var declaredTypes: [ColumnType]? { nil }
    public let layout: FileLayout
    public var recordedRowCount: Int? { nil }
    public var bytesRead: Int { elements.bytesRead }
    public var stringsMayBeTemporal: Bool { true }

    private var elements: JSONElementSplitter
    private var columnIndex: [String: Int]
    private var rows = 0

    public static let sampleObjects = 20_480

    public init(path: String, lines: Bool) throws(FileImportError) {
        layout = FileLayout(format: lines ? .jsonl : .json, encoding: .utf8)
        var sampler = try JSONElementSplitter(path: path, lines: lines)
        var names: [String] = []
        var known: Set<String> = []
        var sampled = 0
        while sampled < Self.sampleObjects, let element = try sampler.next() {
            sampled += 1
            guard case .object(let object) = try Self.parse(element, row: sampled) else {
                throw FileImportError("row \(sampled): not a JSON object")
            }
            for key in object.keys where known.insert(key).inserted { names.append(key) }
        }
        columnNames = names.isEmpty ? ["value"] : names
        columnIndex = Dictionary(uniqueKeysWithValues: columnNames.enumerated().map { ($1, $0) })
        elements = try JSONElementSplitter(path: path, lines: lines)
    }

    public func nextRow() throws(FileImportError) -> [FileCell]? {
        guard let element = try elements.next() else { return nil }
        rows += 1
        guard case .object(let object) = try Self.parse(element, row: rows) else { throw FileImportError("row \(rows): not a JSON object") }
        var cells = [FileCell](repeating: .null, count: columnNames.count)
        for (key, value) in object {
            guard let index = columnIndex[key] else {
                throw FileImportError("row \(rows): key '\(key)' is not among the columns found in the first \(Self.sampleObjects) objects")
            }
            cells[index] = Self.cell(value)
        }
        return cells
    }

    private static func parse(_ bytes: ArraySlice<UInt8>, row: Int) throws(FileImportError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw FileImportError("row \(row): not valid JSON: \(error)")
        }
    }

    static func cell(_ value: JSONValue) -> FileCell {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .bigNumber(let literal):
            if literal.withUTF8Bytes({ TextValues.decimal($0) }) != nil { return .decimal(literal) }
            return Double(literal).map { .double($0) } ?? .string(literal)
        case .string(let text): return .string(text)
        case .array, .object: return .json(value)
        }
    }
}

/// Finds the objects of a JSON lines file or a JSON document's array, as byte ranges, without
/// parsing what lies between them.
struct JSONElementSplitter {
    private let file: FileBytes
    private let lines: Bool
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfFile = false
    private var inArray = false
    private var finished = false
    private var line = 1
    var bytesRead: Int { file.offset }

    static let chunkSize = 4 << 20
    static let maximumElementBytes = 256 << 20

    init(path: String, lines: Bool) throws(FileImportError) {
        file = try FileBytes(path: path)
        self.lines = lines
        try refill()
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    private mutating func refill() throws(FileImportError) {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let chunk = try file.readNext(Self.chunkSize)
        endOfFile = chunk.isEmpty || file.offset >= file.size
        buffer += chunk
    }

    private mutating func skipWhitespace() throws(FileImportError) -> UInt8? {
        while true {
            while position < buffer.count, [9, 10, 13, 32].contains(buffer[position]) {
                if buffer[position] == 10 { line += 1 }
                position += 1
            }
            if position < buffer.count { return buffer[position] }
            if endOfFile { return nil }
            try refill()
        }
    }

    /// The next element's bytes, or nil at the end.
    mutating func next() throws(FileImportError) -> ArraySlice<UInt8>? {
        if finished { return nil }
        if !lines, !inArray { try enterArray() }
        guard var first = try skipWhitespace() else {
            if !lines { throw FileImportError("line \(line): the document ends inside its array") }
            return nil
        }
        if !lines {
            if first == UInt8(ascii: "]") {
                finished = true
                return nil
            }
            if first == UInt8(ascii: ",") {
                position += 1
                guard let after = try skipWhitespace() else { throw FileImportError("line \(line): the document ends after a comma") }
                first = after
            }
        }
        _ = first
        while true {
            if let end = valueEnd(from: position) {
                let element = buffer[position..<end]
                position = end
                return element
            }
            if endOfFile { throw FileImportError("line \(line): the file ends inside a JSON value") }
            if buffer.count - position > Self.maximumElementBytes {
                throw FileImportError("line \(line): an object larger than \(Self.maximumElementBytes >> 20) MiB")
            }
            try refill()
        }
    }

    /// Moves into the document's array: the top level, or the first member of a top-level object
    /// whose value is an array.
    private mutating func enterArray() throws(FileImportError) {
        inArray = true
        guard let first = try skipWhitespace() else { throw FileImportError("the file is empty") }
        if first == UInt8(ascii: "[") {
            position += 1
            return
        }
        guard first == UInt8(ascii: "{") else { throw FileImportError("line \(line): a JSON document must be an array of objects, or an object holding one") }
        position += 1
        while true {
            guard let key = try skipWhitespace() else { throw FileImportError("the document ends inside its object") }
            if key == UInt8(ascii: "}") { throw FileImportError("the document's object holds no array of objects") }
            if key == UInt8(ascii: ",") { position += 1; continue }
            // The key, a colon, then its value: an array is entered, anything else skipped.
            guard let keyEnd = try wholeValueEnd() else { throw FileImportError("line \(line): the document ends inside a key") }
            position = keyEnd
            guard try skipWhitespace() == UInt8(ascii: ":") else { throw FileImportError("line \(line): expected ':' after a key") }
            position += 1
            guard let value = try skipWhitespace() else { throw FileImportError("the document ends after a key") }
            if value == UInt8(ascii: "[") {
                position += 1
                return
            }
            guard let valueEnd = try wholeValueEnd() else { throw FileImportError("line \(line): the document ends inside a value") }
            position = valueEnd
        }
    }

    private mutating func wholeValueEnd() throws(FileImportError) -> Int? {
        while true {
            if let end = valueEnd(from: position) { return end }
            if endOfFile { return nil }
            try refill()
        }
    }

    /// Where the value starting at `start` ends, or nil when the buffer ends first. In JSON lines a
    /// value also ends at its line's end.
    private mutating func valueEnd(from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var index = start
        var newlines = 0
        let count = buffer.count
        return buffer.withUnsafeBufferPointer { bytes -> Int? in
            while index < count {
                let byte = bytes[index]
                if inString {
                    if byte == UInt8(ascii: "\\") { index += 2; continue }
                    if byte == UInt8(ascii: "\"") { inString = false; if depth == 0 { return index + 1 } }
                    index += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { line += newlines; return index + 1 }
                    if depth < 0 { line += newlines; return index }
                case UInt8(ascii: ","):
                    if depth == 0 { line += newlines; return index }
                case 10:
                    newlines += 1
                    if depth == 0 { line += newlines; return index }
                default: break
                }
                index += 1
            }
            if endOfFile, depth == 0, !inString, index > start { return index }
            return nil
        }
    }
}
