#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads Parquet files, whoever wrote them: flat and nested columns (structs, and lists and maps in
/// the standard three-level layout), PLAIN and dictionary encodings, data pages v1 and v2, every
/// codec Inlet writes. Column chunks are read one at a time, so memory follows the chunk, not the file.
public struct ParquetFileReader {
    public let path: String
    /// The file's top-level fields.
    public let fields: [ParquetField]
    /// Its primitive columns, depth first (the order of the row groups' column chunks).
    public let columns: [ParquetColumn]
    public let rowCount: Int64
    /// For each top-level field, its first column.
    private let firstLeaves: [Int]
    private let rowGroups: [ThriftValue]

    public init(path: String) throws(ParquetError) {
        self.path = path
        let file = try ReadOnlyFile(path: path)
        let size = file.size
        guard size >= 12, try file.read(at: size - 4, count: 4) == Array("PAR1".utf8) else { throw .corrupt("\(path) has no Parquet footer") }
        let lengthBytes = try file.read(at: size - 8, count: 4)
        let footerLength = Int(lengthBytes[0]) | Int(lengthBytes[1]) << 8 | Int(lengthBytes[2]) << 16 | Int(lengthBytes[3]) << 24
        guard footerLength > 0, footerLength <= size - 12 else { throw .corrupt("\(path): footer length \(footerLength)") }
        var reader = ThriftCompactReader(try file.read(at: size - 8 - footerLength, count: footerLength))
        let metadata = try reader.readStruct()
        rowCount = metadata[3]?.integer ?? 0
        rowGroups = metadata[4]?.list ?? []

        var schema = SchemaTreeReader(elements: metadata[2]?.list ?? [], path: path)
        fields = try schema.topLevelFields()
        var columns: [ParquetColumn] = []
        var firstLeaves: [Int] = []
        for field in fields {
            firstLeaves.append(columns.count)
            columns += field.leaves
        }
        self.columns = columns
        self.firstLeaves = firstLeaves
    }

    /// Every value of the top-level field with this Iceberg field id, row after row: primitives as
    /// they are stored, lists, structs and maps assembled from their columns.
    public func values(ofFieldID fieldID: Int32) throws(ParquetError) -> [ParquetValue?] {
        guard let position = fields.firstIndex(where: { $0.fieldID == fieldID }) else {
            throw .unsupported("\(path) has no top-level field with field id \(fieldID)")
        }
        let file = try ReadOnlyFile(path: path)
        var values: [ParquetValue?] = []
        values.reserveCapacity(Int(rowCount))
        for group in rowGroups.indices {
            values += try self.values(ofFieldAt: position, inRowGroup: group, file: file)
        }
        return values
    }

    public var rowGroupCount: Int { rowGroups.count }

    /// The values of the top-level field at `position` (files from other writers have no field
    /// ids) in one row group, so that a reader's memory follows a row group, not the file.
    public func values(ofFieldAt position: Int, inRowGroup group: Int) throws(ParquetError) -> [ParquetValue?] {
        try values(ofFieldAt: position, inRowGroup: group, file: try ReadOnlyFile(path: path))
    }

    private func values(ofFieldAt position: Int, inRowGroup groupIndex: Int, file: ReadOnlyFile) throws(ParquetError) -> [ParquetValue?] {
        let field = fields[position]
        let firstLeaf = firstLeaves[position]
        let leafCount = field.leaves.count
        let levelled = LevelledField(field, firstLeaf: 0)
        let group = rowGroups[groupIndex]
        let chunks = group[1]?.list ?? []
        guard firstLeaf + leafCount <= chunks.count else { throw .corrupt("a row group lacks columns of \(field.name)") }
        var entries: [LeafEntries] = []
        for leaf in 0..<leafCount {
            let column = columns[firstLeaf + leaf]
            guard let metadata = chunks[firstLeaf + leaf][3] else { throw .corrupt("a row group lacks column \(column.dottedPath)") }
            let start = metadata[11]?.integer ?? metadata[9]?.integer ?? 0
            let length = metadata[7]?.integer ?? 0
            guard start >= 0, length >= 0, Int(start) + Int(length) <= file.size - 8 else {
                throw .corrupt("\(path): column \(column.dottedPath)'s chunk lies outside the file (truncated?)")
            }
            let chunk = try file.read(at: Int(start), count: Int(length))
            var decoder = ColumnChunkDecoder(column: column, codec: metadata[4]?.integer ?? 0, valueCount: Int(metadata[5]?.integer ?? 0))
            entries.append(try decoder.decode(chunk))
        }
        if field.isPrimitive { return entries[0].values }
        var assembler = RecordAssembler(entries: entries)
        let rows = Int(group[3]?.integer ?? 0)
        var values: [ParquetValue?] = []
        values.reserveCapacity(rows)
        for _ in 0..<rows { values.append(try assembler.assemble(levelled)) }
        try assembler.checkConsumed(field.name)
        return values
    }

    /// The number of rows in a row group.
    public func rowCount(inRowGroup group: Int) -> Int {
        Int(rowGroups[group][3]?.integer ?? 0)
    }
}

/// Rebuilds the schema tree from the footer's depth-first list of elements.
private struct SchemaTreeReader {
    let elements: [ThriftValue]
    let path: String
    var index = 1

    init(elements: [ThriftValue], path: String) {
        self.elements = elements
        self.path = path
    }

    mutating func topLevelFields() throws(ParquetError) -> [ParquetField] {
        guard let root = elements.first else { throw .corrupt("\(path) has no schema") }
        let fields = try children(count: Int(root[5]?.integer ?? 0))
        guard index == elements.count else { throw .corrupt("\(path): the schema has elements outside its root") }
        return fields
    }

    private mutating func children(count: Int) throws(ParquetError) -> [ParquetField] {
        var fields: [ParquetField] = []
        for _ in 0..<count { fields.append(try field()) }
        return fields
    }

    private mutating func field() throws(ParquetError) -> ParquetField {
        guard index < elements.count else { throw .corrupt("\(path): the schema ends inside a group") }
        let element = elements[index]
        index += 1
        let name = element[4]?.string ?? ""
        let repetition = element[3]?.integer ?? 0
        let fieldID = element[9]?.integer.map { Int32(truncatingIfNeeded: $0) }
        guard repetition != 2 else {
            throw .unsupported("\(path): repeated field '\(name)' outside a standard LIST or MAP group")
        }
        guard let childCount = element[5]?.integer else {
            guard let type = element[1]?.integer, let physical = ParquetPhysicalType(rawValue: Int32(type)) else {
                throw .unsupported("\(path): column '\(name)' of physical type \(element[1]?.integer ?? -1)")
            }
            if physical == .fixedLengthByteArray && (element[2]?.integer ?? 0) <= 0 {
                throw .corrupt("\(path): fixed-length column '\(name)' has no length")
            }
            return ParquetField(name: name, fieldID: fieldID, isRequired: repetition == 0,
                                kind: .primitive(physical, ParquetLogicalType.read(from: element)),
                                typeLength: physical == .fixedLengthByteArray ? element[2]?.integer.map { Int32(truncatingIfNeeded: $0) } : nil)
        }
        let annotation = element[10]
        let converted = element[6]?.integer
        let isList = annotation?[3] != nil || converted == 3
        let isMap = annotation?[2] != nil || converted == 1 || converted == 2
        guard isList || isMap else {
            return ParquetField(name: name, fieldID: fieldID, isRequired: repetition == 0, kind: .structure(try children(count: Int(childCount))))
        }
        // The standard layout: one repeated group holding the element, or the key and the value.
        guard childCount == 1, index < elements.count, elements[index][3]?.integer == 2, let inner = elements[index][5]?.integer,
              inner == (isList ? 1 : 2) else {
            throw .unsupported("\(path): \(isList ? "list" : "map") '\(name)' is not in the standard three-level layout")
        }
        index += 1
        let contents = try children(count: Int(inner))
        return ParquetField(name: name, fieldID: fieldID, isRequired: repetition == 0,
                            kind: isList ? .list(element: contents[0]) : .map(key: contents[0], value: contents[1]))
    }
}

/// One column chunk's level entries: a value where the path is fully defined, else nil, with
/// the entry's definition and repetition levels (empty when the column has no such levels).
struct LeafEntries {
    var values: [ParquetValue?] = []
    var definitionLevels: [UInt32] = []
    var repetitionLevels: [UInt32] = []
}

/// Rebuilds lists, structs and maps from the level entries of their columns, one row at a time.
private struct RecordAssembler {
    var entries: [LeafEntries]
    var cursors: [Int]

    init(entries: [LeafEntries]) {
        self.entries = entries
        cursors = Array(repeating: 0, count: entries.count)
    }

    /// The next value of `node` (0: the whole field), consuming its entries.
    mutating func assemble(_ field: LevelledField, node index: Int = 0) throws(ParquetError) -> ParquetValue? {
        let node = field.nodes[index]
        let first = node.leaves.lowerBound
        guard cursors[first] < entries[first].values.count else { throw .corrupt("column \(field.paths[index]) has fewer entries than rows") }
        let definition = level(entries[first].definitionLevels, at: cursors[first])
        if !node.isRequired && definition < node.definitionLevel {
            skipEntry(of: node)
            return nil
        }
        switch node.kind {
        case .primitive:
            defer { cursors[first] += 1 }
            return entries[first].values[cursors[first]]
        case .structure:
            var values: [ParquetValue?] = []
            for position in 0..<node.childList.count { values.append(try assemble(field, node: field.child(position, of: node))) }
            return .structure(values)
        case .list, .map:
            let isMap = node.kind == .map
            if definition <= node.definitionLevel {
                skipEntry(of: node)
                return isMap ? .map(keys: [], values: []) : .list([])
            }
            var elements: [ParquetValue?] = []
            var keys: [ParquetValue] = []
            repeat {
                if isMap {
                    guard let key = try assemble(field, node: field.child(0, of: node)) else { throw .corrupt("a null key in map \(field.paths[index])") }
                    keys.append(key)
                    elements.append(try assemble(field, node: field.child(1, of: node)))
                } else {
                    elements.append(try assemble(field, node: field.child(0, of: node)))
                }
            } while cursors[first] < entries[first].values.count
                && level(entries[first].repetitionLevels, at: cursors[first]) == node.repetitionLevel
            return isMap ? .map(keys: keys, values: elements) : .list(elements)
        }
    }

    func checkConsumed(_ name: String) throws(ParquetError) {
        for leaf in entries.indices where cursors[leaf] != entries[leaf].values.count {
            throw .corrupt("field \(name) has entries past its rows")
        }
    }

    /// A null or empty field holds exactly one entry in each of its columns.
    private mutating func skipEntry(of node: LevelledField.Node) {
        for leaf in node.leaves { cursors[leaf] += 1 }
    }

    private func level(_ levels: [UInt32], at position: Int) -> Int {
        levels.isEmpty ? 0 : Int(levels[position])
    }
}

/// Decodes the pages of one column chunk into its level entries.
private struct ColumnChunkDecoder {
    let column: ParquetColumn
    let codec: Int64
    let valueCount: Int
    var dictionary: [ParquetValue] = []

    mutating func decode(_ chunk: [UInt8]) throws(ParquetError) -> LeafEntries {
        var entries = LeafEntries()
        entries.values.reserveCapacity(valueCount)
        let definitionWidth = LevelEncoder.bitWidth(of: column.maxDefinitionLevel)
        let repetitionWidth = LevelEncoder.bitWidth(of: column.maxRepetitionLevel)
        var offset = 0
        while entries.values.count < valueCount {
            guard offset < chunk.count else { throw .corrupt("column \(column.dottedPath) ends before its \(valueCount) values") }
            var reader = ThriftCompactReader(chunk, at: offset)
            let header = try reader.readStruct()
            let compressedSize = Int(header[3]?.integer ?? 0)
            let uncompressedSize = Int(header[2]?.integer ?? 0)
            let bodyStart = reader.position
            guard compressedSize >= 0, bodyStart + compressedSize <= chunk.count else { throw .corrupt("a page of \(column.dottedPath) runs past its chunk") }
            let body = chunk[bodyStart..<bodyStart + compressedSize]
            offset = bodyStart + compressedSize
            var repetition: [UInt32] = []
            var definition: [UInt32] = []
            let values: ArraySlice<UInt8>
            let encoding: Int64
            switch header[1]?.integer {
            case 2?: // dictionary page
                let data = try decompress(body, size: uncompressedSize)
                let count = Int(header[7]?[1]?.integer ?? 0)
                var plain = PlainDecoder(data[...], column: column)
                dictionary = try (0..<count).map { _ throws(ParquetError) in try plain.next() }
                continue
            case 0?: // data page v1: levels and values compressed together, levels length-prefixed
                let data = try decompress(body, size: uncompressedSize)
                let count = Int(header[5]?[1]?.integer ?? 0)
                var cursor = data.startIndex
                func levels(width: Int) throws(ParquetError) -> [UInt32] {
                    guard cursor + 4 <= data.endIndex else { throw .corrupt("a page of \(column.dottedPath) lacks its levels") }
                    let length = Int(data[cursor]) | Int(data[cursor + 1]) << 8 | Int(data[cursor + 2]) << 16 | Int(data[cursor + 3]) << 24
                    cursor += 4
                    guard length >= 0, cursor + length <= data.endIndex else { throw .corrupt("levels of \(column.dottedPath) run past the page") }
                    var decoder = HybridDecoder(data[cursor..<cursor + length], bitWidth: width)
                    cursor += length
                    return try decoder.decode(count)
                }
                if column.maxRepetitionLevel > 0 { repetition = try levels(width: repetitionWidth) }
                if column.maxDefinitionLevel > 0 { definition = try levels(width: definitionWidth) }
                values = data[cursor...]
                encoding = header[5]?[2]?.integer ?? 0
            case 3?: // data page v2: levels uncompressed, values maybe compressed
                guard let v2 = header[8] else { throw .corrupt("a v2 page without its header") }
                let count = Int(v2[1]?.integer ?? 0)
                let repetitionLength = Int(v2[6]?.integer ?? 0)
                let definitionLength = Int(v2[5]?.integer ?? 0)
                let levelStart = body.startIndex + repetitionLength
                guard repetitionLength >= 0, definitionLength >= 0, levelStart + definitionLength <= body.endIndex else {
                    throw .corrupt("levels of \(column.dottedPath) run past the page")
                }
                if column.maxRepetitionLevel > 0 {
                    var decoder = HybridDecoder(body[body.startIndex..<levelStart], bitWidth: repetitionWidth)
                    repetition = try decoder.decode(count)
                }
                if column.maxDefinitionLevel > 0 {
                    var decoder = HybridDecoder(body[levelStart..<levelStart + definitionLength], bitWidth: definitionWidth)
                    definition = try decoder.decode(count)
                }
                let valueBytes = body[(levelStart + definitionLength)...]
                let isCompressed = v2[7]?.bool ?? true
                values = isCompressed ? try decompress(valueBytes, size: uncompressedSize - repetitionLength - definitionLength)[...] : valueBytes
                encoding = v2[4]?.integer ?? 0
            default:
                continue // index pages and others carry no values
            }
            let count = max(definition.count, repetition.count, column.maxDefinitionLevel == 0 ? Int(header[5]?[1]?.integer ?? header[8]?[1]?.integer ?? 0) : 0)
            let maximum = UInt32(column.maxDefinitionLevel)
            let present = definition.isEmpty ? count : definition.reduce(0) { $0 + ($1 == maximum ? 1 : 0) }
            var decoded = try decodeValues(values, encoding: encoding, count: present).makeIterator()
            if definition.isEmpty {
                while let value = decoded.next() { entries.values.append(value) }
            } else {
                for level in definition { entries.values.append(level == maximum ? decoded.next() : nil) }
            }
            entries.definitionLevels += definition
            entries.repetitionLevels += repetition
        }
        return entries
    }

    /// The page's `present` non-null values.
    private func decodeValues(_ data: ArraySlice<UInt8>, encoding: Int64, count present: Int) throws(ParquetError) -> [ParquetValue] {
        var decoded: [ParquetValue] = []
        switch encoding {
        case 0: // PLAIN
            var plain = PlainDecoder(data, column: column)
            decoded = try (0..<present).map { _ throws(ParquetError) in try plain.next() }
        case 2, 8: // PLAIN_DICTIONARY, RLE_DICTIONARY
            guard let width = data.first else {
                if present == 0 { break }
                throw .corrupt("dictionary indices of \(column.dottedPath) are missing")
            }
            var indices = HybridDecoder(data.dropFirst(), bitWidth: Int(width))
            decoded = try indices.decode(present).map { (index) throws(ParquetError) -> ParquetValue in
                guard Int(index) < dictionary.count else { throw .corrupt("dictionary index \(index) of \(column.dottedPath)") }
                return dictionary[Int(index)]
            }
        case 3 where column.physicalType == .boolean: // RLE booleans: length-prefixed hybrid of width 1
            guard data.count >= 4 else { throw .corrupt("RLE booleans of \(column.dottedPath) lack their length") }
            let start = data.startIndex
            let length = Int(data[start]) | Int(data[start + 1]) << 8 | Int(data[start + 2]) << 16 | Int(data[start + 3]) << 24
            guard start + 4 + length <= data.endIndex else { throw .corrupt("RLE booleans of \(column.dottedPath) run past the page") }
            var bits = HybridDecoder(data[(start + 4)..<(start + 4 + length)], bitWidth: 1)
            decoded = try bits.decode(present).map { .boolean($0 == 1) }
        default:
            throw .unsupported("encoding \(encoding) of column \(column.dottedPath)")
        }
        return decoded
    }

    private func decompress(_ body: ArraySlice<UInt8>, size: Int) throws(ParquetError) -> [UInt8] {
        try PageCompressor.decompress(body, codec: codec, size: size, column: column.dottedPath)
    }
}

/// PLAIN-encoded values of one physical type.
private struct PlainDecoder {
    let data: ArraySlice<UInt8>
    let column: ParquetColumn
    var position: Int
    var bitIndex = 0

    init(_ data: ArraySlice<UInt8>, column: ParquetColumn) {
        self.data = data
        self.column = column
        position = data.startIndex
    }

    mutating func next() throws(ParquetError) -> ParquetValue {
        switch column.physicalType {
        case .boolean:
            let byteIndex = data.startIndex + bitIndex / 8
            guard byteIndex < data.endIndex else { throw .corrupt("booleans of \(column.dottedPath) end early") }
            defer { bitIndex += 1 }
            return .boolean(data[byteIndex] >> UInt8(bitIndex % 8) & 1 == 1)
        case .int32: return .int32(Int32(bitPattern: UInt32(try littleEndian(4))))
        case .int64: return .int64(Int64(bitPattern: try littleEndian(8)))
        case .float: return .float(Float(bitPattern: UInt32(try littleEndian(4))))
        case .double: return .double(Double(bitPattern: try littleEndian(8)))
        case .fixedLengthByteArray:
            let length = Int(column.typeLength ?? 0)
            guard position + length <= data.endIndex else { throw .corrupt("a value of \(column.dottedPath) runs past its page") }
            defer { position += length }
            return .bytes(Array(data[position..<position + length]))
        case .byteArray:
            let length = Int(try littleEndian(4))
            guard position + length <= data.endIndex else { throw .corrupt("a value of \(column.dottedPath) runs past its page") }
            defer { position += length }
            let bytes = data[position..<position + length]
            switch column.logicalType {
            case .string?, .json?: return .string(String(decoding: bytes, as: UTF8.self))
            default: return .bytes(Array(bytes))
            }
        }
    }

    private mutating func littleEndian(_ size: Int) throws(ParquetError) -> UInt64 {
        guard position + size <= data.endIndex else { throw .corrupt("values of \(column.dottedPath) end early") }
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(data[position + index]) << (8 * UInt64(index)) }
        position += size
        return value
    }
}

/// A file opened for reading at offsets.
private struct ReadOnlyFile {
    let path: String
    let size: Int

    init(path: String) throws(ParquetError) {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else { throw .io(path: path, operation: "opening", errno: errno) }
        size = Int(status.st_size)
    }

    func read(at offset: Int, count: Int) throws(ParquetError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= size else { throw .corrupt("\(path): range \(offset)+\(count) past the end") }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .io(path: path, operation: "opening", errno: errno) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "reading", errno: errno)
            }
            guard got > 0 else { throw .corrupt("\(path) is shorter than it says") }
            done += got
        }
        return bytes
    }
}
