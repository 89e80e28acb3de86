import Foundation
import InletIceberg
import InletIcebergDestination
import InletJSON
import InletPipeline
import InletProtocol
import InletTestSupport
import Testing

/// A throw-away data directory (warehouse, SQLite catalog and state store) to sync into, and
/// pyiceberg to read the tables back.
struct SyncFixture {
    let directory: URL
    var warehouse: String { directory.appendingPathComponent("warehouse").path }
    var catalogPath: String { directory.appendingPathComponent("catalog.db").path }
    var statePath: String { directory.appendingPathComponent("state.db").path }
    var keysPath: String { directory.appendingPathComponent("keys.json").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    static let schema: JSONObject = [
        "type": "object",
        "properties": ["id": ["type": "integer"], "name": ["type": ["null", "string"]], "updated": ["type": "integer"]],
    ]

    /// Syncs stream `items` of `connector` with the given mode and preparation.
    @discardableResult
    func sync(_ connector: ScriptedConnector, mode: WriteMode, schema: JSONObject = Self.schema, transformations: [ColumnTransformation] = [],
              metadata: Bool = false, commitRecords: Int = 100, mergeKeys: [String] = ["id"], cursor: String? = "updated",
              destination: (any Destination)? = nil, stateStore: (any StateStore)? = nil,
              nestedAsJSON: Bool = false) async throws -> SyncProgress {
        let catalog = try SQLiteCatalog(path: catalogPath, warehouse: "file://" + warehouse)
        let preparer = RecordPreparer(transformations: transformations,
                                      metadata: metadata ? .init(runID: "run-1", mode: mode, dagJobID: "dag-7") : nil,
                                      keyStore: try KeyStore(path: keysPath))
        let stream = AirbyteStream(name: "items", jsonSchema: schema, supportedSyncModes: [.fullRefresh, .incremental])
        let configured = ConfiguredAirbyteStream(stream: stream, syncMode: .incremental, destinationSyncMode: .append)
        let plan = StreamPlan(descriptor: stream.descriptor, jsonSchema: preparer.schema(from: schema), writeMode: mode,
                              mergeKeys: mergeKeys, cursorField: cursor)
        let pipeline = SyncPipeline(
            connector: connector, destination: destination ?? IcebergDestination(catalog: catalog, namespace: "raw", mapping: JSONSchemaMapping(nestedAsJSON: nestedAsJSON)),
            stateStore: try stateStore ?? SQLiteStateStore(path: statePath),
            options: SyncOptions(connection: "test", runID: "run-1", commitRecords: commitRecords, commitInterval: .seconds(3600),
                                 stagingDirectory: warehouse + "/staging/run-1", archiveDirectory: warehouse + "/archive/run-1"))
        return try await pipeline.run(config: [:], streams: [SyncStream(configured: configured, plan: plan, preparer: preparer)])
    }

    /// The summaries of the table's snapshots, oldest first, as pyiceberg reads them.
    func snapshotSummaries(_ table: String = "items") async throws -> [[String: String]] {
        let output = try await Self.python("""
            import json
            from pyiceberg.catalog.sql import SqlCatalog
            t = SqlCatalog("default", uri="sqlite:///\(catalogPath)", warehouse="file://\(warehouse)").load_table("raw.\(table)")
            print(json.dumps([{k: str(v) for k, v in s.summary.additional_properties.items()} | {"operation": str(s.summary.operation)}
                              for s in t.metadata.snapshots]))
            """)
        let rows = try JSONParser.parse(output.split(separator: "\n").last.map(String.init) ?? "[]").arrayValue ?? []
        return rows.map { row in
            var summary: [String: String] = [:]
            for (key, value) in row.objectValue ?? [:] { summary[key] = value.stringValue ?? "" }
            return summary
        }
    }

    /// The saved checkpoint.
    func savedStates() throws -> [AirbyteStateMessage] {
        try SQLiteStateStore(path: statePath).states(connection: "test")
    }

    /// The table's rows as pyiceberg reads them, by id (timestamps as ISO text).
    func rows(_ table: String = "items") async throws -> [Int64: JSONObject] {
        let output = try await Self.python("""
            import json, datetime
            from pyiceberg.catalog.sql import SqlCatalog
            t = SqlCatalog("default", uri="sqlite:///\(catalogPath)", warehouse="file://\(warehouse)").load_table("raw.\(table)")
            def plain(v):
                if isinstance(v, (datetime.datetime, datetime.date)): return v.isoformat()
                return v
            print(json.dumps([{k: plain(v) for k, v in r.items()} for r in t.scan().to_arrow().to_pylist()]))
            print(len(t.metadata.snapshots))
            """)
        let lines = output.split(separator: "\n").map(String.init)
        let rows = try JSONParser.parse(lines.count >= 2 ? lines[lines.count - 2] : "[]").arrayValue ?? []
        return Dictionary(rows.compactMap { row in row["id"]?.intValue.map { ($0, row.objectValue ?? [:]) } }, uniquingKeysWith: { first, _ in first })
    }

    /// pyiceberg and DuckDB read the table and must agree (`../shared/iceberg/iceberg_verify.py --strict`).
    func verify(_ table: String = "items", rows: Int) async throws {
        let verifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path
        let report = try await ReferencePython.run([verifier, "--catalog", catalogPath, "--warehouse", warehouse, "--namespace", "raw",
                                              "--table", table, "--expect-rows", String(rows), "--strict"])
        #expect(report.hasSuffix("OK\n"), "\(report)")
    }

    func snapshotCount(_ table: String = "items") throws -> Int {
        let catalog = try SQLiteCatalog(path: catalogPath, warehouse: "file://" + warehouse)
        return try catalog.loadTable(namespace: "raw", name: table).metadata.json["snapshots"]?.arrayValue?.count ?? 0
    }

    @discardableResult
    static func python(_ script: String) async throws -> String {
        try await ReferencePython.run(["-c", script])
    }
}
