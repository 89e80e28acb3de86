/// Buffers one column's values for the current row group: pages of PLAIN values with definition
/// levels, closed and compressed once they reach the page size, and the chunk's statistics.
struct ColumnChunkWriter {
    let column: ParquetColumn
    let codec: ParquetCompression
    let pageSize: Int

    /// The closed pages of this row group, headers included.
    private(set) var pages: [UInt8] = []
    private(set) var uncompressedSize: Int64 = 0
    private var pageValues: [UInt8] = []
    private var pageBits: [Bool] = []
    private var pageLevels: [UInt8] = []
    private var pageRowCount = 0
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

    init(column: ParquetColumn, codec: ParquetCompression, pageSize: Int) {
        self.column = column
        self.codec = codec
        self.pageSize = pageSize
    }

    /// Bytes held for this column: closed pages plus the open page.
    var bufferedBytes: Int { pages.count + pageValues.count + pageBits.count / 8 + pageLevels.count / 8 }


    /// Appends a value that passed `check`.
    mutating func append(_ value: ParquetValue?) throws(ParquetError) {
        valueCount += 1
        pageRowCount += 1
        guard let value else {
            nullCount += 1
            pageLevels.append(0)
            return
        }
        if !column.isRequired { pageLevels.append(1) }
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
        }
        if column.physicalType != .byteArray && !value.isNaN {
            if let low = minimumValue, let high = maximumValue {
                if value.precedes(low) { minimumValue = value } else if high.precedes(value) { maximumValue = value }
            } else {
                minimumValue = value
                maximumValue = value
            }
        }
        if pageValues.count + pageBits.count / 8 >= pageSize { try closePage() }
    }

    private mutating func appendByteArray(_ bytes: UnsafeBufferPointer<UInt8>) {
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { pageValues.append(contentsOf: $0) }
        pageValues.append(contentsOf: bytes)
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
        guard pageRowCount > 0 else { return }
        var body: [UInt8] = []
        if !column.isRequired {
            let levels = LevelEncoder.encode(pageLevels)
            withUnsafeBytes(of: UInt32(levels.count).littleEndian) { body.append(contentsOf: $0) }
            body.append(contentsOf: levels)
        }
        if column.physicalType == .boolean {
            // PLAIN booleans are bit-packed, least significant bit first.
            var byte: UInt8 = 0
            for (index, bit) in pageBits.enumerated() {
                if bit { byte |= 1 << UInt8(index % 8) }
                if index % 8 == 7 { body.append(byte); byte = 0 }
            }
            if pageBits.count % 8 != 0 { body.append(byte) }
        } else {
            body.append(contentsOf: pageValues)
        }
        let compressed = try PageCompressor.compress(body, with: codec)
        let header = PageHeader(type: .dataPage, uncompressedSize: Int32(body.count), compressedSize: Int32(compressed.count),
                                valueCount: Int32(pageRowCount), encoding: .plain)
        var writer = ThriftCompactWriter()
        writer.writeStruct { header.write(to: &$0) }
        pages.append(contentsOf: writer.bytes)
        pages.append(contentsOf: compressed)
        uncompressedSize += Int64(writer.bytes.count + body.count)
        pageValues.removeAll(keepingCapacity: true)
        pageBits.removeAll(keepingCapacity: true)
        pageLevels.removeAll(keepingCapacity: true)
        pageRowCount = 0
    }

    var statistics: ColumnStatistics {
        ColumnStatistics(nullCount: nullCount, minimum: minimum?.singleValueBytes, maximum: maximum?.singleValueBytes)
    }

    /// Starts the next row group's chunk.
    mutating func reset() {
        pages.removeAll(keepingCapacity: true)
        uncompressedSize = 0
        valueCount = 0
        nullCount = 0
        minimumValue = nil
        maximumValue = nil
        minimumBytes = nil
        maximumBytes = nil
    }
}
