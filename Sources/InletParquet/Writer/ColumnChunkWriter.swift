/// Buffers one column's values for the current row group: pages of dictionary indices (or PLAIN
/// values once the dictionary grows too big) with their definition and repetition levels, closed and
/// compressed once they reach the page size at a row boundary; the chunk's dictionary; its statistics.
struct ColumnChunkWriter {
    let column: ParquetColumn
    let codec: ParquetCompression
    let pageSize: Int

    /// The closed pages of this row group, headers included.
    private(set) var pages: [UInt8] = []
    private(set) var uncompressedSize: Int64 = 0
    private var pageValues: [UInt8] = []
    private var pageBits: [Bool] = []
    private var pageDefinitionLevels: [UInt8] = []
    private var pageRepetitionLevels: [UInt8] = []
    /// Level entries of the open page: values and nulls (and empty lists).
    private var pageEntryCount = 0
    /// Dictionary encoding, for byte arrays, until the dictionary passes `dictionaryLimit`.
    private var dictionaryIndex: [ParquetValue: UInt32] = [:]
    private var dictionaryValues: [UInt8] = []
    /// Where each dictionary entry starts in `dictionaryValues`.
    private var dictionaryOffsets: [Int] = []
    private var pageIndices: [UInt32] = []
    private var encodesWithDictionary: Bool
    private let usesDictionary: Bool
    private var encodings: Set<Int32> = []
    /// Past this many bytes of dictionary, the chunk's remaining values are written PLAIN.
    let dictionaryLimit: Int
    private(set) var valueCount: Int64 = 0
    private(set) var nullCount: Int64 = 0
    private var minimumValue: ParquetValue?
    private var maximumValue: ParquetValue?
    /// Byte-array bounds stay bytes, compared in place as values arrive.
    private var minimumBytes: [UInt8]?
    private var maximumBytes: [UInt8]?

    var minimum: ParquetValue? { minimumBytes.map(boundValue) ?? minimumValue }
    var maximum: ParquetValue? { maximumBytes.map(boundValue) ?? maximumValue }

    private func boundValue(_ bytes: [UInt8]) -> ParquetValue {
        switch column.logicalType {
        case .string?, .json?: return .string(String(decoding: bytes, as: UTF8.self))
        default: return .bytes(bytes)
        }
    }

    init(column: ParquetColumn, codec: ParquetCompression, pageSize: Int, dictionaryLimit: Int) {
        self.column = column
        self.codec = codec
        self.pageSize = pageSize
        self.dictionaryLimit = dictionaryLimit
        let usesDictionary = dictionaryLimit > 0
        // Strings are where dictionaries pay: numbers compress about as well without one, for less work.
        self.usesDictionary = usesDictionary && column.physicalType == .byteArray
        encodesWithDictionary = self.usesDictionary
    }

    /// Bytes held for this column: closed pages plus the open page.
    var bufferedBytes: Int {
        pages.count + dictionaryValues.count + pageValues.count + pageIndices.count + pageBits.count / 8
            + (pageDefinitionLevels.count + pageRepetitionLevels.count) / 8
    }

    /// Appends a value of a top-level column (nil for null).
    mutating func append(_ value: ParquetValue?) throws(ParquetError) {
        try append(value, definitionLevel: value == nil ? 0 : column.maxDefinitionLevel, repetitionLevel: 0)
    }

    /// Appends one level entry: a value (present exactly when `definitionLevel` is the column's
    /// maximum), or the null or empty list at the level its path is defined to. Pages close only
    /// where a row starts, so no row spans two pages.
    mutating func append(_ value: ParquetValue?, definitionLevel: Int, repetitionLevel: Int) throws(ParquetError) {
        if repetitionLevel == 0, pageEntryCount > 0, openPageBytes >= pageSize { try closePage() }
        valueCount += 1
        pageEntryCount += 1
        if column.maxDefinitionLevel > 0 { pageDefinitionLevels.append(UInt8(definitionLevel)) }
        if column.maxRepetitionLevel > 0 { pageRepetitionLevels.append(UInt8(repetitionLevel)) }
        guard let value else {
            nullCount += 1
            return
        }
        if encodesWithDictionary {
            if let index = dictionaryIndex[value] {
                pageIndices.append(index)
            } else if dictionaryValues.count < dictionaryLimit && !Self.isMostlyDistinct(entries: dictionaryIndex.count, values: valueCount) {
                let index = UInt32(dictionaryIndex.count)
                dictionaryIndex[value] = index
                dictionaryOffsets.append(dictionaryValues.count)
                Self.appendPlain(value, to: &dictionaryValues)
                pageIndices.append(index)
            } else {
                // The dictionary is full: the open page goes on PLAIN, its indices so far spelt out.
                encodesWithDictionary = false
                for index in pageIndices {
                    let start = dictionaryOffsets[Int(index)]
                    let end = Int(index) + 1 < dictionaryOffsets.count ? dictionaryOffsets[Int(index) + 1] : dictionaryValues.count
                    pageValues.append(contentsOf: dictionaryValues[start..<end])
                }
                pageIndices.removeAll(keepingCapacity: true)
            }
        }
        if !encodesWithDictionary {
            appendValue(value)
        }
        updateStatistics(value)
    }

    private var openPageBytes: Int {
        pageValues.count + pageIndices.count * 2 + pageBits.count / 8 + (pageDefinitionLevels.count + pageRepetitionLevels.count) / 4
    }

    /// Past the first thousand values, a dictionary holding more entries than half the values will
    /// not pay for its hashing: the chunk goes on PLAIN.
    private static func isMostlyDistinct(entries: Int, values: Int64) -> Bool {
        values >= 1024 && Int64(entries) * 2 > values
    }

    private static func appendPlain(_ value: ParquetValue, to bytes: inout [UInt8]) {
        switch value {
        case .boolean: break
        case .int32(let number): withUnsafeBytes(of: number.littleEndian) { bytes.append(contentsOf: $0) }
        case .int64(let number): withUnsafeBytes(of: number.littleEndian) { bytes.append(contentsOf: $0) }
        case .float(let number): withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case .double(let number): withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case .string(var text):
            text.withUTF8 { utf8 in
                withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
                bytes.append(contentsOf: utf8)
            }
        case .bytes(let data):
            withUnsafeBytes(of: UInt32(data.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: data)
        case .list, .structure, .map: break
        }
    }

    private mutating func appendValue(_ value: ParquetValue) {
        switch value {
        case .boolean(let flag): pageBits.append(flag)
        case .int32(let number): withUnsafeBytes(of: number.littleEndian) { pageValues.append(contentsOf: $0) }
        case .int64(let number): withUnsafeBytes(of: number.littleEndian) { pageValues.append(contentsOf: $0) }
        case .float(let number): withUnsafeBytes(of: number.bitPattern.littleEndian) { pageValues.append(contentsOf: $0) }
        case .double(let number): withUnsafeBytes(of: number.bitPattern.littleEndian) { pageValues.append(contentsOf: $0) }
        case .string(let text):
            var text = text
            text.withUTF8 { appendByteArray($0) }
        case .bytes(let bytes):
            bytes.withUnsafeBufferPointer { appendByteArray($0) }
        case .list, .structure, .map: break
        }
    }

    private mutating func updateStatistics(_ value: ParquetValue) {
        switch value {
        case .string(var text):
            text.withUTF8 { updateByteBounds($0) }
        case .bytes(let bytes):
            bytes.withUnsafeBufferPointer { updateByteBounds($0) }
        default:
            guard !value.isNaN else { return }
            if let low = minimumValue, let high = maximumValue {
                if value.precedes(low) { minimumValue = value } else if high.precedes(value) { maximumValue = value }
            } else {
                minimumValue = value
                maximumValue = value
            }
        }
    }

    private mutating func appendByteArray(_ bytes: UnsafeBufferPointer<UInt8>) {
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { pageValues.append(contentsOf: $0) }
        pageValues.append(contentsOf: bytes)
    }

    private mutating func updateByteBounds(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let low = minimumBytes, let high = maximumBytes {
            if ParquetValue.bytesPrecede(bytes, low) {
                minimumBytes = Array(bytes)
            } else if high.withUnsafeBufferPointer({ ParquetValue.bytesPrecede($0, bytes) }) {
                maximumBytes = Array(bytes)
            }
        } else {
            minimumBytes = Array(bytes)
            maximumBytes = minimumBytes
        }
    }

    /// Closes the open page, if it holds any rows.
    mutating func closePage() throws(ParquetError) {
        guard pageEntryCount > 0 else { return }
        var body: [UInt8] = []
        // Repetition levels, then definition levels, each length-prefixed (data page v1).
        for (levels, maximum) in [(pageRepetitionLevels, column.maxRepetitionLevel), (pageDefinitionLevels, column.maxDefinitionLevel)]
        where maximum > 0 {
            let encoded = LevelEncoder.encode(levels, bitWidth: LevelEncoder.bitWidth(of: maximum))
            withUnsafeBytes(of: UInt32(encoded.count).littleEndian) { body.append(contentsOf: $0) }
            body.append(contentsOf: encoded)
        }
        let encoding: ParquetEncoding
        if !pageIndices.isEmpty {
            // Indices into the chunk's dictionary: their bit width, then the hybrid encoding.
            let width = LevelEncoder.bitWidth(of: dictionaryIndex.count - 1)
            body.append(UInt8(width))
            body.append(contentsOf: LevelEncoder.encode(pageIndices, bitWidth: width))
            encoding = .rleDictionary
        } else if column.physicalType == .boolean {
            // PLAIN booleans are bit-packed, least significant bit first.
            var byte: UInt8 = 0
            for (index, bit) in pageBits.enumerated() {
                if bit { byte |= 1 << UInt8(index % 8) }
                if index % 8 == 7 { body.append(byte); byte = 0 }
            }
            if pageBits.count % 8 != 0 { body.append(byte) }
            encoding = .plain
        } else {
            body.append(contentsOf: pageValues)
            encoding = .plain
        }
        encodings.insert(encoding.rawValue)
        let compressed = try PageCompressor.compress(body, with: codec)
        let header = PageHeader(type: .dataPage, uncompressedSize: Int32(body.count), compressedSize: Int32(compressed.count),
                                valueCount: Int32(pageEntryCount), encoding: encoding)
        var writer = ThriftCompactWriter()
        writer.writeStruct { header.write(to: &$0) }
        pages.append(contentsOf: writer.bytes)
        pages.append(contentsOf: compressed)
        uncompressedSize += Int64(writer.bytes.count + body.count)
        pageValues.removeAll(keepingCapacity: true)
        pageIndices.removeAll(keepingCapacity: true)
        pageBits.removeAll(keepingCapacity: true)
        pageDefinitionLevels.removeAll(keepingCapacity: true)
        pageRepetitionLevels.removeAll(keepingCapacity: true)
        pageEntryCount = 0
    }

    var statistics: ColumnStatistics {
        ColumnStatistics(nullCount: nullCount, minimum: minimum?.singleValueBytes, maximum: maximum?.singleValueBytes)
    }

    /// The chunk as it goes into the file: the dictionary page (if any values were dictionary
    /// encoded), then the data pages; with where the data pages start and the encodings used.
    mutating func finishChunk() throws(ParquetError) -> (bytes: [UInt8], dataPageStart: Int, encodings: [ParquetEncoding]) {
        try closePage()
        var bytes: [UInt8] = []
        if !dictionaryIndex.isEmpty {
            let compressed = try PageCompressor.compress(dictionaryValues, with: codec)
            let header = PageHeader(type: .dictionaryPage, uncompressedSize: Int32(dictionaryValues.count),
                                    compressedSize: Int32(compressed.count), valueCount: Int32(dictionaryIndex.count), encoding: .plain)
            var writer = ThriftCompactWriter()
            writer.writeStruct { header.write(to: &$0) }
            bytes = writer.bytes + compressed
            uncompressedSize += Int64(writer.bytes.count + dictionaryValues.count)
            encodings.insert(ParquetEncoding.plain.rawValue)
        }
        let dataPageStart = bytes.count
        bytes += pages
        encodings.insert(ParquetEncoding.rle.rawValue)
        return (bytes, dataPageStart, encodings.sorted().compactMap(ParquetEncoding.init(rawValue:)))
    }

    /// Starts the next row group's chunk.
    mutating func reset() {
        pages.removeAll(keepingCapacity: true)
        dictionaryIndex.removeAll(keepingCapacity: true)
        dictionaryValues.removeAll(keepingCapacity: true)
        dictionaryOffsets.removeAll(keepingCapacity: true)
        encodesWithDictionary = usesDictionary
        encodings.removeAll(keepingCapacity: true)
        uncompressedSize = 0
        valueCount = 0
        nullCount = 0
        minimumValue = nil
        maximumValue = nil
        minimumBytes = nil
        maximumBytes = nil
    }
}
