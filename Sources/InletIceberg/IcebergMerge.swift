import InletAvro
import InletJSON
public import InletParquet

extension IcebergTable {
    /// Upserts `rows` on the key columns (the schema's identifier fields unless given), copy-on-write:
    /// data files holding a key of `rows` are rewritten without those rows, and `rows` are added, in
    /// one `overwrite` snapshot. Files whose key bounds cannot match are not read. Within `rows`,
    /// the last row of a key wins. Returns the snapshot's id.
    @discardableResult
    public mutating func merge(rows: [[ParquetValue?]], keyFieldIDs: [Int32]? = nil,
                               compression: ParquetCompression = .zstd) throws(IcebergError) -> Int64 {
        let schema = try metadata.currentSchema
        let keys = keyFieldIDs ?? schema.identifierFieldIDs
        guard !keys.isEmpty else { throw .invalidMetadata("merge needs key columns: the table has no identifier fields") }
        let keyPositions = try keys.map { (id) throws(IcebergError) -> Int in
            guard let position = schema.fields.firstIndex(where: { $0.id == id }) else { throw .invalidMetadata("no column with field id \(id)") }
            return position
        }
        // The last row of each key wins, kept in arrival order.
        var latest: [[ParquetValue?]: Int] = [:]
        for (index, row) in rows.enumerated() { latest[keyPositions.map { row[$0] }] = index }
        let incoming = rows.indices.filter { index in latest[keyPositions.map { rows[index][$0] }] == index }.map { rows[$0] }
        let incomingKeys = Set(latest.keys)
        // With one key column, the incoming keys' range lets files outside it go unread.
        var range: RowSelection.Range?
        if keys.count == 1 {
            for key in incomingKeys {
                guard let value = key[0] else { continue }
                if let current = range {
                    if value.precedes(current.low) { range?.low = value } else if current.high.precedes(value) { range?.high = value }
                } else {
                    range = RowSelection.Range(fieldID: keys[0], low: value, high: value)
                }
            }
        }
        let selection = RowSelection(fieldIDs: keys, range: range) { incomingKeys.contains($0) }
        return try replace(selection, with: incoming, compression: compression)
    }

    /// Replaces the rows `filter` selects with `rows`, copy-on-write, in one `overwrite` snapshot
    /// (files the filter's bounds rule out are not read). Returns the snapshot's id.
    @discardableResult
    public mutating func overwrite(rows: [[ParquetValue?]], where filter: RowFilter,
                                   compression: ParquetCompression = .zstd) throws(IcebergError) -> Int64 {
        let selection = RowSelection(fieldIDs: [filter.fieldID], range: filter.range) { filter.matches($0[0]) }
        return try replace(selection, with: rows, compression: compression)
    }

    private mutating func replace(_ selection: RowSelection, with rows: [[ParquetValue?]],
                                  compression: ParquetCompression) throws(IcebergError) -> Int64 {
        for _ in 0..<max(commitAttempts, 1) {
            if let snapshotID = try replaceOnce(selection, with: rows, compression: compression) { return snapshotID }
            self = try catalog.loadTable(namespace: namespace, name: name)
        }
        throw .commitConflict("\(namespace).\(name) kept changing under \(commitAttempts) attempts")
    }

    /// One attempt; nil when another writer committed first.
    private mutating func replaceOnce(_ selection: RowSelection, with incoming: [[ParquetValue?]],
                                      compression: ParquetCompression) throws(IcebergError) -> Int64? {
        let schema = try metadata.currentSchema
        let io = catalog.storage
        let snapshotID = Int64.random(in: 1...Int64.max)
        let sequenceNumber = metadata.lastSequenceNumber + 1
        let parent = metadata.currentSnapshot
        var manifests: [AvroValue] = []
        var added: [DataFile] = []
        let layout = try self.layout
        var deleted = (files: 0, rows: Int64(0), bytes: Int64(0))
        var filesRead = 0
        if let parentList = parent?["manifest-list"]?.stringValue {
            let list = try Self.readAvro(io.read(parentList), what: "manifest list \(parentList)")
            for record in list.records {
                let carried = try Manifests.carried(record, schema: list.schema)
                guard case .record(let fields) = carried, let path = fields[0].stringValue, fields[3].longValue == 0 else {
                    manifests.append(carried)
                    continue
                }
                let contents = try Self.readAvro(io.read(path), what: "manifest \(path)")
                let manifestSequence = fields[4].longValue ?? 0
                let entries = try contents.records.map { (entry) throws(IcebergError) in
                    try Manifests.carriedEntry(entry, from: contents.schema, manifestSequenceNumber: manifestSequence, layout: layout)
                }
                var rewritten: [AvroValue] = []
                var partitions: [[ParquetValue?]] = []
                var touched = false
                var existing = (files: 0, rows: Int64(0))
                var removed = (files: 0, rows: Int64(0))
                var minimumSequence = Int64.max
                for entry in entries where entry.isLive {
                    let keep: Bool
                    if let range = selection.range,
                       let lower = entry.lowerBounds[range.fieldID].flatMap({ Self.bound($0, like: range.low) }),
                       let upper = entry.upperBounds[range.fieldID].flatMap({ Self.bound($0, like: range.high) }),
                       range.high.precedes(lower) || upper.precedes(range.low) {
                        keep = true
                    } else {
                        filesRead += 1
                        let reader = try Self.open(io, entry.path)
                        let keyColumns = try selection.fieldIDs.map { (id) throws(IcebergError) in try Self.values(reader, fieldID: id, type: nil) }
                        let matching = (0..<Int(reader.rowCount)).filter { row in selection.matches(keyColumns.map { $0[row] }) }
                        if matching.isEmpty {
                            keep = true
                        } else {
                            keep = false
                            let dropped = Set(matching)
                            let columns = try schema.fields.map { (field) throws(IcebergError) in try Self.values(reader, fieldID: field.id, type: field.type) }
                            let remaining = (0..<Int(reader.rowCount)).lazy.filter { !dropped.contains($0) }.map { row in columns.map { $0[row] } }
                            if Int(reader.rowCount) > matching.count {
                                added += try writeDataFiles(remaining, compression: compression)
                            }
                        }
                    }
                    partitions.append(entry.partition)
                    if keep {
                        rewritten.append(entry.with(status: 0))
                        existing.files += 1
                        existing.rows += entry.rows
                        minimumSequence = min(minimumSequence, entry.fields[2].longValue ?? sequenceNumber)
                    } else {
                        touched = true
                        rewritten.append(entry.with(status: 2, snapshotID: snapshotID))
                        removed.files += 1
                        removed.rows += entry.rows
                        deleted.files += 1
                        deleted.rows += entry.rows
                        deleted.bytes += entry.bytes
                    }
                }
                guard touched else {
                    manifests.append(carried)
                    continue
                }
                let rewrittenPath = "\(metadata.location)/metadata/\(UUIDText.random())-m\(manifests.count + 1).avro"
                let bytes = try Self.avro(rewritten, schema: layout.entrySchema, metadata: layout.metadata, what: "manifest")
                try io.write(bytes, to: rewrittenPath)
                manifests.append(Manifests.rewrittenManifest(
                    path: rewrittenPath, length: Int64(bytes.count), sequenceNumber: sequenceNumber,
                    minSequenceNumber: minimumSequence == .max ? sequenceNumber : minimumSequence, snapshotID: snapshotID,
                    existing: existing, deleted: removed, layout: layout, partitions: partitions))
            }
        }
        added += try writeDataFiles(incoming, compression: compression)
        let manifestPath = "\(metadata.location)/metadata/\(UUIDText.random())-m0.avro"
        let manifest = try Self.avro(added.map { Manifests.addedEntry($0, snapshotID: snapshotID, layout: layout) },
                                     schema: layout.entrySchema, metadata: layout.metadata, what: "manifest")
        try io.write(manifest, to: manifestPath)
        let addedRows = added.reduce(0) { $0 + $1.summary.rowCount }
        let addedBytes = added.reduce(0) { $0 + $1.summary.fileSize }
        manifests.insert(Manifests.addedManifest(path: manifestPath, length: Int64(manifest.count), sequenceNumber: sequenceNumber,
                                                 snapshotID: snapshotID, files: added, layout: layout), at: 0)

        let change = SnapshotChange(operation: "overwrite", added: (added.count, addedRows, addedBytes), deleted: deleted,
                                    properties: ["inlet.files-read": .string(String(filesRead))])
        return try commitSnapshot(id: snapshotID, sequenceNumber: sequenceNumber, manifests: manifests, change: change, schema: schema)
            ? snapshotID : nil
    }

    // MARK: - Helpers

    /// The rows a replacement removes: those whose values in `fieldIDs` `matches` accepts; files
    /// whose bounds of `range.fieldID` lie outside `range` hold none of them.
    struct RowSelection {
        struct Range {
            var fieldID: Int32
            var low: ParquetValue
            var high: ParquetValue
        }

        var fieldIDs: [Int32]
        var range: Range?
        var matches: ([ParquetValue?]) -> Bool
    }

    private static func open(_ io: any TableStorage, _ uri: String) throws(IcebergError) -> ParquetFileReader {
        do { return try ParquetFileReader(path: try io.localPath(of: uri)) } catch let error as IcebergError { throw error } catch {
            throw .io("\(uri): \(error)")
        }
    }

    /// A column of a data file in the table's current type: nulls for a column the file predates,
    /// int and float values widened where the schema was.
    private static func values(_ reader: ParquetFileReader, fieldID: Int32, type: IcebergType?) throws(IcebergError) -> [ParquetValue?] {
        guard reader.columns.contains(where: { $0.fieldID == fieldID }) else {
            return [ParquetValue?](repeating: nil, count: Int(reader.rowCount))
        }
        let values: [ParquetValue?]
        do { values = try reader.values(ofFieldID: fieldID) } catch { throw .io("\(reader.path): \(error)") }
        switch type {
        case .long?: return values.map { if case .int32(let number)? = $0 { return .int64(Int64(number)) } else { return $0 } }
        case .double?: return values.map { if case .float(let number)? = $0 { return .double(Double(number)) } else { return $0 } }
        default: return values
        }
    }

    /// A bound's bytes as a value of the same type as `example`; nil when they do not decode.
    private static func bound(_ bytes: [UInt8], like example: ParquetValue) -> ParquetValue? {
        func integer(_ size: Int) -> UInt64? {
            guard bytes.count == size else { return nil }
            return bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        switch example {
        case .int64: return integer(8).map { .int64(Int64(bitPattern: $0)) }
        case .int32: return integer(4).map { .int32(Int32(truncatingIfNeeded: $0)) }
        case .double: return integer(8).map { .double(Double(bitPattern: $0)) }
        case .float: return integer(4).map { .float(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) }
        // String bounds may be truncated by other writers: a truncated upper bound is not a bound of the
        // same string, so strings are only compared when both bounds decode and, for safety, are read.
        case .string, .bytes, .boolean: return nil
        }
    }
}
