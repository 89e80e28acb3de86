import InletAvro
public import InletJSON
public import InletParquet

/// How rows of existing data files are removed.
public enum RowRemoval: Sendable {
    /// Rewrite each data file that holds such rows without them: every reader reads the result.
    case copyOnWrite
    /// Leave data files as they are and list the rows' positions in position-delete files: less to
    /// write; pyiceberg and DuckDB both apply them.
    case positionDeletes
}

extension IcebergTable {
    /// Upserts `rows` on the key columns (the schema's identifier fields unless given), copy-on-write:
    /// data files holding a key of `rows` are rewritten without those rows, and `rows` are added, in
    /// one `overwrite` snapshot. Files whose key bounds cannot match are not read. Within `rows`,
    /// the last row of a key wins. With a cursor column, the row with the greatest cursor wins, in
    /// `rows` and against the table: an incoming row older than the table's row of its key is
    /// dropped (a null cursor counts as oldest; equal cursors let the incoming row win). Returns the
    /// snapshot's id.
    @discardableResult
    public mutating func merge(rows: [[ParquetValue?]], keyFieldIDs: [Int32]? = nil, cursorFieldID: Int32? = nil,
                               removal: RowRemoval = .copyOnWrite, compression: ParquetCompression = .zstd,
                               summary: JSONObject = [:]) throws(IcebergError) -> Int64 {
        let schema = try metadata.currentSchema
        let keys = keyFieldIDs ?? schema.identifierFieldIDs
        guard !keys.isEmpty else { throw .invalidMetadata("merge needs key columns: the table has no identifier fields") }
        let keyPositions = try keys.map { (id) throws(IcebergError) -> Int in
            guard let position = schema.fields.firstIndex(where: { $0.id == id }) else { throw .invalidMetadata("no column with field id \(id)") }
            guard schema.fields[position].type.isPrimitive else {
                throw .invalidMetadata("merge key '\(schema.fields[position].name)' is not a primitive column")
            }
            return position
        }
        let cursorPosition = try cursorFieldID.map { (id) throws(IcebergError) -> Int in
            guard let position = schema.fields.firstIndex(where: { $0.id == id }), schema.fields[position].type.isPrimitive else {
                throw .invalidMetadata("no primitive cursor column with field id \(id)")
            }
            return position
        }
        // The last row of each key wins (the greatest cursor first), kept in arrival order.
        var latest: [[ParquetValue?]: Int] = [:]
        for (index, row) in rows.enumerated() {
            let key = keyPositions.map { row[$0] }
            if let cursorPosition, let held = latest[key], Self.isOlder(row[cursorPosition], than: rows[held][cursorPosition]) { continue }
            latest[key] = index
        }
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
        var selection = RowSelection(fieldIDs: keys, range: range) { incomingKeys.contains($0) }
        if let cursorPosition, let cursorFieldID {
            selection.cursor = (cursorFieldID, Dictionary(uniqueKeysWithValues: latest.map { ($0.key, rows[$0.value][cursorPosition]) }))
        }
        return try replace(selection, with: incoming, removal: removal, compression: compression, summary: summary)
    }

    /// Whether cursor `a` is older than `b`: null is oldest; equal cursors are not older.
    static func isOlder(_ a: ParquetValue?, than b: ParquetValue?) -> Bool {
        guard let b else { return false }
        guard let a else { return true }
        return a.precedes(b)
    }

    /// Replaces the rows `filter` selects with `rows`, copy-on-write, in one `overwrite` snapshot
    /// (files the filter's bounds rule out are not read). Returns the snapshot's id.
    @discardableResult
    public mutating func overwrite(rows: [[ParquetValue?]], where filter: RowFilter, removal: RowRemoval = .copyOnWrite,
                                   compression: ParquetCompression = .zstd) throws(IcebergError) -> Int64 {
        let selection = RowSelection(fieldIDs: [filter.fieldID], range: filter.range) { filter.matches($0[0]) }
        return try replace(selection, with: rows, removal: removal, compression: compression)
    }

    private mutating func replace(_ selection: RowSelection, with rows: [[ParquetValue?]], removal: RowRemoval,
                                  compression: ParquetCompression, summary: JSONObject = [:]) throws(IcebergError) -> Int64 {
        for attempt in 0..<max(commitAttempts, 1) {
            if let snapshotID = try replaceOnce(selection, with: rows, removal: removal, compression: compression, summary: summary) {
                return snapshotID
            }
            try reloadAfterLostRace(attempt: attempt)
        }
        throw .commitConflict("\(namespace).\(name) kept changing under \(commitAttempts) attempts")
    }

    /// One attempt; nil when another writer committed first.
    private mutating func replaceOnce(_ selection: RowSelection, with incoming: [[ParquetValue?]], removal: RowRemoval,
                                      compression: ParquetCompression, summary: JSONObject) throws(IcebergError) -> Int64? {
        let schema = try metadata.currentSchema
        let io = storage
        let snapshotID = Int64.random(in: 1...Int64.max)
        let sequenceNumber = metadata.lastSequenceNumber + 1
        let parent = metadata.currentSnapshot
        var manifests: [AvroValue] = []
        var added: [DataFile] = []
        let layout = try self.layout
        var deleted = (files: 0, rows: Int64(0), bytes: Int64(0))
        var filesRead = 0
        var written: [String] = []
        // Data files this snapshot removes: their local copies are of no more use once it lands.
        var replaced: [String] = []
        // Rows already deleted by position-delete files, by data file.
        var alreadyDeleted: [String: Set<Int>] = [:]
        var newDeletes: [(path: String, partition: [ParquetValue?], positions: [Int])] = []
        // Keys whose incoming row is older than the table's (merges by cursor): those rows are dropped.
        var staleKeys = Set<[ParquetValue?]>()
        if let parentList = parent?["manifest-list"]?.stringValue {
            let list = try Self.readAvro(io.read(parentList), what: "manifest list \(parentList)")
            alreadyDeleted = try Self.positionDeletes(in: list, io: io, layout: layout)
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
                    if let range = selection.range, schema.fields.first(where: { $0.id == range.fieldID })?.type.hasLittleEndianBounds == true,
                       let lower = entry.lowerBounds[range.fieldID].flatMap({ Self.bound($0, like: range.low) }),
                       let upper = entry.upperBounds[range.fieldID].flatMap({ Self.bound($0, like: range.high) }),
                       range.high.precedes(lower) || upper.precedes(range.low) {
                        keep = true
                    } else {
                        filesRead += 1
                        let reader = try Self.open(io, entry.path)
                        let keyColumns = try selection.fieldIDs.map { (id) throws(IcebergError) in try Self.values(reader, fieldID: id, type: nil) }
                        let cursorColumn = try selection.cursor.map { (cursor) throws(IcebergError) in
                            try Self.values(reader, fieldID: cursor.fieldID, type: nil)
                        }
                        let gone = alreadyDeleted[entry.path] ?? []
                        let matching = (0..<Int(reader.rowCount)).filter { row in
                            let key = keyColumns.map { $0[row] }
                            guard !gone.contains(row) && selection.matches(key) else { return false }
                            // A table row newer than the incoming row of its key stays; the incoming one goes.
                            if let cursor = selection.cursor, let existing = cursorColumn?[row], let incomingCursor = cursor.incoming[key],
                               Self.isOlder(incomingCursor, than: existing) {
                                staleKeys.insert(key)
                                return false
                            }
                            return true
                        }
                        if matching.isEmpty {
                            keep = true
                        } else if removal == .positionDeletes {
                            keep = true
                            newDeletes.append((entry.path, entry.partition, matching))
                        } else {
                            keep = false
                            let dropped = gone.union(matching)
                            let columns = try schema.fields.map { (field) throws(IcebergError) in try Self.values(reader, fieldID: field.id, type: field.type) }
                            let remaining = (0..<Int(reader.rowCount)).lazy.filter { !dropped.contains($0) }.map { row in columns.map { $0[row] } }
                            if Int(reader.rowCount) > dropped.count {
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
                        replaced.append(entry.path)
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
                written.append(rewrittenPath)
                manifests.append(Manifests.rewrittenManifest(
                    path: rewrittenPath, length: Int64(bytes.count), sequenceNumber: sequenceNumber,
                    minSequenceNumber: minimumSequence == .max ? sequenceNumber : minimumSequence, snapshotID: snapshotID,
                    existing: existing, deleted: removed, layout: layout, partitions: partitions))
            }
        }
        if staleKeys.isEmpty {
            added += try writeDataFiles(incoming, compression: compression)
        } else {
            let keyPositions = selection.fieldIDs.compactMap { id in schema.fields.firstIndex { $0.id == id } }
            added += try writeDataFiles(incoming.filter { row in !staleKeys.contains(keyPositions.map { row[$0] }) }, compression: compression)
        }
        let manifestPath = "\(metadata.location)/metadata/\(UUIDText.random())-m0.avro"
        let manifest = try Self.avro(added.map { Manifests.addedEntry($0, snapshotID: snapshotID, layout: layout) },
                                     schema: layout.entrySchema, metadata: layout.metadata, what: "manifest")
        try io.write(manifest, to: manifestPath)
        written.append(manifestPath)
        let addedRows = added.reduce(0) { $0 + $1.summary.rowCount }
        let addedBytes = added.reduce(0) { $0 + $1.summary.fileSize }
        manifests.insert(Manifests.addedManifest(path: manifestPath, length: Int64(manifest.count), sequenceNumber: sequenceNumber,
                                                 snapshotID: snapshotID, files: added, layout: layout), at: 0)

        var addedDeletes = (files: 0, positions: Int64(0))
        if !newDeletes.isEmpty {
            let deleteFiles = try writePositionDeletes(newDeletes, compression: compression)
            written += deleteFiles.map(\.path)
            let deleteManifestPath = "\(metadata.location)/metadata/\(UUIDText.random())-d0.avro"
            let deleteManifest = try Self.avro(deleteFiles.map { Manifests.addedEntry($0, snapshotID: snapshotID, layout: layout, content: 1) },
                                               schema: layout.entrySchema, metadata: layout.metadata(content: "deletes"), what: "delete manifest")
            try io.write(deleteManifest, to: deleteManifestPath)
            written.append(deleteManifestPath)
            manifests.append(Manifests.addedManifest(path: deleteManifestPath, length: Int64(deleteManifest.count), sequenceNumber: sequenceNumber,
                                                     snapshotID: snapshotID, files: deleteFiles, layout: layout, content: 1))
            addedDeletes = (deleteFiles.count, deleteFiles.reduce(0) { $0 + $1.summary.rowCount })
        }
        var properties = summary
        properties["inlet.files-read"] = .string(String(filesRead))
        let change = SnapshotChange(operation: "overwrite", added: (added.count, addedRows, addedBytes), deleted: deleted,
                                    addedDeletes: addedDeletes, properties: properties)
        guard try commitSnapshot(id: snapshotID, sequenceNumber: sequenceNumber, manifests: manifests, change: change, schema: schema) else {
            // Lost the race: this attempt's files are no table state's; the next attempt writes its own.
            for path in written + added.map(\.path) { io.delete(path) }
            return nil
        }
        for path in replaced { io.forgetLocalCopy(of: path) }
        return snapshotID
    }

    // MARK: - Position deletes

    /// Position-delete files, one per partition: each lists data file paths and row positions,
    /// sorted by path then position, with the field ids the spec reserves.
    private func writePositionDeletes(_ deletes: [(path: String, partition: [ParquetValue?], positions: [Int])],
                                      compression: ParquetCompression) throws(IcebergError) -> [DataFile] {
        let columns = [
            ParquetColumn(name: "file_path", fieldID: 2_147_483_546, physicalType: .byteArray, logicalType: .string, isRequired: true),
            ParquetColumn(name: "pos", fieldID: 2_147_483_545, physicalType: .int64, isRequired: true),
        ]
        var byPartition: [[ParquetValue?]: [(String, [Int])]] = [:]
        var order: [[ParquetValue?]] = []
        for delete in deletes {
            if byPartition[delete.partition] == nil { order.append(delete.partition) }
            byPartition[delete.partition, default: []].append((delete.path, delete.positions))
        }
        var files: [DataFile] = []
        for partition in order {
            let path = "\(metadata.location)/data/delete-\(UUIDText.random()).parquet"
            do {
                var writer = try ParquetFileWriter(path: try storage.localPath(of: path), columns: columns,
                                                   options: .init(compression: compression))
                for (file, positions) in byPartition[partition]!.sorted(by: { $0.0 < $1.0 }) {
                    for position in positions.sorted() { try writer.write(row: [.string(file), .int64(Int64(position))]) }
                }
                let summary = try writer.close()
                try storage.publish(path)
                files.append(DataFile(path: path, summary: summary, partition: partition))
            } catch let error as IcebergError {
                throw error
            } catch {
                throw .io("writing position deletes \(path): \(error)")
            }
        }
        return files
    }

    /// The positions live position-delete files remove, by data file path.
    private static func positionDeletes(in list: AvroContainer.Contents, io: any TableStorage,
                                        layout: ManifestLayout) throws(IcebergError) -> [String: Set<Int>] {
        var deleted: [String: Set<Int>] = [:]
        for record in list.records {
            guard case .record(let fields) = try Manifests.carried(record, schema: list.schema),
                  let path = fields[0].stringValue, fields[3].longValue == 1 else { continue }
            let contents = try readAvro(io.read(path), what: "delete manifest \(path)")
            for entry in contents.records {
                let carried = try Manifests.carriedEntry(entry, from: contents.schema, manifestSequenceNumber: 0, layout: layout)
                guard carried.isLive else { continue }
                let reader = try open(io, carried.path)
                let paths = try values(reader, fieldID: 2_147_483_546, type: nil)
                let positions = try values(reader, fieldID: 2_147_483_545, type: nil)
                for (file, position) in zip(paths, positions) {
                    guard case .string(let file)? = file, case .int64(let position)? = position else { continue }
                    deleted[file, default: []].insert(Int(position))
                }
            }
        }
        return deleted
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
        /// For merges by cursor: the cursor column, and each incoming key's cursor.
        var cursor: (fieldID: Int32, incoming: [[ParquetValue?]: ParquetValue?])?

        init(fieldIDs: [Int32], range: Range?, matches: @escaping ([ParquetValue?]) -> Bool) {
            self.fieldIDs = fieldIDs
            self.range = range
            self.matches = matches
        }
    }

    private static func open(_ io: any TableStorage, _ uri: String) throws(IcebergError) -> ParquetFileReader {
        do { return try ParquetFileReader(path: try io.localCopy(of: uri)) } catch let error as IcebergError { throw error } catch {
            throw .io("\(uri): \(error)")
        }
    }

    /// A column of a data file in the table's current type: nulls for a column the file predates,
    /// int and float values widened where the schema was.
    private static func values(_ reader: ParquetFileReader, fieldID: Int32, type: IcebergType?) throws(IcebergError) -> [ParquetValue?] {
        guard reader.fields.contains(where: { $0.fieldID == fieldID }) else {
            return [ParquetValue?](repeating: nil, count: Int(reader.rowCount))
        }
        let values: [ParquetValue?]
        do { values = try reader.values(ofFieldID: fieldID) } catch { throw .io("\(reader.path): \(error)") }
        switch type {
        case .long?: return values.map { if case .int32(let number)? = $0 { return .int64(Int64(number)) } else { return $0 } }
        case .double?: return values.map { if case .float(let number)? = $0 { return .double(Double(number)) } else { return $0 } }
        case .decimal(let precision, _)?: return values.map { $0.map { decimal($0, precision: precision) } }
        default: return values
        }
    }

    /// An unscaled decimal as Inlet stores `precision` digits: INT32 up to 9, INT64 up to 18, else
    /// big-endian bytes (other writers, pyarrow among them, store every decimal as bytes).
    private static func decimal(_ value: ParquetValue, precision: Int32) -> ParquetValue {
        let unscaled: Int64
        switch value {
        case .int32(let number): unscaled = Int64(number)
        case .int64(let number): unscaled = number
        case .bytes(let bigEndian) where precision <= 18 && !bigEndian.isEmpty && bigEndian.count <= 8:
            let negative = bigEndian[0] & 0x80 != 0
            unscaled = Int64(bitPattern: bigEndian.reduce(negative ? UInt64.max : 0) { $0 << 8 | UInt64($1) })
        case .bytes(let bigEndian) where precision > 18 && !bigEndian.isEmpty:
            // Another writer's length: sign-extended, or stripped of redundant sign bytes.
            let length = Int(decimalBytes(precision: precision))
            let sign: UInt8 = bigEndian[0] & 0x80 != 0 ? 0xFF : 0
            if bigEndian.count < length { return .bytes(Array(repeating: sign, count: length - bigEndian.count) + bigEndian) }
            return .bytes(Array(bigEndian.suffix(length)))
        default:
            return value
        }
        if precision <= 9 { return .int32(Int32(truncatingIfNeeded: unscaled)) }
        if precision <= 18 { return .int64(unscaled) }
        let length = Int(decimalBytes(precision: precision))
        return .bytes(Array(repeating: unscaled < 0 ? 0xFF : 0, count: max(0, length - 8)) + withUnsafeBytes(of: unscaled.bigEndian, Array.init).suffix(min(8, length)))
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
        case .string, .bytes, .boolean, .list, .structure, .map: return nil
        }
    }
}
