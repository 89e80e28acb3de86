import Foundation
import InletAvro
public import InletJSON
public import InletParquet

/// A table of a catalog, at the metadata it was loaded or last committed with.
public struct IcebergTable: Sendable {
    public let catalog: any IcebergCatalog
    /// Where the table's files are read and written.
    public let storage: any TableStorage
    public let namespace: String
    public let name: String
    public private(set) var metadata: TableMetadata
    public private(set) var metadataLocation: String
    /// How often a commit is rebuilt on a newer table state after losing a race.
    public var commitAttempts = 10

    /// After losing a race: waits a random while that grows with each loss (so writers that keep
    /// colliding spread out), then takes the table as the winner left it.
    mutating func reloadAfterLostRace(attempt: Int) throws(IcebergError) {
        let ceiling = min(0.025 * Double(1 << min(attempt, 10)), 2.0)
        Thread.sleep(forTimeInterval: Double.random(in: 0...ceiling))
        let reloaded = try catalog.loadTable(namespace: namespace, name: name)
        metadata = reloaded.metadata
        metadataLocation = reloaded.metadataLocation
    }

    public init(catalog: any IcebergCatalog, namespace: String, name: String, metadata: TableMetadata, metadataLocation: String,
                storage: (any TableStorage)? = nil) {
        self.catalog = catalog
        self.storage = storage ?? catalog.storage
        self.namespace = namespace
        self.name = name
        self.metadata = metadata
        self.metadataLocation = metadataLocation
    }

    /// The Parquet fields of the current schema, with their field ids.
    public var parquetFields: [ParquetField] {
        get throws(IcebergError) { try metadata.currentSchema.fields.map(Self.parquetField) }
    }

    static func parquetField(_ field: IcebergField) -> ParquetField {
        ParquetField(name: field.name, fieldID: field.id, isRequired: field.isRequired, kind: parquetKind(field.type),
                     typeLength: fixedLength(of: field.type))
    }

    /// The byte length of a type stored as a FIXED_LEN_BYTE_ARRAY.
    private static func fixedLength(of type: IcebergType) -> Int32? {
        switch type {
        case .uuid: return 16
        case .fixed(let length): return length
        case .decimal(let precision, _) where precision > 18: return decimalBytes(precision: precision)
        default: return nil
        }
    }

    /// The fewest bytes whose two's complement holds every number of `precision` digits.
    public static func decimalBytes(precision: Int32) -> Int32 {
        var bytes: Int32 = 1
        // 2^(8·bytes − 1) must exceed 10^precision − 1, i.e. (8·bytes − 1)·log10(2) ≥ precision.
        while Double(8 * bytes - 1) * 0.301_029_995_663_981_2 < Double(precision) { bytes += 1 }
        return bytes
    }

    private static func parquetKind(_ type: IcebergType) -> ParquetField.Kind {
        switch type {
        case .boolean: return .primitive(.boolean, nil)
        case .int: return .primitive(.int32, nil)
        case .long: return .primitive(.int64, nil)
        case .float: return .primitive(.float, nil)
        case .double: return .primitive(.double, nil)
        case .date: return .primitive(.int32, .date)
        case .timestamp: return .primitive(.int64, .timestampMicros(adjustedToUTC: false))
        case .timestamptz: return .primitive(.int64, .timestampMicros(adjustedToUTC: true))
        case .string: return .primitive(.byteArray, .string)
        case .binary: return .primitive(.byteArray, nil)
        case .time: return .primitive(.int64, .timeMicros)
        case .uuid: return .primitive(.fixedLengthByteArray, .uuid)
        case .fixed: return .primitive(.fixedLengthByteArray, nil)
        case .decimal(let precision, let scale):
            let physical: ParquetPhysicalType = precision <= 9 ? .int32 : precision <= 18 ? .int64 : .fixedLengthByteArray
            return .primitive(physical, .decimal(precision: precision, scale: scale))
        case .structure(let fields): return .structure(fields.map(parquetField))
        case .list(let elementID, let element, let elementRequired):
            return .list(element: ParquetField(name: "element", fieldID: elementID, isRequired: elementRequired, kind: parquetKind(element)))
        case .map(let keyID, let key, let valueID, let value, let valueRequired):
            return .map(key: ParquetField(name: "key", fieldID: keyID, isRequired: true, kind: parquetKind(key), typeLength: fixedLength(of: key)),
                        value: ParquetField(name: "value", fieldID: valueID, isRequired: valueRequired, kind: parquetKind(value),
                                            typeLength: fixedLength(of: value)))
        }
    }

    /// Writes `rows` (values in schema order) as data files, one per partition, and commits them as
    /// a new `append` snapshot. Returns the snapshot's id, or nil when there were no rows (no snapshot).
    @discardableResult
    public mutating func append(rows: some Sequence<[ParquetValue?]>, compression: ParquetCompression = .zstd) throws(IcebergError) -> Int64? {
        let files = try writeDataFiles(rows, compression: compression)
        guard files.contains(where: { $0.summary.rowCount > 0 }) else {
            for file in files { storage.delete(file.path) }
            return nil
        }
        return try commit(files: files, replacingAllData: false)
    }

    /// Replaces all of the table's data with `rows` in one `overwrite` snapshot: readers see the old
    /// rows or the new ones, never a mix and never none.
    @discardableResult
    public mutating func overwrite(rows: some Sequence<[ParquetValue?]>, compression: ParquetCompression = .zstd) throws(IcebergError) -> Int64 {
        try commit(files: try writeDataFiles(rows, compression: compression), replacingAllData: true)
    }

    /// The table's current partition spec.
    public var partitionSpec: IcebergPartitionSpec {
        get throws(IcebergError) { try metadata.defaultPartitionSpec }
    }

    /// The manifest layout of the table's current schema and spec.
    var layout: ManifestLayout {
        get throws(IcebergError) { try ManifestLayout(schema: try metadata.currentSchema, spec: try partitionSpec) }
    }

    /// How many rows are sorted together when the table has a sort order: each run of this many
    /// rows becomes its own sorted files, which bounds the memory sorting takes.
    public var sortedRunRows = 100_000

    /// Writes rows as data files under the table's location, one per partition (a writer per
    /// partition is open at once; each holds at most a row group). With a sort order, rows are
    /// sorted in runs of `sortedRunRows`, each run written as files of its own.
    public func writeDataFiles(_ rows: some Sequence<[ParquetValue?]>, compression: ParquetCompression = .zstd) throws(IcebergError) -> [DataFile] {
        let order = metadata.defaultSortOrder
        guard !order.fields.isEmpty else { return try writeUnsortedFiles(rows, compression: compression) }
        let schema = try metadata.currentSchema
        let precedes = order.comparator(for: schema)
        var files: [DataFile] = []
        var run: [[ParquetValue?]] = []
        do {
            for row in rows {
                run.append(row)
                guard run.count >= sortedRunRows else { continue }
                files += try writeUnsortedFiles(run.sorted(by: precedes), compression: compression)
                run.removeAll(keepingCapacity: true)
            }
            if !run.isEmpty || files.isEmpty { files += try writeUnsortedFiles(run.sorted(by: precedes), compression: compression) }
        } catch {
            for file in files { storage.delete(file.path) }
            throw error
        }
        return files.map { $0.sorted(by: order.orderID) }
    }

    private func writeUnsortedFiles(_ rows: some Sequence<[ParquetValue?]>, compression: ParquetCompression) throws(IcebergError) -> [DataFile] {
        var writer = try PartitionedDataWriter(table: self, compression: compression)
        do {
            for row in rows { try writer.write(row) }
            return try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Commits data files already written under the table's location as one snapshot: an `append`,
    /// or an `overwrite` that also deletes every data file the table held. `summary` adds string
    /// properties to the snapshot's summary (they land in the same commit as the data).
    @discardableResult
    public mutating func commit(files: [DataFile], replacingAllData: Bool, summary: JSONObject = [:]) throws(IcebergError) -> Int64 {
        let io = storage
        let snapshotID = Int64.random(in: 1...Int64.max)
        let schema = try metadata.currentSchema
        let layout = try self.layout
        let manifestPath = "\(metadata.location)/metadata/\(UUIDText.random())-m0.avro"
        let manifest = try Self.avro(files.map { Manifests.addedEntry($0, snapshotID: snapshotID, layout: layout) },
                                     schema: layout.entrySchema, metadata: layout.metadata, what: "manifest")
        try io.write(manifest, to: manifestPath)
        let addedRows = files.reduce(0) { $0 + $1.summary.rowCount }
        let addedBytes = files.reduce(0) { $0 + $1.summary.fileSize }

        for attempt in 0..<max(commitAttempts, 1) {
            let sequenceNumber = metadata.lastSequenceNumber + 1
            let parent = metadata.currentSnapshot
            var manifests = [Manifests.addedManifest(path: manifestPath, length: Int64(manifest.count), sequenceNumber: sequenceNumber,
                                                     snapshotID: snapshotID, files: files, layout: layout)]
            var deleted = (files: 0, rows: Int64(0), bytes: Int64(0))
            if let parentList = parent?["manifest-list"]?.stringValue {
                let list = try Self.readAvro(io.read(parentList), what: "manifest list \(parentList)")
                if replacingAllData {
                    // Every live data file of the parent becomes a DELETED entry of one manifest.
                    var entries: [Manifests.CarriedEntry] = []
                    for record in list.records {
                        guard case .record(let fields) = try Manifests.carried(record, schema: list.schema),
                              let path = fields[0].stringValue, fields[3].longValue == 0 else { continue }
                        let contents = try Self.readAvro(io.read(path), what: "manifest \(path)")
                        for entry in contents.records {
                            guard case .record(let entryFields) = entry, let status = entryFields.first?.longValue, status != 2 else { continue }
                            let removed = try Manifests.deletedEntry(entry, from: contents.schema, manifestSequenceNumber: fields[4].longValue ?? 0,
                                                                     snapshotID: snapshotID, layout: layout)
                            entries.append(removed)
                            deleted.files += 1
                            deleted.rows += removed.rows
                            deleted.bytes += removed.bytes
                        }
                    }
                    if !entries.isEmpty {
                        let deletedPath = "\(metadata.location)/metadata/\(UUIDText.random())-m1.avro"
                        let bytes = try Self.avro(entries.map(\.record), schema: layout.entrySchema, metadata: layout.metadata, what: "manifest")
                        try io.write(bytes, to: deletedPath)
                        manifests.append(Manifests.deletedManifest(path: deletedPath, length: Int64(bytes.count), sequenceNumber: sequenceNumber,
                                                                   snapshotID: snapshotID, deletedFiles: deleted.files, deletedRows: deleted.rows,
                                                                   layout: layout, partitions: entries.map(\.partition)))
                    }
                } else {
                    for record in list.records { manifests.append(try Manifests.carried(record, schema: list.schema)) }
                }
            }
            let change = SnapshotChange(operation: replacingAllData ? "overwrite" : "append",
                                        added: (files.count, addedRows, addedBytes), deleted: deleted, dropsAllDeletes: replacingAllData,
                                        properties: summary)
            if try commitSnapshot(id: snapshotID, sequenceNumber: sequenceNumber, manifests: manifests, change: change, schema: schema) {
                return snapshotID
            }
            // Another writer committed first: rebuild on top of its snapshot.
            try reloadAfterLostRace(attempt: attempt)
        }
        throw .commitConflict("\(namespace).\(name) kept changing under \(commitAttempts) attempts")
    }

    /// What a snapshot changes, for its summary.
    struct SnapshotChange {
        var operation: String
        var added: (files: Int, rows: Int64, bytes: Int64)
        var deleted: (files: Int, rows: Int64, bytes: Int64) = (0, 0, 0)
        /// Position-delete files this snapshot adds.
        var addedDeletes: (files: Int, positions: Int64) = (0, 0)
        /// Every delete file goes with the data (an overwrite of everything).
        var dropsAllDeletes = false
        /// Extra summary properties.
        var properties: JSONObject = [:]
    }

    /// Writes the manifest list and metadata of a snapshot on top of the current one and swaps the
    /// catalog to it; false when another writer committed first.
    mutating func commitSnapshot(id snapshotID: Int64, sequenceNumber: Int64, manifests: [AvroValue], change: SnapshotChange,
                                 schema: IcebergSchema) throws(IcebergError) -> Bool {
        let parent = metadata.currentSnapshot
        let listPath = "\(metadata.location)/metadata/snap-\(snapshotID)-0-\(UUIDText.random()).avro"
        try storage.write(try Self.avro(manifests, schema: Manifests.manifestFileSchema, metadata: [
            ("snapshot-id", String(snapshotID)), ("parent-snapshot-id", parent?["snapshot-id"]?.intValue.map(String.init) ?? "null"),
            ("sequence-number", String(sequenceNumber)), ("format-version", "2"),
        ], what: "manifest list"), to: listPath)
        let previous = parent?["summary"]?.objectValue ?? [:]
        func total(_ key: String, plus change: Int64) -> JSONValue {
            .string(String((previous[key]?.stringValue.flatMap { Int64($0) } ?? 0) + change))
        }
        var summary: JSONObject = [
            "operation": .string(change.operation),
            "added-data-files": .string(String(change.added.files)),
            "added-records": .string(String(change.added.rows)),
            "added-files-size": .string(String(change.added.bytes)),
        ]
        if change.deleted.files > 0 {
            summary["deleted-data-files"] = .string(String(change.deleted.files))
            summary["deleted-records"] = .string(String(change.deleted.rows))
            summary["removed-files-size"] = .string(String(change.deleted.bytes))
        }
        summary["total-data-files"] = total("total-data-files", plus: Int64(change.added.files - change.deleted.files))
        summary["total-records"] = total("total-records", plus: change.added.rows - change.deleted.rows)
        summary["total-files-size"] = total("total-files-size", plus: change.added.bytes - change.deleted.bytes)
        if change.addedDeletes.files > 0 {
            summary["added-delete-files"] = .string(String(change.addedDeletes.files))
            summary["added-position-deletes"] = .string(String(change.addedDeletes.positions))
        }
        if change.dropsAllDeletes {
            summary["total-delete-files"] = .string(String(change.addedDeletes.files))
            summary["total-position-deletes"] = .string(String(change.addedDeletes.positions))
        } else {
            summary["total-delete-files"] = total("total-delete-files", plus: Int64(change.addedDeletes.files))
            summary["total-position-deletes"] = total("total-position-deletes", plus: change.addedDeletes.positions)
        }
        summary["total-equality-deletes"] = total("total-equality-deletes", plus: 0)
        for (key, value) in change.properties { summary[key] = value }
        var snapshot: JSONObject = [
            "snapshot-id": .int(snapshotID),
            "sequence-number": .int(sequenceNumber),
            "timestamp-ms": .int(TableMetadata.now()),
            "manifest-list": .string(listPath),
            "summary": .object(summary),
            "schema-id": .int(Int64(schema.schemaID)),
        ]
        if let parentID = parent?["snapshot-id"] { snapshot["parent-snapshot-id"] = parentID }
        var next = metadata
        next.add(snapshot: snapshot, previousMetadataFile: metadataLocation, now: TableMetadata.now())
        guard try commit(metadata: next) else {
            storage.delete(listPath)
            return false
        }
        return true
    }

    /// Makes `next` the table's metadata through the catalog; false when another writer committed first.
    mutating func commit(metadata next: TableMetadata) throws(IcebergError) -> Bool {
        guard let committed = try catalog.commit(self, next: next) else { return false }
        metadata = committed.metadata
        metadataLocation = committed.location
        return true
    }

    static func avro(_ records: [AvroValue], schema: AvroSchema, metadata: [(String, String)],
                             what: String) throws(IcebergError) -> [UInt8] {
        do { return try AvroContainer.write(records, schema: schema, metadata: metadata) } catch {
            throw .invalidMetadata("\(what): \(error)")
        }
    }

    static func readAvro(_ bytes: @autoclosure () throws(IcebergError) -> [UInt8], what: String) throws(IcebergError) -> AvroContainer.Contents {
        do { return try AvroContainer.read(try bytes()) } catch let error as IcebergError { throw error } catch {
            throw .invalidMetadata("\(what): \(error)")
        }
    }

}
