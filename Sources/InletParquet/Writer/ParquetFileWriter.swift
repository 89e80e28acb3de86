/// Writes one Parquet file row by row, a row group at a time: memory holds at most one row group's
/// pages. `close()` writes the footer and returns what an Iceberg manifest needs to know of the file.
public struct ParquetFileWriter {
    public struct Options: Sendable {
        public var compression: ParquetCompression
        /// A row group is closed once its pages reach this many bytes.
        public var rowGroupBytes: Int
        /// A page is closed once its values reach this many bytes.
        public var pageBytes: Int
        /// Values are dictionary encoded until a chunk's dictionary reaches this many bytes (0: never).
        public var dictionaryBytes: Int
        public var keyValueMetadata: [(String, String)]

        public init(compression: ParquetCompression = .zstd, rowGroupBytes: Int = 128 << 20, pageBytes: Int = 1 << 20,
                    dictionaryBytes: Int = 1 << 20, keyValueMetadata: [(String, String)] = []) {
            self.compression = compression
            self.rowGroupBytes = rowGroupBytes
            self.pageBytes = pageBytes
            self.dictionaryBytes = dictionaryBytes
            self.keyValueMetadata = keyValueMetadata
        }
    }

    /// The file's top-level fields.
    public let fields: [ParquetField]
    /// Its primitive columns, depth first: one per top-level field when all are primitive.
    public let columns: [ParquetColumn]
    private let options: Options
    private var output: FileOutput
    private var chunks: [ColumnChunkWriter]
    /// How each top-level field is written, apart from the chunk writers so that checking a row
    /// copies nothing: a primitive straight into its column, a nested field shredded along its
    /// entry of `nestedFields`.
    private let plans: [FieldPlan]
    private let nestedFields: [LevelledField]
    private var rowGroups: [RowGroupMetadata] = []
    private var rowsInGroup: Int64 = 0
    private var totalRows: Int64 = 0
    private var fileStatistics: [ParquetColumnSummary]
    private var isClosed = false

    private static let magic: [UInt8] = Array("PAR1".utf8)

    /// A file of top-level primitive columns.
    public init(path: String, columns: [ParquetColumn], options: Options = Options()) throws(ParquetError) {
        try self.init(path: path, fields: columns.map(ParquetField.init), options: options)
    }

    public init(path: String, fields: [ParquetField], options: Options = Options()) throws(ParquetError) {
        self.fields = fields
        self.options = options
        var nestedFields: [LevelledField] = []
        var columns: [ParquetColumn] = []
        var plans: [FieldPlan] = []
        for field in fields {
            if case .primitive(let type, _) = field.kind {
                plans.append(FieldPlan(leaf: columns.count, physicalType: type, typeLength: field.typeLength, isRequired: field.isRequired, nested: nil))
            } else {
                plans.append(FieldPlan(leaf: columns.count, physicalType: .boolean, isRequired: field.isRequired, nested: nestedFields.count))
                nestedFields.append(LevelledField(field, firstLeaf: columns.count))
            }
            columns += field.leaves
        }
        self.columns = columns
        self.plans = plans
        self.nestedFields = nestedFields
        output = try FileOutput(creating: path)
        chunks = columns.map {
            ColumnChunkWriter(column: $0, codec: options.compression, pageSize: options.pageBytes, dictionaryLimit: options.dictionaryBytes)
        }
        fileStatistics = columns.map { ParquetColumnSummary(fieldID: $0.fieldID, isRepeated: $0.maxRepetitionLevel > 0) }
        try output.write(Self.magic)
    }

    /// Appends one row: a value (or nil for null) per top-level field, in field order.
    public mutating func write(row: [ParquetValue?]) throws(ParquetError) {
        guard !isClosed else { throw .closed }
        guard row.count == fields.count else { throw .rowWidth(expected: fields.count, got: row.count) }
        // The whole row is checked before any of it is written, so a refused row leaves no trace.
        // (Values are read in place through buffers: copying each out would cost a retain and a release.)
        try row.withUnsafeBufferPointer { (values) throws(ParquetError) in
            for index in values.indices {
                let plan = plans[index]
                if let nested = plan.nested {
                    try nestedFields[nested].check(values[index])
                } else if !values[index].fits(plan.physicalType) || plan.typeLength != nil {
                    guard let value = values[index] else { continue }
                    try value.check(plan.physicalType, length: plan.typeLength, column: fields[index].name)
                } else if plan.isRequired && values[index] == nil {
                    throw .missingRequiredValue(column: fields[index].name)
                }
            }
            try chunks.withUnsafeMutableBufferPointer { (chunks) throws(ParquetError) in
                for index in values.indices {
                    let plan = plans[index]
                    if let nested = plan.nested {
                        try nestedFields[nested].shred(values[index], repetitionLevel: 0, into: &chunks)
                    } else {
                        try chunks[plan.leaf].append(values[index])
                    }
                }
            }
        }
        rowsInGroup += 1
        totalRows += 1
        if rowsInGroup % 1024 == 0, bufferedBytes >= options.rowGroupBytes {
            try closeRowGroup()
        }
    }

    private var bufferedBytes: Int {
        var total = 0
        for index in chunks.indices { total += chunks[index].bufferedBytes }
        return total
    }

    /// Writes the last row group and the footer, then closes the file.
    public mutating func close() throws(ParquetError) -> ParquetFileSummary {
        guard !isClosed else { throw .closed }
        if rowsInGroup > 0 || rowGroups.isEmpty { try closeRowGroup() }
        let footer = FileMetadata(fields: fields, columns: columns, rowCount: totalRows, rowGroups: rowGroups,
                                  keyValueMetadata: options.keyValueMetadata, createdBy: "inlet").serialized()
        try output.write(footer)
        try output.write(withUnsafeBytes(of: UInt32(footer.count).littleEndian, Array.init))
        try output.write(Self.magic)
        try output.close()
        isClosed = true
        return ParquetFileSummary(path: output.path, rowCount: totalRows, fileSize: output.position,
                                  rowGroupOffsets: rowGroups.compactMap { $0.columns.first?.fileOffset }, columns: fileStatistics)
    }

    private mutating func closeRowGroup() throws(ParquetError) {
        var metadata: [ColumnChunkMetadata] = []
        for index in chunks.indices {
            let finished = try chunks[index].finishChunk()
            let chunk = chunks[index]
            let offset = output.position
            try output.write(finished.bytes)
            metadata.append(ColumnChunkMetadata(
                column: chunk.column, encodings: finished.encodings, codec: options.compression, valueCount: chunk.valueCount,
                uncompressedSize: chunk.uncompressedSize, compressedSize: Int64(finished.bytes.count),
                dataPageOffset: offset + Int64(finished.dataPageStart),
                dictionaryPageOffset: finished.dataPageStart > 0 ? offset : nil, statistics: chunk.statistics))
            fileStatistics[index].add(chunk, compressedSize: Int64(finished.bytes.count))
            chunks[index].reset()
        }
        rowGroups.append(RowGroupMetadata(columns: metadata, rowCount: rowsInGroup))
        rowsInGroup = 0
    }
}

/// How the writer puts one top-level field into its columns.
private struct FieldPlan {
    /// The field's first column.
    var leaf: Int
    var physicalType: ParquetPhysicalType
    var typeLength: Int32? = nil
    var isRequired: Bool
    /// For a list, struct or map: its position among the writer's nested fields.
    var nested: Int?
}

/// What a finished file holds, for the table's manifest: counts, sizes and bounds per column.
public struct ParquetFileSummary: Sendable {
    public var path: String
    public var rowCount: Int64
    public var fileSize: Int64
    /// Where each row group starts (Iceberg's `split_offsets`).
    public var rowGroupOffsets: [Int64]
    public var columns: [ParquetColumnSummary]
}

public struct ParquetColumnSummary: Sendable {
    public var fieldID: Int32
    /// Whether the column lies inside a list or map (its counts are of elements, not rows).
    public var isRepeated: Bool
    public var compressedSize: Int64 = 0
    public var valueCount: Int64 = 0
    public var nullCount: Int64 = 0
    public var minimum: ParquetValue?
    public var maximum: ParquetValue?

    init(fieldID: Int32, isRepeated: Bool) {
        self.fieldID = fieldID
        self.isRepeated = isRepeated
    }

    mutating func add(_ chunk: ColumnChunkWriter, compressedSize chunkSize: Int64) {
        compressedSize += chunkSize
        valueCount += chunk.valueCount
        nullCount += chunk.nullCount
        if let low = chunk.minimum, minimum.map({ low.precedes($0) }) ?? true { minimum = low }
        if let high = chunk.maximum, maximum.map({ $0.precedes(high) }) ?? true { maximum = high }
    }
}
