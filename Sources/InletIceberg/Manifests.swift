import InletAvro
import InletJSON
import InletParquet

/// The Avro schemas of manifests and manifest lists (Iceberg spec v2), and the records that describe
/// data files and manifests in them.
enum Manifests {
    private static func countMap(_ name: String, keyID: Int32, valueID: Int32, value: AvroSchema) -> AvroSchema {
        .optional(.array(items: .record(name: "k\(keyID)_v\(valueID)", fields: [
            AvroField("key", .int, fieldID: keyID),
            AvroField("value", value, fieldID: valueID),
        ]), logicalType: "map"))
    }

    static func dataFileSchema(partition: AvroSchema) -> AvroSchema { .record(name: "r2", fields: [
        AvroField("content", .int, fieldID: 134),
        AvroField("file_path", .string, fieldID: 100),
        AvroField("file_format", .string, fieldID: 101),
        AvroField("partition", partition, fieldID: 102),
        AvroField("record_count", .long, fieldID: 103),
        AvroField("file_size_in_bytes", .long, fieldID: 104),
        AvroField("column_sizes", countMap("column_sizes", keyID: 117, valueID: 118, value: .long), fieldID: 108, defaultValue: .null),
        AvroField("value_counts", countMap("value_counts", keyID: 119, valueID: 120, value: .long), fieldID: 109, defaultValue: .null),
        AvroField("null_value_counts", countMap("null_value_counts", keyID: 121, valueID: 122, value: .long), fieldID: 110, defaultValue: .null),
        AvroField("lower_bounds", countMap("lower_bounds", keyID: 126, valueID: 127, value: .bytes), fieldID: 125, defaultValue: .null),
        AvroField("upper_bounds", countMap("upper_bounds", keyID: 129, valueID: 130, value: .bytes), fieldID: 128, defaultValue: .null),
        AvroField("split_offsets", .optional(.array(items: .long, elementID: 133)), fieldID: 132, defaultValue: .null),
        AvroField("sort_order_id", .optional(.int), fieldID: 140, defaultValue: .null),
    ]) }

    static func entrySchema(partition: AvroSchema) -> AvroSchema { .record(name: "manifest_entry", fields: [
        AvroField("status", .int, fieldID: 0),
        AvroField("snapshot_id", .optional(.long), fieldID: 1, defaultValue: .null),
        AvroField("sequence_number", .optional(.long), fieldID: 3, defaultValue: .null),
        AvroField("file_sequence_number", .optional(.long), fieldID: 4, defaultValue: .null),
        AvroField("data_file", dataFileSchema(partition: partition), fieldID: 2),
    ]) }

    static let manifestFileSchema = AvroSchema.record(name: "manifest_file", fields: [
        AvroField("manifest_path", .string, fieldID: 500),
        AvroField("manifest_length", .long, fieldID: 501),
        AvroField("partition_spec_id", .int, fieldID: 502),
        AvroField("content", .int, fieldID: 517),
        AvroField("sequence_number", .long, fieldID: 515),
        AvroField("min_sequence_number", .long, fieldID: 516),
        AvroField("added_snapshot_id", .long, fieldID: 503),
        AvroField("added_files_count", .int, fieldID: 504),
        AvroField("existing_files_count", .int, fieldID: 505),
        AvroField("deleted_files_count", .int, fieldID: 506),
        AvroField("added_rows_count", .long, fieldID: 512),
        AvroField("existing_rows_count", .long, fieldID: 513),
        AvroField("deleted_rows_count", .long, fieldID: 514),
        AvroField("partitions", .optional(.array(items: .record(name: "r508", fields: [
            AvroField("contains_null", .boolean, fieldID: 509),
            AvroField("contains_nan", .optional(.boolean), fieldID: 518, defaultValue: .null),
            AvroField("lower_bound", .optional(.bytes), fieldID: 510, defaultValue: .null),
            AvroField("upper_bound", .optional(.bytes), fieldID: 511, defaultValue: .null),
        ]), elementID: 508)), fieldID: 507, defaultValue: .null),
        AvroField("key_metadata", .optional(.bytes), fieldID: 519, defaultValue: .null),
    ])

    /// A manifest entry for a data file this snapshot adds (sequence numbers inherited at read time).
    /// `content` 1 makes it a position-delete file's entry.
    static func addedEntry(_ dataFile: DataFile, snapshotID: Int64, layout: ManifestLayout, content: Int32 = 0) -> AvroValue {
        let file = dataFile.summary
        let sortOrderID = dataFile.sortOrderID
        func counts(_ value: (ParquetColumnSummary) -> Int64) -> AvroValue {
            .union(branch: 1, .array(file.columns.map { .record([.int($0.fieldID), .long(value($0))]) }))
        }
        // Elements of lists and maps get counts but no bounds, as Java's writer does.
        func bounds(_ value: (ParquetColumnSummary) -> ParquetValue?) -> AvroValue {
            .union(branch: 1, .array(file.columns.compactMap { column in
                column.isRepeated ? nil : value(column).map { .record([.int(column.fieldID), .bytes(layout.boundBytes($0, fieldID: column.fieldID))]) }
            }))
        }
        let dataFile = AvroValue.record([
            .int(content), .string(dataFile.path), .string("PARQUET"), layout.partitionRecord(dataFile.partition),
            .long(file.rowCount), .long(file.fileSize),
            counts(\.compressedSize), counts(\.valueCount), counts(\.nullCount),
            bounds(\.minimum), bounds(\.maximum),
            .union(branch: 1, .array(file.rowGroupOffsets.map(AvroValue.long))),
            // Sort orders describe data files only.
            content == 0 ? .union(branch: 1, .int(sortOrderID)) : .union(branch: 0, .null),
        ])
        return .record([.int(1), .union(branch: 1, .long(snapshotID)), .union(branch: 0, .null), .union(branch: 0, .null), dataFile])
    }

    /// The manifest list record of a manifest this snapshot adds.
    static func addedManifest(path: String, length: Int64, sequenceNumber: Int64, snapshotID: Int64, files: [DataFile],
                              layout: ManifestLayout, content: Int32 = 0) -> AvroValue {
        manifestRecord(path: path, length: length, sequenceNumber: sequenceNumber, minSequenceNumber: sequenceNumber, snapshotID: snapshotID,
                       files: (Int32(files.count), 0, 0), rows: (files.reduce(0) { $0 + $1.summary.rowCount }, 0, 0),
                       layout: layout, partitions: files.map(\.partition), content: content)
    }

    /// The manifest list record of a manifest of files this snapshot deletes.
    static func deletedManifest(path: String, length: Int64, sequenceNumber: Int64, snapshotID: Int64,
                                deletedFiles: Int, deletedRows: Int64, layout: ManifestLayout, partitions: [[ParquetValue?]]) -> AvroValue {
        manifestRecord(path: path, length: length, sequenceNumber: sequenceNumber, snapshotID: snapshotID,
                       files: (0, Int32(deletedFiles)), rows: (0, deletedRows), layout: layout, partitions: partitions)
    }

    /// The manifest list record of an earlier manifest rewritten with some of its files deleted.
    static func rewrittenManifest(path: String, length: Int64, sequenceNumber: Int64, minSequenceNumber: Int64, snapshotID: Int64,
                                  existing: (files: Int, rows: Int64), deleted: (files: Int, rows: Int64),
                                  layout: ManifestLayout, partitions: [[ParquetValue?]]) -> AvroValue {
        manifestRecord(path: path, length: length, sequenceNumber: sequenceNumber, minSequenceNumber: minSequenceNumber,
                       snapshotID: snapshotID, files: (0, Int32(existing.files), Int32(deleted.files)), rows: (0, existing.rows, deleted.rows),
                       layout: layout, partitions: partitions)
    }

    private static func manifestRecord(path: String, length: Int64, sequenceNumber: Int64, snapshotID: Int64,
                                       files: (added: Int32, deleted: Int32), rows: (added: Int64, deleted: Int64),
                                       layout: ManifestLayout, partitions: [[ParquetValue?]]) -> AvroValue {
        manifestRecord(path: path, length: length, sequenceNumber: sequenceNumber, minSequenceNumber: sequenceNumber, snapshotID: snapshotID,
                       files: (files.added, 0, files.deleted), rows: (rows.added, 0, rows.deleted), layout: layout, partitions: partitions)
    }

    private static func manifestRecord(path: String, length: Int64, sequenceNumber: Int64, minSequenceNumber: Int64, snapshotID: Int64,
                                       files: (added: Int32, existing: Int32, deleted: Int32),
                                       rows: (added: Int64, existing: Int64, deleted: Int64),
                                       layout: ManifestLayout, partitions: [[ParquetValue?]], content: Int32 = 0) -> AvroValue {
        .record([
            .string(path), .long(length), .int(layout.spec.specID), .int(content), .long(sequenceNumber), .long(minSequenceNumber), .long(snapshotID),
            .int(files.added), .int(files.existing), .int(files.deleted), .long(rows.added), .long(rows.existing), .long(rows.deleted),
            .union(branch: 1, .array(layout.partitionSummaries(partitions))), .union(branch: 0, .null),
        ])
    }

    /// A live entry of an earlier snapshot, marked deleted by `snapshotID`; its sequence numbers are
    /// written out, inherited from its manifest when the entry left them null (spec: inheritance).
    static func deletedEntry(_ entry: AvroValue, from schema: AvroSchema, manifestSequenceNumber: Int64,
                             snapshotID: Int64, layout: ManifestLayout) throws(IcebergError) -> CarriedEntry {
        var carried = try carriedEntry(entry, from: schema, manifestSequenceNumber: manifestSequenceNumber, layout: layout)
        carried.mark(status: 2, snapshotID: snapshotID)
        return carried
    }

    /// A manifest entry of an earlier snapshot in this writer's schema, with explicit sequence numbers.
    struct CarriedEntry {
        var fields: [AvroValue]
        var path: String
        var rows: Int64
        var bytes: Int64
        /// Lower and upper bounds by field id.
        var lowerBounds: [Int32: [UInt8]]
        var upperBounds: [Int32: [UInt8]]
        var isLive: Bool
        /// The file's partition values, in spec order.
        var partition: [ParquetValue?]

        var record: AvroValue { .record(fields) }

        /// The entry with another status (and, for DELETED, the deleting snapshot).
        func with(status: Int32, snapshotID: Int64? = nil) -> AvroValue {
            var copy = self
            copy.mark(status: status, snapshotID: snapshotID)
            return copy.record
        }

        mutating func mark(status: Int32, snapshotID: Int64? = nil) {
            fields[0] = .int(status)
            if let snapshotID { fields[1] = .union(branch: 1, .long(snapshotID)) }
        }
    }

    static func carriedEntry(_ entry: AvroValue, from schema: AvroSchema, manifestSequenceNumber: Int64,
                             layout: ManifestLayout) throws(IcebergError) -> CarriedEntry {
        let converted: AvroValue
        do { converted = try AvroConversion.convert(entry, from: schema, to: layout.entrySchema) } catch {
            throw .invalidMetadata("manifest entry: \(error)")
        }
        guard case .record(var fields) = converted, case .record(let dataFile) = fields[4] else {
            throw .invalidMetadata("a manifest entry without a data file")
        }
        fields[2] = .union(branch: 1, .long(fields[2].longValue ?? manifestSequenceNumber))
        fields[3] = .union(branch: 1, .long(fields[3].longValue ?? manifestSequenceNumber))
        func bounds(_ value: AvroValue) -> [Int32: [UInt8]] {
            guard case .array(let pairs)? = value.unwrapped else { return [:] }
            var result: [Int32: [UInt8]] = [:]
            for case .record(let pair) in pairs where pair.count == 2 {
                if let key = pair[0].longValue, case .bytes(let bytes)? = pair[1].unwrapped { result[Int32(key)] = bytes }
            }
            return result
        }
        return CarriedEntry(fields: fields, path: dataFile[1].stringValue ?? "", rows: dataFile[4].longValue ?? 0,
                            bytes: dataFile[5].longValue ?? 0, lowerBounds: bounds(dataFile[9]), upperBounds: bounds(dataFile[10]),
                            isLive: fields[0].longValue != 2, partition: layout.partitionValues(dataFile[3]))
    }

    /// A manifest list record read from another writer's file, in this writer's schema (by field name).
    static func carried(_ record: AvroValue, schema: AvroSchema) throws(IcebergError) -> AvroValue {
        do {
            return try AvroConversion.convert(record, from: schema, to: manifestFileSchema)
        } catch {
            throw .invalidMetadata("manifest list entry: \(error)")
        }
    }
}
