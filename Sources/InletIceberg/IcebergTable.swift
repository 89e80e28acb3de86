import InletAvro
import InletJSON
public import InletParquet

/// A table of a catalog, at the metadata it was loaded or last committed with.
public struct IcebergTable: Sendable {
    public let catalog: SQLiteCatalog
    public let namespace: String
    public let name: String
    public private(set) var metadata: TableMetadata
    public private(set) var metadataLocation: String
    /// How often a commit is rebuilt on a newer table state after losing a race.
    public var commitAttempts = 5

    init(catalog: SQLiteCatalog, namespace: String, name: String, metadata: TableMetadata, metadataLocation: String) {
        self.catalog = catalog
        self.namespace = namespace
        self.name = name
        self.metadata = metadata
        self.metadataLocation = metadataLocation
    }

    /// The Parquet columns of the current schema, with their field ids.
    public var parquetColumns: [ParquetColumn] {
        get throws(IcebergError) { try metadata.currentSchema.fields.map(Self.parquetColumn) }
    }

    static func parquetColumn(_ field: IcebergField) -> ParquetColumn {
        let (physical, logical): (ParquetPhysicalType, ParquetLogicalType?) = switch field.type {
        case .boolean: (.boolean, nil)
        case .int: (.int32, nil)
        case .long: (.int64, nil)
        case .float: (.float, nil)
        case .double: (.double, nil)
        case .date: (.int32, .date)
        case .timestamp: (.int64, .timestampMicros(adjustedToUTC: false))
        case .timestamptz: (.int64, .timestampMicros(adjustedToUTC: true))
        case .string: (.byteArray, .string)
        case .binary: (.byteArray, nil)
        }
        return ParquetColumn(name: field.name, fieldID: field.id, physicalType: physical, logicalType: logical, isRequired: field.isRequired)
    }

    /// Writes `rows` (values in schema order) as one data file and commits it as a new `append`
    /// snapshot. Returns the snapshot's id.
    @discardableResult
    public mutating func append(rows: some Sequence<[ParquetValue?]>, compression: ParquetCompression = .zstd) throws(IcebergError) -> Int64 {
        let dataFile = "\(metadata.location)/data/00000-0-\(UUIDText.random()).parquet"
        let summary: ParquetFileSummary
        do {
            try LocalFileIO().createDirectory("\(metadata.location)/data")
            var writer = try ParquetFileWriter(path: try LocalFileIO.path(of: dataFile), columns: try parquetColumns,
                                               options: .init(compression: compression))
            for row in rows { try writer.write(row: row) }
            summary = try writer.close()
        } catch let error as IcebergError {
            throw error
        } catch {
            throw .io("writing \(dataFile): \(error)")
        }
        return try commitAppend(files: [(dataFile, summary)])
    }

    /// Commits data files already written under the table's location as one `append` snapshot.
    @discardableResult
    public mutating func commitAppend(files: [(path: String, summary: ParquetFileSummary)]) throws(IcebergError) -> Int64 {
        let io = LocalFileIO()
        let snapshotID = Int64.random(in: 1...Int64.max)
        let schema = try metadata.currentSchema
        let manifestPath = "\(metadata.location)/metadata/\(UUIDText.random())-m0.avro"
        let manifest: [UInt8]
        do {
            manifest = try AvroContainer.write(
                files.map { Manifests.addedEntry($0.summary, path: $0.path, snapshotID: snapshotID) },
                schema: Manifests.entrySchema,
                metadata: [("schema", JSONWriter.string(from: schema.json)), ("schema-id", String(schema.schemaID)),
                           ("partition-spec", "[]"), ("partition-spec-id", "0"), ("format-version", "2"), ("content", "data")])
        } catch {
            throw .invalidMetadata("manifest: \(error)")
        }
        try io.write(manifest, to: manifestPath)
        let addedRows = files.reduce(0) { $0 + $1.summary.rowCount }
        let addedBytes = files.reduce(0) { $0 + $1.summary.fileSize }

        for _ in 0..<max(commitAttempts, 1) {
            let sequenceNumber = metadata.lastSequenceNumber + 1
            let parent = metadata.currentSnapshot
            var manifests = [Manifests.addedManifest(path: manifestPath, length: Int64(manifest.count), sequenceNumber: sequenceNumber,
                                                     snapshotID: snapshotID, fileCount: files.count, rowCount: addedRows)]
            if let parentList = parent?["manifest-list"]?.stringValue {
                let contents: AvroContainer.Contents
                do { contents = try AvroContainer.read(try io.read(parentList)) } catch let error as IcebergError { throw error } catch {
                    throw .invalidMetadata("manifest list \(parentList): \(error)")
                }
                for record in contents.records { manifests.append(try Manifests.carried(record, schema: contents.schema)) }
            }
            let listPath = "\(metadata.location)/metadata/snap-\(snapshotID)-0-\(UUIDText.random()).avro"
            do {
                try io.write(try AvroContainer.write(manifests, schema: Manifests.manifestFileSchema, metadata: [
                    ("snapshot-id", String(snapshotID)), ("parent-snapshot-id", parent?["snapshot-id"]?.intValue.map(String.init) ?? "null"),
                    ("sequence-number", String(sequenceNumber)), ("format-version", "2"),
                ]), to: listPath)
            } catch let error as IcebergError { throw error } catch { throw .invalidMetadata("manifest list: \(error)") }

            let previous = parent?["summary"]?.objectValue ?? [:]
            func total(_ key: String, plus added: Int64) -> JSONValue {
                .string(String((previous[key]?.stringValue.flatMap { Int64($0) } ?? 0) + added))
            }
            var snapshot: JSONObject = [
                "snapshot-id": .int(snapshotID),
                "sequence-number": .int(sequenceNumber),
                "timestamp-ms": .int(SQLiteCatalog.now()),
                "manifest-list": .string(listPath),
                "summary": .object([
                    "operation": "append",
                    "added-data-files": .string(String(files.count)),
                    "added-records": .string(String(addedRows)),
                    "added-files-size": .string(String(addedBytes)),
                    "total-data-files": total("total-data-files", plus: Int64(files.count)),
                    "total-records": total("total-records", plus: addedRows),
                    "total-files-size": total("total-files-size", plus: addedBytes),
                    "total-delete-files": total("total-delete-files", plus: 0),
                    "total-position-deletes": total("total-position-deletes", plus: 0),
                    "total-equality-deletes": total("total-equality-deletes", plus: 0),
                ]),
                "schema-id": .int(Int64(schema.schemaID)),
            ]
            if let parentID = parent?["snapshot-id"] { snapshot["parent-snapshot-id"] = parentID }
            var next = metadata
            next.add(snapshot: snapshot, previousMetadataFile: metadataLocation, now: SQLiteCatalog.now())
            let nextLocation = "\(metadata.location)/metadata/\(Self.nextVersion(after: metadataLocation))-\(UUIDText.random()).metadata.json"
            try io.write(Array(JSONWriter.string(from: .object(next.json)).utf8), to: nextLocation)
            if try catalog.swap(namespace: namespace, name: name, from: metadataLocation, to: nextLocation) {
                metadata = next
                metadataLocation = nextLocation
                return snapshotID
            }
            // Another writer committed first: rebuild on top of its snapshot.
            self = try catalog.loadTable(namespace: namespace, name: name)
        }
        throw .commitConflict("\(namespace).\(name) kept changing under \(commitAttempts) attempts")
    }

    /// `00003-….metadata.json` → `00004`.
    static func nextVersion(after location: String) -> String {
        let file = location.split(separator: "/").last.map(String.init) ?? ""
        let version = Int(file.prefix { $0.isNumber }) ?? -1
        let text = String(version + 1)
        return String(repeating: "0", count: max(0, 5 - text.count)) + text
    }
}
