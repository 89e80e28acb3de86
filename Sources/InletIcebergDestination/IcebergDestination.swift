public import InletIceberg
import InletJSON
import InletParquet
public import InletPipeline
import InletProtocol
import Synchronization

/// Lands each stream as an Iceberg table `<namespace>.<stream>` of a catalog: created from the
/// stream's JSON schema on first sync, evolved when records bring new fields.
public struct IcebergDestination: Destination {
    public let catalog: any IcebergCatalog
    public let namespace: String
    public let mapping: JSONSchemaMapping
    /// Threads that convert and write rows at once.
    public let workers: Int

    public init(catalog: any IcebergCatalog, namespace: String, mapping: JSONSchemaMapping = JSONSchemaMapping(), workers: Int = 2) {
        self.catalog = catalog
        self.namespace = namespace
        self.mapping = mapping
        self.workers = workers
    }

    public var name: String { "iceberg (namespace \(namespace))" }

    public func open(_ plan: StreamPlan) throws(DestinationError) -> any StreamWriter {
        let stream = plan.descriptor.name
        func failure(_ error: IcebergError) -> DestinationError { DestinationError(stream: stream, message: "\(error)") }
        let tableName = Self.tableName(for: stream)
        do {
            try catalog.createNamespace(namespace)
            var table: IcebergTable
            do {
                table = try catalog.loadTable(namespace: namespace, name: tableName)
                // Properties the table does not have yet become new columns; existing ones keep their type.
                let existing = Set(try table.metadata.currentSchema.fields.map(\.name))
                let added = mapping.fields(of: plan.jsonSchema).filter { !existing.contains($0.name) }
                if !added.isEmpty { try table.updateSchema(added.map { .addColumn(name: $0.name, type: $0.type) }) }
            } catch .noSuchTable {
                // Another writer may create it at the same moment: then this one writes to theirs.
                table = try catalog.loadOrCreateTable(namespace: namespace, name: tableName,
                                                      schema: IcebergSchema(fields: mapping.fields(of: plan.jsonSchema)))
            }
            return try IcebergStreamWriter(table: table, plan: plan, workers: workers)
        } catch {
            throw failure(error)
        }
    }

    /// A stream's table name: its name, with characters that cannot be in a path replaced.
    public static func tableName(for stream: String) -> String {
        String(stream.map { $0 == "/" || $0 == "\\" || $0 == "." || $0.isWhitespace ? "_" : $0 })
    }
}

/// Writes one stream's batches: an append or merge snapshot per batch; an overwrite's (or an atomic
/// append's) files held back until the stream completes, then swapped (or added) in one snapshot.
final class IcebergStreamWriter: StreamWriter, @unchecked Sendable {
    private var table: IcebergTable
    private let plan: StreamPlan
    private let workers: Int
    private var converter: RowConverter
    private var heldFiles: [DataFile] = []
    private var heldRecords = 0

    init(table: IcebergTable, plan: StreamPlan, workers: Int) throws(IcebergError) {
        self.table = table
        self.plan = plan
        self.workers = workers
        converter = RowConverter(fields: try table.metadata.currentSchema.fields)
        if plan.writeMode == .merge {
            guard !plan.mergeKeys.isEmpty else {
                throw .invalidMetadata("merge needs key columns: pass --merge or give the stream a primary key")
            }
            for key in plan.mergeKeys where !converter.fields.contains(where: { $0.name == key }) {
                throw .invalidMetadata("merge key '\(key)' is not a column of the stream")
            }
        }
    }

    private func failure(_ error: IcebergError) -> DestinationError {
        DestinationError(stream: plan.descriptor.name, message: "\(error)")
    }

    func write(_ records: [JSONObject], checkpoint: TableCheckpoint?) throws(DestinationError) -> WriteReport {
        do {
            try evolveSchema(for: records)
            let summary = checkpoint.map(Self.summary) ?? [:]
            switch plan.writeMode {
            case .append where !plan.appendsAtomically:
                let (files, nulled) = try writeFiles(records)
                guard files.contains(where: { $0.summary.rowCount > 0 }) else {
                    for file in files { table.storage.delete(file.path) }
                    return WriteReport(nulledValues: nulled)
                }
                try table.commit(files: files, replacingAllData: false, summary: summary)
                return WriteReport(committedRecords: records.count, snapshots: 1, bytes: files.reduce(0) { $0 + $1.summary.fileSize },
                                   nulledValues: nulled)
            case .overwrite, .append:
                let (files, nulled) = try writeFiles(records)
                heldFiles += files
                heldRecords += records.count
                return WriteReport(nulledValues: nulled)
            case .merge:
                var nulled = 0
                let rows = records.map { converter.row($0, nulled: &nulled) }
                let keyIDs = plan.mergeKeys.compactMap { key in converter.fields.first { $0.name == key }?.id }
                let cursorID = plan.cursorField.flatMap { cursor in converter.fields.first { $0.name == cursor && $0.type.isPrimitive }?.id }
                try table.merge(rows: rows, keyFieldIDs: keyIDs, cursorFieldID: cursorID, summary: summary)
                let added = table.metadata.currentSnapshot?["summary"]?["added-files-size"]?.stringValue.flatMap { Int64($0) } ?? 0
                return WriteReport(committedRecords: records.count, snapshots: 1, bytes: added, nulledValues: nulled)
            }
        } catch {
            throw failure(error)
        }
    }

    /// Snapshot summary properties holding a checkpoint (Iceberg summaries map strings to strings).
    static func summary(_ checkpoint: TableCheckpoint) -> JSONObject {
        var summary: JSONObject = [
            SummaryKey.connection: .string(checkpoint.connection),
            SummaryKey.state: .string(JSONWriter.string(from: checkpoint.state.json)),
        ]
        if let previous = checkpoint.previous { summary[SummaryKey.previousState] = .string(JSONWriter.string(from: previous.json)) }
        return summary
    }

    enum SummaryKey {
        static let connection = "inlet.connection"
        static let state = "inlet.state"
        static let previousState = "inlet.previous-state"
    }

    func checkpoint(connection: String) -> TableCheckpoint? {
        func state(_ text: String?) -> AirbyteStateMessage? {
            guard let text, let json = try? JSONParser.parse(Array(text.utf8)) else { return nil }
            return try? AirbyteStateMessage(json: json, path: JSONPath())
        }
        for snapshot in table.metadata.snapshotLineage {
            guard let summary = snapshot["summary"]?.objectValue, summary[SummaryKey.connection]?.stringValue == connection,
                  let current = state(summary[SummaryKey.state]?.stringValue) else { continue }
            return TableCheckpoint(connection: connection, state: current, previous: state(summary[SummaryKey.previousState]?.stringValue))
        }
        return nil
    }

    func complete() throws(DestinationError) -> WriteReport {
        guard plan.commitsOnCompletion else { return WriteReport() }
        do {
            let files = heldFiles
            if plan.writeMode == .append, !files.contains(where: { $0.summary.rowCount > 0 }) {
                abandon()
                return WriteReport()
            }
            try table.commit(files: files, replacingAllData: plan.writeMode == .overwrite)
            defer {
                heldFiles = []
                heldRecords = 0
            }
            return WriteReport(committedRecords: heldRecords, snapshots: 1, bytes: files.reduce(0) { $0 + $1.summary.fileSize })
        } catch {
            abandon()
            throw failure(error)
        }
    }

    func abandon() {
        for file in heldFiles { table.storage.delete(file.path) }
        heldFiles = []
        heldRecords = 0
    }

    /// Converts and writes records on the worker threads, a chunk per task.
    private func writeFiles(_ records: [JSONObject]) throws(IcebergError) -> (files: [DataFile], nulled: Int) {
        let nulledCount = Atomic<Int>(0)
        let converter = self.converter
        let chunkSize = max(1024, records.count / (workers * 4) + 1)
        let chunks = stride(from: 0, to: records.count, by: chunkSize).map { records[$0..<min($0 + chunkSize, records.count)] }
        let files = try table.writeDataFiles(batches: chunks, workers: workers) { chunk in
            var nulled = 0
            let rows = chunk.map { converter.row($0, nulled: &nulled) }
            if nulled > 0 { nulledCount.add(nulled, ordering: .relaxed) }
            return rows
        }
        return (files, nulledCount.load(ordering: .relaxed))
    }

    /// Adds a column for each top-level field the records bring that the table does not have.
    private func evolveSchema(for records: [JSONObject]) throws(IcebergError) {
        let known = Set(converter.fields.map(\.name))
        var added: [(String, IcebergType)] = []
        var seen = Set<String>()
        // Records of one shape (a file's rows, most APIs' pages) are checked once.
        var checkedKeys: [String]?
        for record in records {
            if let checkedKeys, record.hasKeys(checkedKeys) { continue }
            var typedEveryNewKey = true
            for (name, value) in record where !known.contains(name) && !seen.contains(name) {
                // A null says nothing of its column's type: a later record of this shape must be looked at.
                guard let type = JSONSchemaMapping.type(ofValue: value) else {
                    typedEveryNewKey = false
                    continue
                }
                seen.insert(name)
                added.append((name, type))
            }
            checkedKeys = typedEveryNewKey ? record.keys : nil
        }
        guard !added.isEmpty else { return }
        try table.updateSchema(added.map { .addColumn(name: $0.0, type: $0.1) })
        converter = RowConverter(fields: try table.metadata.currentSchema.fields)
    }
}
