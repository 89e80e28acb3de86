import InletSetup
import ArgumentParser
import Foundation
import InletIceberg
import InletIcebergDestination
import InletJSON
import InletPipeline
import InletPostgres
import InletProtocol

/// `inlet sync`: reads a connector's streams into Iceberg tables, checkpointing as it commits.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync a connector's streams into Iceberg tables (local warehouse and SQLite catalog by default).",
        discussion: """
            Every selected stream lands as the table <namespace>.<stream>. State is saved only after the \
            records before it are committed, so a sync that stops (even killed) resumes where it left off.
            """
    )

    @OptionGroup var connectorOptions: ConnectorSelectionOptions

    @Option(name: .long, help: "Path to the JSON config file.")
    var config: String

    @Option(name: .long, help: "The Iceberg catalog: rest:http(s)://… (an Iceberg REST catalog), sql:postgres://user@host:port/db (PostgreSQL; the password from the URL or PGPASSWORD) or sql:sqlite:PATH; default: SQLite in <data-dir>/catalog.db. A path to a JSON file is read as --configured-catalog.")
    var catalog: String?

    @Option(name: .customLong("state-store"), help: "Where checkpoints are kept: sql:postgres://user@host:port/db (any machine can resume; the password from the URL or PGPASSWORD) or sql:sqlite:PATH; default: <data-dir>/state.db.")
    var stateStore: String?

    @Option(name: .customLong("catalog-config"), help: "A JSON file with the catalog's settings: credential (client_id:client_secret for OAuth2), token, warehouse, oauth2-server-uri, scope (REST); name (the SQL catalog_name, default \"default\").")
    var catalogConfig: String?

    @Option(name: .customLong("configured-catalog"), help: "A configured catalog (JSON) to sync; default: every stream the connector discovers.")
    var configuredCatalog: String?

    @Option(name: .long, help: "Only these streams (comma-separated), of the discovered ones.")
    var streams: String?

    @Option(name: .long, help: "Where Inlet keeps its warehouse, catalog, state and keys.")
    var dataDir = "inlet-data"

    @Option(name: .long, help: "The warehouse: a directory (default: <data-dir>/warehouse) or s3://bucket/prefix (credentials, region and endpoint from --s3-config, else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL_S3). With a REST catalog: the warehouse the server is asked for.")
    var warehouse: String?

    @Option(name: .customLong("s3-config"), help: "A JSON file with endpoint, region, access_key_id, secret_access_key, session_token, path_style for an s3:// warehouse.")
    var s3Config: String?

    @Option(name: .long, help: "The namespace the tables go to.")
    var namespace = "raw"

    @Option(name: .long, help: "append, overwrite or merge; default: overwrite for full refresh, merge for incremental streams with a primary key, else append.")
    var mode: String?

    @Option(name: .long, help: "Merge key columns (comma-separated); default: the stream's primary key.")
    var merge: String?

    @Option(name: .long, help: "A JSON file of column transformations (cast, drop, encrypt, rename).")
    var transform: String?

    @Flag(name: .long, help: "Leave out the ingestion metadata columns.")
    var noIngestionMetadata = false

    @Flag(name: .long, help: "Write nested objects and arrays as JSON strings instead of structs and lists.")
    var nestedAsJson = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Keep committed staging batches under <warehouse>/archive/<run_id>/.")
    var archiveStaging = true

    @Option(name: .long, help: "Names the connection whose checkpoint is kept; default: the connector's name and where it lands (catalog, warehouse, namespace).")
    var connection: String?

    @Option(name: .long, help: "Commit once this many records are buffered.")
    var commitRecords = 100_000

    @Option(name: .long, help: "Commit at least this often (seconds).")
    var commitSeconds = 30

    @Option(name: .long, help: "Written to the dag_job_id column (default: $INLET_DAG_JOB_ID).")
    var dagJobId: String?

    @Option(name: .long, help: "Threads writing data files.")
    var workers = 2

    @Option(name: .long, help: "iceberg (default), or jsonl: each stream as <data-dir>/jsonl/<stream>.jsonl, for debugging.")
    var destination = "iceberg"

    func execute(in environment: CommandEnvironment) async -> Int32 {
        do {
            let summary = try await sync(environment: environment)
            environment.standardOutput.write(line: summary)
            return 0
        } catch {
            environment.standardError.write(line: "inlet: sync failed: \(error)")
            return 1
        }
    }

    private func sync(environment: CommandEnvironment) async throws -> String {
        let connector = try environment.resolver.connector(for: connectorOptions.selection)
        let configObject = try InputFiles.config(at: config)
        let writeMode = try mode.map { (name) throws(CLIError) -> WriteMode in
            guard let mode = WriteMode(rawValue: name) else { throw CLIError("--mode \(name): expected append, overwrite or merge") }
            return mode
        }
        let transformations = try transform.map { (path) throws -> [ColumnTransformation] in
            try ColumnTransformation.list(from: try InputFiles.json(at: path, role: "transformations"))
        } ?? []

        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let setup = try WarehouseSetup.open(catalogSpec: icebergCatalogSpec, warehouse: warehouse, dataDir: dataDir,
                                            s3Settings: try s3Settings(), catalogSettings: try catalogSettings()) { [standardError = environment.standardError] notice in
            standardError.write(line: "inlet: retrying: \(notice)")
        }
        // The catalog's and storage's connections are closed when the sync ends, however it ends.
        defer { setup.close() }
        let warehouseDirectory = setup.localDirectory
        let stateStore = try openStateStore()
        defer { StateStores.close(stateStore) }
        let keyStore = try KeyStore(path: dataDir + "/keys.json")
        let runID = UUID().uuidString.lowercased()

        let configured = try await configuredStreams(connector: connector, config: configObject)
        let mergeKeys = merge.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        let metadata = noIngestionMetadata ? nil : SyncPlanning.Metadata(
            runID: runID, dagJobID: dagJobId ?? ProcessInfo.processInfo.environment["INLET_DAG_JOB_ID"])
        let selected = try SyncPlanning.streams(configured, writeMode: writeMode, mergeKeys: mergeKeys, transformations: transformations,
                                                metadata: metadata, keyStore: keyStore)

        let target: any Destination
        switch destination {
        case "iceberg":
            target = IcebergDestination(catalog: setup.catalog, namespace: namespace, mapping: JSONSchemaMapping(nestedAsJSON: nestedAsJson),
                                        workers: max(1, workers))
        case "jsonl":
            target = JSONLinesDestination(directory: dataDir + "/jsonl")
        default:
            throw CLIError("--destination \(destination): expected iceberg or jsonl")
        }
        let options = SyncOptions(connection: connection ?? defaultConnection(connector: connector.name, warehouse: setup), runID: runID, commitRecords: max(1, commitRecords),
                                  commitInterval: .seconds(max(1, commitSeconds)),
                                  stagingDirectory: warehouseDirectory + "/staging/" + runID,
                                  archiveDirectory: archiveStaging ? warehouseDirectory + "/archive/" + runID : nil)
        let display = ProgressDisplay(output: environment.standardError)
        let pipeline = SyncPipeline(connector: connector, destination: target, stateStore: KillBeforeStateSave.wrapping(stateStore), options: options,
                                    progress: { display.show($0) })
        do {
            let progress = try await pipeline.run(config: configObject, streams: selected)
            display.finish()
            try? FileManager.default.removeItem(atPath: warehouseDirectory + "/staging/" + runID)
            return Self.summary(progress, runID: runID, target: summaryTarget(setup.description), place: summaryPlace)
        } catch {
            display.finish()
            environment.standardError.write(line: Self.summary(error.progress, runID: runID, target: summaryTarget(setup.description),
                                                               place: summaryPlace))
            throw error
        }
    }

    /// The connection a sync's checkpoints are kept under when `--connection` names none: the
    /// connector and where its records land (catalog, warehouse, namespace), so that the same source
    /// synced into other tables reads them whole instead of resuming from the other tables' state.
    private func defaultConnection(connector: String, warehouse: WarehouseSetup) -> String {
        let target = destination == "jsonl" ? "jsonl:" + URL(fileURLWithPath: dataDir + "/jsonl").standardizedFileURL.path
                                            : "\(warehouse.identity) namespace \(namespace)"
        return "\(connector) → \(target)"
    }

    /// The checkpoint store `--state-store` names, else the SQLite file in the data directory.
    private func openStateStore() throws -> any StateStore {
        try StateStores.open(spec: stateStore, dataDirectory: dataDir)
    }

    /// `--catalog` when it names an Iceberg catalog rather than a configured catalog file.
    private var icebergCatalogSpec: String? {
        guard let catalog, ["rest:", "sql:"].contains(where: { catalog.hasPrefix($0) }) else { return nil }
        return catalog
    }

    /// `--catalog-config`'s settings.
    private func catalogSettings() throws(CLIError) -> [String: String] {
        try settings(in: catalogConfig, role: "catalog config", known: ["credential", "token", "warehouse", "oauth2-server-uri", "scope", "name"])
    }

    /// `--s3-config`'s settings as text; a value of another type is refused without echoing it (the file holds secrets).
    private func s3Settings() throws(CLIError) -> [String: String] {
        try settings(in: s3Config, role: "S3 config", known: ["endpoint", "region", "access_key_id", "secret_access_key", "session_token", "path_style"])
    }

    private func settings(in path: String?, role: String, known: Set<String>) throws(CLIError) -> [String: String] {
        guard let path else { return [:] }
        guard case .object(let object) = try InputFiles.json(at: path, role: role) else {
            throw CLIError("\(role) file \(path) must hold a JSON object")
        }
        var settings: [String: String] = [:]
        for (key, value) in object {
            guard known.contains(key) else { throw CLIError("\(role) file \(path): unknown setting '\(key)' (expected \(known.sorted().joined(separator: ", ")))") }
            switch value {
            case .string(let text): settings[key] = text
            case .bool(let flag): settings[key] = flag ? "true" : "false"
            default: throw CLIError("\(role) file \(path): '\(key)' must be a string")
            }
        }
        return settings
    }

    /// The streams to sync: the catalog file's, or the discovered ones (all, or those named).
    private func configuredStreams(connector: any Connector, config: JSONObject) async throws -> [ConfiguredAirbyteStream] {
        if let configured = configuredCatalog ?? (icebergCatalogSpec == nil ? catalog : nil) {
            return try InputFiles.catalog(at: configured).streams
        }
        let discovered = try await connector.catalog(config: config).streams
        let wanted = streams.map { Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
        do {
            return try SyncPlanning.configuredStreams(discovered: discovered, wanted: wanted)
        } catch {
            throw CLIError("--streams names \(error.message)")
        }
    }

    /// Where the summary says the records went, and where each stream's went.
    private func summaryTarget(_ warehouse: String) -> String {
        destination == "jsonl" ? "json lines in \(dataDir)/jsonl" : warehouse
    }

    private func summaryPlace(_ stream: String) -> String {
        destination == "jsonl" ? "\(stream).jsonl" : "\(namespace).\(IcebergDestination.tableName(for: stream))"
    }

    static func summary(_ progress: SyncProgress, runID: String, target: String, place: (String) -> String) -> String {
        let seconds = Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18
        let records = progress.streams.reduce(0) { $0 + $1.received }
        var lines = ["sync \(runID): \(records) record\(records == 1 ? "" : "s") in \(String(format: "%.2f", seconds)) s"
                     + " (\(Int(Double(records) / max(seconds, 0.001))) records/s), \(target)"]
        for stream in progress.streams {
            var line = "  \(place(stream.name)): \(stream.received) read, \(stream.committed) committed, "
                + "\(stream.snapshots) snapshot\(stream.snapshots == 1 ? "" : "s"), \(ByteCountText.text(stream.bytes))"
            if stream.nulledValues > 0 { line += ", \(stream.nulledValues) values that did not fit their column written as null" }
            lines.append(line)
        }
        lines.append("  \(progress.statesSaved) checkpoint\(progress.statesSaved == 1 ? "" : "s") saved")
        for (stream, count) in progress.rereadAfterRestart.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(stream): the previous sync stopped after committing \(count) records past its last checkpoint;"
                         + " they were read again (an append table may hold them twice)")
        }
        for (stream, count) in progress.heldBackAfterFailure.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(stream): \(count) records after the last checkpoint were not committed; the next sync reads them again")
        }
        for stream in progress.resumedFromTableCheckpoint {
            lines.append("  \(stream): the previous sync stopped between a commit and its checkpoint save;"
                         + " resumed from the checkpoint the table's last commit carries, so nothing was read twice")
        }
        if progress.ignoredRecords > 0 { lines.append("  \(progress.ignoredRecords) records of streams not selected were ignored") }
        return lines.joined(separator: "\n")
    }
}

enum ByteCountText {
    static func text(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}

/// Records/s per stream on one line of stderr, redrawn each second, when stderr is a terminal.
final class ProgressDisplay: @unchecked Sendable {
    private let output: any OutputSink
    private let isTerminal = isatty(2) == 1
    private let lock = NSLock()
    private var shown = false

    init(output: any OutputSink) {
        self.output = output
    }

    func show(_ progress: SyncProgress) {
        guard isTerminal else { return }
        let seconds = max(Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18, 0.001)
        let parts = progress.streams.map { "\($0.name) \($0.received) (\(Int(Double($0.received) / seconds))/s)" }
        lock.lock()
        defer { lock.unlock() }
        output.write(Array(("\r\u{1B}[K" + parts.joined(separator: " · ")).utf8))
        shown = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { output.write(Array("\r\u{1B}[K".utf8)) }
    }
}
