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
    /// The open page's PLAIN values: byte arrays length-prefixed, fixed-width numbers as their bits
    /// (little-endian in memory, as the format stores them).
    private var pageValues: [UInt8] = []
    private var pageWords: [UInt64] = []
    private var pageHalfWords: [UInt32] = []
    private var pageBits: [Bool] = []
    private var pageDefinitionLevels: [UInt8] = []
    private var pageRepetitionLevels: [UInt8] = []
    /// Level entries of the open page: values and nulls (and empty lists).
    private var pageEntryCount = 0
    /// Bytes of the open page's values, kept as they arrive (dictionary indices count two).
    private var pageValueBytes = 0
    /// Dictionary encoding, for byte arrays, until the dictionary passes `dictionaryLimit`.
    private var dictionary = ByteArrayDictionary()
    private var pageIndices: [UInt32] = []
    private var encodesWithDictionary: Bool
    private let usesDictionary: Bool
    private var encodings: Set<Int32> = []
    /// Past this many bytes of dictionary, the chunk's remaining values are written PLAIN.
    let dictionaryLimit: Int
    private(set) var valueCount: Int64 = 0
    private(set) var nullCount: Int64 = 0
    /// Bounds kept in the type they compare in, updated in place as values arrive.
    private var integerBounds: (low: Int64, high: Int64)?
    private var floatingBounds: (low: Double, high: Double)?
    private var booleanBounds: (low: Bool, high: Bool)?
    private var minimumBytes: [UInt8]?
    private var maximumBytes: [UInt8]?

    var minimum: ParquetValue? { bound(low: true) }
    var maximum: ParquetValue? { bound(low: false) }

    private func bound(low: Bool) -> ParquetValue? {
        switch column.physicalType {
        case .boolean: return booleanBounds.map { .boolean(low ? $0.low : $0.high) }
        case .int32: return integerBounds.map { .int32(Int32(truncatingIfNeeded: low ? $0.low : $0.high)) }
        case .int64: return integerBounds.map { .int64(low ? $0.low : $0.high) }
        case .float: return floatingBounds.map { .float(Float(low ? $0.low : $0.high)) }
        case .double: return floatingBounds.map { .double(low ? $0.low : $0.high) }
        case .byteArray, .fixedLengthByteArray:
            guard let bytes = low ? minimumBytes : maximumBytes else { return nil }
            switch column.logicalType {
            case .string?, .json?: return .string(String(decoding: bytes, as: UTF8.self))
            default: return .bytes(bytes)
            }
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
        pages.count + dictionary.encoded.count + openPageBytes
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
        switch value {
        case .boolean(let flag):
            pageBits.append(flag)
            pageValueBytes += 1
            booleanBounds = booleanBounds.map { (low: $0.low && flag, high: $0.high || flag) } ?? (flag, flag)
        case .int32(let number):
            pageHalfWords.append(UInt32(bitPattern: number).littleEndian)
            pageValueBytes += 4
            updateIntegerBounds(Int64(number))
        case .int64(let number):
            pageWords.append(UInt64(bitPattern: number).littleEndian)
            pageValueBytes += 8
            updateIntegerBounds(number)
        case .float(let number):
            pageHalfWords.append(number.bitPattern.littleEndian)
            pageValueBytes += 4
            if !number.isNaN { updateFloatingBounds(Double(number)) }
        case .double(let number):
            pageWords.append(number.bitPattern.littleEndian)
            pageValueBytes += 8
            if !number.isNaN { updateFloatingBounds(number) }
        case .string(var text):
            text.withUTF8 { appendByteArray($0) }
        case .bytes(let bytes):
            bytes.withUnsafeBufferPointer { appendByteArray($0) }
        case .list, .structure, .map:
            break
        }
    }

    private mutating func updateIntegerBounds(_ number: Int64) {
        if let bounds = integerBounds {
            if number < bounds.low { integerBounds!.low = number } else if number > bounds.high { integerBounds!.high = number }
        } else {
            integerBounds = (number, number)
        }
    }

    private mutating func updateFloatingBounds(_ number: Double) {
        if let bounds = floatingBounds {
            if number < bounds.low { floatingBounds!.low = number } else if number > bounds.high { floatingBounds!.high = number }
        } else {
            floatingBounds = (number, number)
        }
    }

    /// A byte array: a dictionary index while the dictionary pays and has room, else PLAIN.
    private mutating func appendByteArray(_ bytes: UnsafeBufferPointer<UInt8>) {
        // A value found in the dictionary was seen before in this chunk: the bounds already allow
        // for it, so only new entries and PLAIN values are compared with them.
        if encodesWithDictionary {
            let (found, hash) = dictionary.find(bytes)
            if let index = found {
                pageIndices.append(index)
                pageValueBytes += 2
                return
            }
            updateByteBounds(bytes)
            if dictionary.encoded.count < dictionaryLimit && !Self.isMostlyDistinct(entries: dictionary.count, values: valueCount) {
                pageIndices.append(dictionary.add(bytes, hash: hash))
                pageValueBytes += 2
                return
            }
            // The dictionary is full: the open page goes on PLAIN, its indices so far spelt out.
            encodesWithDictionary = false
            for index in pageIndices { pageValues.append(contentsOf: dictionary.plainEncoding(of: Int(index))) }
            pageIndices.removeAll(keepingCapacity: true)
            pageValueBytes = pageValues.count
        } else {
            updateByteBounds(bytes)
        }
        // Fixed-length values go without a length.
        if column.physicalType == .byteArray {
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { pageValues.append(contentsOf: $0) }
            pageValueBytes += 4
        }
        pageValues.append(contentsOf: bytes)
        pageValueBytes += bytes.count
    }

    private var openPageBytes: Int { pageValueBytes + pageEntryCount / 4 }

    /// Past the first thousand values, a dictionary holding more entries than half the values will
    /// not pay for its hashing: the chunk goes on PLAIN.
    private static func isMostlyDistinct(entries: Int, values: Int64) -> Bool {
        values >= 1024 && Int64(entries) * 2 > values
    }

    private mutating func updateByteBounds(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let low = minimumBytes, let high = maximumBytes {
            if precedes(bytes, low) {
                minimumBytes = Array(bytes)
            } else if high.withUnsafeBufferPointer({ precedes($0, bytes) }) {
                maximumBytes = Array(bytes)
            }
        } else {
            minimumBytes = Array(bytes)
            maximumBytes = minimumBytes
        }
    }

    private func precedes(_ left: UnsafeBufferPointer<UInt8>, _ right: [UInt8]) -> Bool {
        right.withUnsafeBufferPointer { precedes(left, $0) }
    }

    /// Byte arrays compare as unsigned bytes; big-endian decimals of one length, as signed numbers.
    private func precedes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        if case .decimal? = column.logicalType, let first = left.first, let other = right.first, (first ^ other) & 0x80 != 0 {
            return first & 0x80 != 0
        }
        return ParquetValue.bytesPrecede(left, right)
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
            let width = LevelEncoder.bitWidth(of: dictionary.count - 1)
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
            pageWords.withUnsafeBytes { body.append(contentsOf: $0) }
            pageHalfWords.withUnsafeBytes { body.append(contentsOf: $0) }
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
        pageWords.removeAll(keepingCapacity: true)
        pageHalfWords.removeAll(keepingCapacity: true)
        pageIndices.removeAll(keepingCapacity: true)
        pageBits.removeAll(keepingCapacity: true)
        pageDefinitionLevels.removeAll(keepingCapacity: true)
        pageRepetitionLevels.removeAll(keepingCapacity: true)
        pageEntryCount = 0
        pageValueBytes = 0
    }

    var statistics: ColumnStatistics {
        ColumnStatistics(nullCount: nullCount, minimum: minimum?.singleValueBytes, maximum: maximum?.singleValueBytes)
    }

    /// The chunk as it goes into the file: the dictionary page (if any values were dictionary
    /// encoded), then the data pages; with where the data pages start and the encodings used.
    mutating func finishChunk() throws(ParquetError) -> (bytes: [UInt8], dataPageStart: Int, encodings: [ParquetEncoding]) {
        try closePage()
        var bytes: [UInt8] = []
        if !dictionary.isEmpty {
            let compressed = try PageCompressor.compress(dictionary.encoded, with: codec)
            let header = PageHeader(type: .dictionaryPage, uncompressedSize: Int32(dictionary.encoded.count),
                                    compressedSize: Int32(compressed.count), valueCount: Int32(dictionary.count), encoding: .plain)
            var writer = ThriftCompactWriter()
            writer.writeStruct { header.write(to: &$0) }
            bytes = writer.bytes + compressed
            uncompressedSize += Int64(writer.bytes.count + dictionary.encoded.count)
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
        dictionary.removeAll()
        encodesWithDictionary = usesDictionary
        encodings.removeAll(keepingCapacity: true)
        uncompressedSize = 0
        valueCount = 0
        nullCount = 0
        integerBounds = nil
        floatingBounds = nil
        booleanBounds = nil
        minimumBytes = nil
        maximumBytes = nil
    }
}
