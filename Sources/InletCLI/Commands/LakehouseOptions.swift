import InletSetup
import ArgumentParser
import Foundation
import InletIceberg
import InletIcebergDestination
import InletJSON
import InletPipeline
import InletPostgres
import InletProtocol

/// Where a connector's streams land and how they are committed: the options `inlet sync` and
/// `inlet import` share, and the run both make through the pipeline.
struct LakehouseOptions: ParsableArguments {
    @Option(name: .long, help: "The Iceberg catalog: rest:http(s)://… (an Iceberg REST catalog), sql:postgres://user@host:port/db (PostgreSQL; the password from the URL or PGPASSWORD) or sql:sqlite:PATH; default: SQLite in <data-dir>/catalog.db. A path to a JSON file is read as --configured-catalog.")
    var catalog: String?

    @Option(name: .customLong("state-store"), help: "Where checkpoints are kept: sql:postgres://user@host:port/db (any machine can resume; the password from the URL or PGPASSWORD) or sql:sqlite:PATH; default: <data-dir>/state.db.")
    var stateStore: String?

    @Option(name: .customLong("catalog-config"), help: "A JSON file with the catalog's settings: credential (client_id:client_secret for OAuth2), token, warehouse, oauth2-server-uri, scope (REST); name (the SQL catalog_name, default \"default\").")
    var catalogConfig: String?

    @Option(name: .long, help: "Where Inlet keeps its warehouse, catalog, state and keys.")
    var dataDir = "inlet-data"

    @Option(name: .long, help: "The warehouse: a directory (default: <data-dir>/warehouse) or s3://bucket/prefix (credentials, region and endpoint from --s3-config, else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL_S3). With a REST catalog: the warehouse the server is asked for.")
    var warehouse: String?

    @Option(name: .customLong("s3-config"), help: "A JSON file with endpoint, region, access_key_id, secret_access_key, session_token, path_style for an s3:// warehouse.")
    var s3Config: String?

    @Option(name: .long, help: "The namespace the tables go to.")
    var namespace = "raw"

    @Flag(name: .long, help: "Leave out the ingestion metadata columns.")
    var noIngestionMetadata = false

    @Flag(name: .long, help: "Write nested objects and arrays as JSON strings instead of structs and lists.")
    var nestedAsJson = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Keep committed staging batches under <warehouse>/archive/<run_id>/.")
    var archiveStaging = true

    @Option(name: .long, help: "Names the connection whose checkpoint is kept; default: the connector's name and where it lands (catalog, warehouse, namespace).")
    var connection: String?

    @Option(name: .long, help: "Commit (an import: write a data file) once this many records are buffered; default 100,000 (50,000 for imports, to keep their memory low).")
    var commitRecords: Int?

    @Option(name: .long, help: "Commit at least this often (seconds).")
    var commitSeconds = 30

    @Option(name: .long, help: "Written to the dag_job_id column (default: $INLET_DAG_JOB_ID).")
    var dagJobId: String?

    @Option(name: .long, help: "Threads writing data files.")
    var workers = 2

    /// What lands: the configured streams and how each is written.
    struct Plan {
        var streams: [ConfiguredAirbyteStream]
        var writeMode: WriteMode?
        var mergeKeys: [String]?
        var transformations: [ColumnTransformation]
        /// Appends land in one snapshot at the end, or not at all (file imports).
        var appendsAtomically = false
        /// A file whose records these are (an import): archived whole instead of staging its records
        /// again as JSON lines.
        var sourceFile: String?
        /// Records buffered before a commit when `--commit-records` does not say.
        var defaultCommitRecords = 100_000
        /// The `--config` file, rewritten when the connector replaces its config (a rotated token).
        var configFile: String?
    }

    /// Rewrites the `--config` file with a config the connector replaced.
    static func configKeeper(_ path: String?) -> (@Sendable (JSONObject) throws -> Void)? {
        guard let path else { return nil }
        return { config in try ConfigFile.replace(atPath: path, with: config) }
    }

    static func writeMode(_ name: String?) throws(CLIError) -> WriteMode? {
        guard let name else { return nil }
        guard let mode = WriteMode(rawValue: name) else { throw CLIError("--mode \(name): expected append, overwrite or merge") }
        return mode
    }

    /// Runs the connector's read of the plan's streams into the lakehouse (or JSON lines), with the
    /// progress line on a terminal; returns the summary, or throws after writing it to stderr.
    func land(connector: any Connector, config configObject: JSONObject, destinationKind destination: String,
              environment: CommandEnvironment, plan: Plan) async throws -> String {
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

        let metadata = noIngestionMetadata ? nil : SyncPlanning.Metadata(
            runID: runID, dagJobID: dagJobId ?? ProcessInfo.processInfo.environment["INLET_DAG_JOB_ID"])
        let selected = try SyncPlanning.streams(plan.streams, writeMode: plan.writeMode, mergeKeys: plan.mergeKeys,
                                                transformations: plan.transformations, metadata: metadata, keyStore: keyStore,
                                                appendsAtomically: plan.appendsAtomically)

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
        let options = SyncOptions(connection: connection ?? defaultConnection(connector: connector.name, warehouse: setup, destination: destination),
                                  runID: runID, commitRecords: max(1, commitRecords ?? plan.defaultCommitRecords),
                                  commitInterval: .seconds(max(1, commitSeconds)),
                                  stagingDirectory: plan.sourceFile == nil ? warehouseDirectory + "/staging/" + runID : nil,
                                  archiveDirectory: archiveStaging && plan.sourceFile == nil ? warehouseDirectory + "/archive/" + runID : nil,
                                  keepConnectorConfig: Self.configKeeper(plan.configFile))
        let display = ProgressDisplay(output: environment.standardError)
        let pipeline = SyncPipeline(connector: connector, destination: target, stateStore: KillBeforeStateSave.wrapping(stateStore), options: options,
                                    progress: { display.show($0) })
        let place = { (stream: String) in summaryPlace(stream, destination: destination) }
        do {
            let progress = try await pipeline.run(config: configObject, streams: selected)
            display.finish()
            try? FileManager.default.removeItem(atPath: warehouseDirectory + "/staging/" + runID)
            var summary = SyncCommand.summary(progress, runID: runID, target: summaryTarget(setup.description, destination: destination), place: place)
            if let sourceFile = plan.sourceFile, archiveStaging {
                do {
                    try SourceFileArchive.keep(sourceFile, in: warehouseDirectory + "/archive/" + runID)
                    summary += "\n  the file is archived under archive/\(runID)/"
                } catch {
                    summary += "\n  the file could not be archived: \(error)"
                }
            }
            return summary
        } catch {
            display.finish()
            environment.standardError.write(line: SyncCommand.summary(error.progress, runID: runID,
                                                                      target: summaryTarget(setup.description, destination: destination), place: place))
            throw error
        }
    }

    /// The connection a sync's checkpoints are kept under when `--connection` names none: the
    /// connector and where its records land (catalog, warehouse, namespace), so that the same source
    /// synced into other tables reads them whole instead of resuming from the other tables' state.
    func defaultConnection(connector: String, warehouse: WarehouseSetup, destination: String) -> String {
        let target = destination == "jsonl" ? "jsonl:" + URL(fileURLWithPath: dataDir + "/jsonl").standardizedFileURL.path
                                            : "\(warehouse.identity) namespace \(namespace)"
        return "\(connector) → \(target)"
    }

    /// The checkpoint store `--state-store` names, else the SQLite file in the data directory.
    func openStateStore() throws -> any StateStore {
        try StateStores.open(spec: stateStore, dataDirectory: dataDir)
    }

    /// `--catalog` when it names an Iceberg catalog rather than a configured catalog file.
    var icebergCatalogSpec: String? {
        guard let catalog, ["rest:", "sql:"].contains(where: { catalog.hasPrefix($0) }) else { return nil }
        return catalog
    }

    /// `--catalog-config`'s settings.
    func catalogSettings() throws(CLIError) -> [String: String] {
        try settings(in: catalogConfig, role: "catalog config", known: ["credential", "token", "warehouse", "oauth2-server-uri", "scope", "name"])
    }

    /// `--s3-config`'s settings as text; a value of another type is refused without echoing it (the file holds secrets).
    func s3Settings() throws(CLIError) -> [String: String] {
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

    /// Where the summary says the records went, and where each stream's went.
    func summaryTarget(_ warehouse: String, destination: String) -> String {
        destination == "jsonl" ? "json lines in \(dataDir)/jsonl" : warehouse
    }

    func summaryPlace(_ stream: String, destination: String) -> String {
        destination == "jsonl" ? "\(stream).jsonl" : "\(namespace).\(IcebergDestination.tableName(for: stream))"
    }
}
