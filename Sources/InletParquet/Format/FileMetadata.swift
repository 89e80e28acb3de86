/// The footer structures of a Parquet file, as `parquet.thrift` defines them, reduced to the fields
/// this writer sets.

enum ParquetEncoding: Int32 {
    case plain = 0
    case rle = 3
    case rleDictionary = 8
}

enum ParquetPageType: Int32 {
    case dataPage = 0
    case dictionaryPage = 2
}

struct ColumnStatistics {
    var nullCount: Int64
    /// PLAIN-encoded single values; nil when the column chunk has no non-null value.
    var minimum: [UInt8]?
    var maximum: [UInt8]?

    func write(to writer: inout ThriftCompactWriter) {
        writer.field(3, nullCount)
        if let maximum { writer.field(5, binary: maximum) }
        if let minimum { writer.field(6, binary: minimum) }
    }
}

struct PageHeader {
    var type: ParquetPageType
    var uncompressedSize: Int32
    var compressedSize: Int32
    var valueCount: Int32
    var encoding: ParquetEncoding

    func write(to writer: inout ThriftCompactWriter) {
        writer.field(1, type.rawValue)
        writer.field(2, uncompressedSize)
        writer.field(3, compressedSize)
        switch type {
        case .dataPage:
            writer.field(5) { header in
                header.field(1, valueCount)
                header.field(2, encoding.rawValue)
                header.field(3, ParquetEncoding.rle.rawValue)   // definition levels
                header.field(4, ParquetEncoding.rle.rawValue)   // repetition levels
            }
        case .dictionaryPage:
            writer.field(7) { header in
                header.field(1, valueCount)
                header.field(2, ParquetEncoding.plain.rawValue)
            }
        }
    }
}

struct ColumnChunkMetadata {
    var column: ParquetColumn
    var encodings: [ParquetEncoding]
    var codec: ParquetCompression
    var valueCount: Int64
    var uncompressedSize: Int64
    var compressedSize: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?
    var statistics: ColumnStatistics

    var fileOffset: Int64 { dictionaryPageOffset ?? dataPageOffset }

    func write(to writer: inout ThriftCompactWriter) {
        writer.field(2, fileOffset)
        writer.field(3) { metadata in
            metadata.field(1, column.physicalType.rawValue)
            metadata.field(2, i32s: encodings.map(\.rawValue))
            metadata.field(3, strings: column.path)
            metadata.field(4, codec.rawValue)
            metadata.field(5, valueCount)
            metadata.field(6, uncompressedSize)
            metadata.field(7, compressedSize)
            metadata.field(9, dataPageOffset)
            if let dictionaryPageOffset { metadata.field(11, dictionaryPageOffset) }
            metadata.field(12) { statistics.write(to: &$0) }
        }
    }
}

struct RowGroupMetadata {
    var columns: [ColumnChunkMetadata]
    var rowCount: Int64

    func write(to writer: inout ThriftCompactWriter) {
        writer.field(1, structs: columns) { $1.write(to: &$0) }
        writer.field(2, columns.reduce(0) { $0 + $1.uncompressedSize })
        writer.field(3, rowCount)
        if let first = columns.first { writer.field(5, first.fileOffset) }
        writer.field(6, columns.reduce(0) { $0 + $1.compressedSize })
    }
}

struct FileMetadata {
    var fields: [ParquetField]
    var columns: [ParquetColumn]
    var rowCount: Int64
    var rowGroups: [RowGroupMetadata]
    var keyValueMetadata: [(String, String)]
    var createdBy: String

    func serialized() -> [UInt8] {
        var writer = ThriftCompactWriter()
        writer.writeStruct { file in
            file.field(1, Int32(1))
            // The root group, then the fields' elements depth first.
            let root = SchemaElement(name: "schema", childCount: fields.count)
            file.field(2, structs: [root] + fields.flatMap { $0.schemaElements() }) { $1.write(to: &$0) }
            file.field(3, rowCount)
            file.field(4, structs: rowGroups) { $1.write(to: &$0) }
            if !keyValueMetadata.isEmpty {
                file.field(5, structs: keyValueMetadata) { entry, pair in
                    entry.field(1, pair.0)
                    entry.field(2, pair.1)
                }
            }
            file.field(6, createdBy)
            // TypeDefinedOrder for every column: without it readers ignore string min/max.
            file.field(7, structs: columns) { order, _ in order.field(1, structure: { _ in }) }
        }
        return writer.bytes
    }
}
