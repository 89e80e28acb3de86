import InletParquet

/// Writes rows into one Parquet data file per partition under a table's `data/` directory: the
/// writing half of an append, a merge's rewrite or an overwrite. A failed row leaves the writer
/// unusable; `abandon` then removes every file it began.
struct PartitionedDataWriter {
    private let storage: any TableStorage
    private let dataLocation: String
    private let fields: [ParquetField]
    private let compression: ParquetCompression
    private let spec: IcebergPartitionSpec
    private let sourcePositions: [Int]
    /// Names this writer's files apart from those of writers running beside it.
    private let task: Int
    private var parked: [[ParquetValue?]: (path: String, writer: ParquetFileWriter)] = [:]
    private var order: [[ParquetValue?]] = []
    /// The partition written last stays out of the dictionary, so runs of rows of one partition
    /// (all rows, when unpartitioned) cost no lookup.
    private var current: (key: [ParquetValue?], path: String, writer: ParquetFileWriter)?

    init(table: IcebergTable, compression: ParquetCompression, task: Int = 0) throws(IcebergError) {
        let schema = try table.metadata.currentSchema
        spec = try table.partitionSpec
        sourcePositions = try spec.fields.map { (field) throws(IcebergError) -> Int in
            guard let position = schema.fields.firstIndex(where: { $0.id == field.sourceID }) else {
                throw .invalidMetadata("partition field \(field.name) has no source column")
            }
            return position
        }
        storage = table.storage
        dataLocation = "\(table.metadata.location)/data"
        fields = try table.parquetFields
        self.compression = compression
        self.task = task
    }

    mutating func write(_ row: [ParquetValue?]) throws(IcebergError) {
        let key = spec.fields.isEmpty ? [] : spec.key(of: row, positions: sourcePositions)
        if current?.key != key {
            park()
            try start(key)
        }
        do { try current!.writer.write(row: row) } catch { throw .io("writing \(current!.path): \(error)") }
    }

    /// Closes the files and returns them; with no rows written, one empty file (so that an
    /// overwrite with nothing empties the table) unless `keepsEmpty` is false.
    mutating func finish(keepsEmpty: Bool = true) throws(IcebergError) -> [DataFile] {
        if current == nil && order.isEmpty {
            guard keepsEmpty else { return [] }
            try start(spec.fields.map { _ in nil })
        }
        park()
        var files: [DataFile] = []
        for key in order {
            guard var entry = parked[key] else { continue }
            let summary: ParquetFileSummary
            do {
                summary = try entry.writer.close()
            } catch {
                throw .io("closing \(entry.path): \(error)")
            }
            try storage.publish(entry.path)
            files.append(DataFile(path: entry.path, summary: summary, partition: key))
        }
        return files
    }

    /// Removes every file begun: they belong to no table state.
    mutating func abandon() {
        park()
        for entry in parked.values { storage.delete(entry.path) }
        parked = [:]
        order = []
    }

    private mutating func start(_ key: [ParquetValue?]) throws(IcebergError) {
        if let existing = parked.removeValue(forKey: key) {
            current = (key, existing.path, existing.writer)
            return
        }
        if order.isEmpty { try storage.createDirectory(dataLocation) }
        let number = String(order.count)
        let path = "\(dataLocation)/\(String(repeating: "0", count: max(0, 5 - number.count)) + number)-\(task)-\(UUIDText.random()).parquet"
        let writer: ParquetFileWriter
        do {
            writer = try ParquetFileWriter(path: try storage.localPath(of: path), fields: fields, options: .init(compression: compression))
        } catch let error as IcebergError { throw error } catch { throw .io("creating \(path): \(error)") }
        order.append(key)
        current = (key, path, writer)
    }

    private mutating func park() {
        if let open = current { parked[open.key] = (open.path, open.writer) }
        current = nil
    }
}
