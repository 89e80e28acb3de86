import Foundation
import InletIcebergDestination
public import InletJSON
import InletJSONSchema
public import InletPipeline
public import InletProtocol
import InletSetup
import Synchronization

/// One sync of a connection, run to its end: the source's connector through the same pipeline as
/// `inlet sync`, into the tenant's own catalog and warehouse, resuming from the connection's
/// checkpoint. Its record is kept up to date in the store, and its log collects the connector's
/// LOG lines and the pipeline's, with secrets masked.
struct SyncExecution: Sendable {
    let service: IngestionService
    let sync: SyncRecord

    private var store: any ServiceStore { service.store }

    func run() async {
        var record = sync
        let started = Date()
        record.status = .running
        save(record)
        log(["service: sync \(sync.id) of connection \(sync.connectionID) started"])
        do {
            let progress = try await execute()
            record.status = .succeeded
            record.streams = progress.streams.map { .init(name: $0.name, recordsSynced: Int64($0.committed), bytesSynced: $0.bytes, status: "SUCCEEDED") }
            log(["service: sync succeeded: \(progress.streams.reduce(0) { $0 + $1.committed }) records committed"])
        } catch let failure as SyncFailure {
            let cancelled = Task.isCancelled
            record.status = cancelled ? .cancelled : .failed
            record.failureReason = cancelled ? nil : failure.reason
            record.streams = (failure.progress?.streams ?? []).map {
                .init(name: $0.name, recordsSynced: Int64($0.committed), bytesSynced: $0.bytes, status: cancelled ? "CANCELLED" : "FAILED")
            }
            log([cancelled ? "service: sync cancelled; what was committed stays, with its checkpoint" : "service: sync failed: \(failure.reason.message)"])
        } catch {
            record.status = Task.isCancelled ? .cancelled : .failed
            record.failureReason = Task.isCancelled ? nil : FailureReason(type: "system_error", origin: .service, message: "\(error)")
        }
        record.recordsSynced = record.streams.reduce(0) { $0 + $1.recordsSynced }
        record.bytesSynced = record.streams.reduce(0) { $0 + $1.bytesSynced }
        record.completedAt = Timestamp.now()
        record.durationMs = Int64(Date().timeIntervalSince(started) * 1000)
        // The tables' metadata goes out before the run shows as ended, so that a client seeing it
        // ended finds the metadata there too.
        await service.emitGovernance(of: record)
        save(record)
        service.jobRunEnded(connectionID: sync.connectionID, tenant: sync.tenant, sync: record)
        service.syncFinished(record)
        if var connection = try? store.connection(tenant: sync.tenant, id: sync.connectionID) {
            connection.lastSyncAt = record.completedAt
            connection.status = record.status == .succeeded ? .active : record.status == .failed ? .failed : connection.status
            try? store.save(connection)
        }
    }

    private func save(_ record: SyncRecord) {
        do { try store.save(record) } catch { log(["service: saving the sync's record failed: \(error)"]) }
    }

    private func log(_ lines: [String]) {
        try? store.appendLog(syncID: sync.id, lines: lines)
    }

    private func execute() async throws(SyncFailure) -> SyncProgress {
        let tenant = sync.tenant
        let work: SyncWork
        do {
            let connection = try service.connection(tenant: tenant, id: sync.connectionID)
            let source = try service.source(tenant: tenant, id: connection.sourceID)
            let connector = try service.connector(source.connectorType)
            let specification = try await service.specification(of: connector)
            let config = try SourceSecrets(specification: specification, keyStore: service.keyStore).opened(source.sealedConfig)
            let secrets = AirbyteSecrets.values(in: .object(config), specification: specification)
            var prepared = SyncWork(tenant: tenant, syncID: sync.id, jobID: connection.jobID, connection: connection, connector: connector, config: config,
                            secrets: secrets, configuration: service.configuration, keyStore: service.keyStore) { [store, syncID = sync.id] lines in
                try? store.appendLog(syncID: syncID, lines: lines)
            }
            prepared.keepConnectorConfig = { [service, sourceID = source.id] replaced in
                try service.keepReplacedConfig(replaced, tenant: tenant, sourceID: sourceID, specification: specification)
            }
            work = prepared
        } catch {
            throw SyncFailure(reason: FailureReason(type: "system_error", origin: .service, message: error.message))
        }
        return try await work.run()
    }
}

/// Why a sync failed, with what it committed before.
public struct SyncFailure: Error, Sendable {
    public var reason: FailureReason
    public var progress: SyncProgress?

    public init(reason: FailureReason, progress: SyncProgress? = nil) {
        self.reason = reason
        self.progress = progress
    }
}

/// The work of one sync, wherever it runs (the service, or `inlet run-job` on an Airflow worker):
/// the connector read through the pipeline into the tenant's catalog and warehouse, resuming from
/// the connection's checkpoint, with LOG lines and progress going to `log`, secrets masked.
public struct SyncWork: Sendable {
    public var tenant: String
    public var syncID: String
    public var jobID: String?
    public var connection: ConnectionRecord
    public var connector: any Connector
    public var config: JSONObject
    public var secrets: [String]
    public var configuration: ServiceConfiguration
    public var keyStore: KeyStore
    public var log: @Sendable ([String]) -> Void
    /// Appends land in one snapshot at the end, or not at all (file imports).
    public var appendsAtomically = false
    /// A file whose records these are (an import): archived whole instead of staging its records.
    public var sourceFile: String?
    /// Records buffered before a commit, when not the service's setting (imports buffer less).
    public var commitRecords: Int?
    /// Keeps a config the connector replaced mid-sync (a rotated refresh token) where the source's
    /// config lives, before the sync goes on.
    public var keepConnectorConfig: (@Sendable (JSONObject) throws -> Void)?

    public init(tenant: String, syncID: String, jobID: String?, connection: ConnectionRecord, connector: any Connector, config: JSONObject,
                secrets: [String], configuration: ServiceConfiguration, keyStore: KeyStore, log: @escaping @Sendable ([String]) -> Void) {
        self.tenant = tenant
        self.syncID = syncID
        self.jobID = jobID
        self.connection = connection
        self.connector = connector
        self.config = config
        self.secrets = secrets
        self.configuration = configuration
        self.keyStore = keyStore
        self.log = log
    }

    public func run() async throws(SyncFailure) -> SyncProgress {
        let discovered: [AirbyteStream]
        do { discovered = try await connector.catalog(config: config).streams } catch {
            throw SyncFailure(reason: IngestionService.failureReason(error, origin: .source, secrets: secrets))
        }
        let configuration = self.configuration
        let setup: WarehouseSetup
        let selected: [SyncStream]
        do throws(SetupError) {
            var configured = try SyncPlanning.configuredStreams(discovered: discovered, wanted: connection.selectedStreams.map(Set.init))
            if connection.syncMode == .fullRefresh {
                configured = configured.map { stream in
                    var stream = stream
                    stream.syncMode = .fullRefresh
                    stream.destinationSyncMode = .overwrite
                    return stream
                }
            }
            let transformations: [ColumnTransformation]
            do { transformations = try ColumnTransformation.list(from: connection.columnTransformations) } catch {
                throw SetupError("columnTransformations: \(error)")
            }
            selected = try SyncPlanning.streams(
                configured, writeMode: connection.writeMode.flatMap(WriteMode.init(rawValue:)), mergeKeys: connection.mergeKeys,
                transformations: transformations,
                metadata: connection.addIngestionMetadata ? .init(runID: syncID, dagJobID: jobID) : nil, keyStore: keyStore,
                appendsAtomically: appendsAtomically)
            var catalogSettings = configuration.catalogSettings
            catalogSettings["name"] = tenant
            do {
                setup = try WarehouseSetup.open(catalogSpec: configuration.catalogSpec, warehouse: configuration.warehouse(of: tenant),
                                                dataDir: configuration.dataDirectory, s3Settings: configuration.s3Settings,
                                                catalogSettings: catalogSettings) { [log] notice in
                    log(["destination: retrying: \(notice)"])
                }
            } catch {
                throw SetupError("the destination cannot be opened: \(error)")
            }
        } catch {
            throw SyncFailure(reason: FailureReason(type: "config_error", origin: .service, message: error.message))
        }
        defer { setup.close() }
        let stateStore: any StateStore
        do { stateStore = try StateStores.open(spec: configuration.stateStoreSpec, dataDirectory: configuration.dataDirectory) } catch {
            throw SyncFailure(reason: FailureReason(type: "system_error", origin: .service, message: AirbyteSecrets.mask(error.message, secrets: [])))
        }
        defer { StateStores.close(stateStore) }
        let staging = setup.localDirectory + "/staging/" + syncID
        let options = SyncOptions(connection: "service tenant \(tenant) connection \(connection.id)", runID: syncID,
                                  commitRecords: commitRecords ?? configuration.commitRecords, commitInterval: .seconds(30),
                                  stagingDirectory: sourceFile == nil ? staging : nil,
                                  archiveDirectory: connection.archiveStaging && sourceFile == nil ? setup.localDirectory + "/archive/" + syncID : nil,
                                  keepConnectorConfig: keepConnectorConfig)
        let logged = LoggedConnector(wrapped: connector, secrets: secrets, log: log)
        let destination = IcebergDestination(catalog: setup.catalog, namespace: connection.targetSchema,
                                             mapping: JSONSchemaMapping(nestedAsJSON: false), workers: 2)
        let committed = CommittedCounts()
        let pipeline = SyncPipeline(connector: logged, destination: destination, stateStore: stateStore, options: options) { [log] progress in
            // A line each time a stream's committed records grew (the pipeline reports every second).
            let lines = committed.changes(in: progress).map { stream in
                "pipeline: \(connection.targetSchema).\(stream.name): \(stream.received) read, \(stream.committed) committed, "
                    + "\(stream.snapshots) snapshot\(stream.snapshots == 1 ? "" : "s")"
            }
            if !lines.isEmpty { log(lines) }
        }
        do {
            let progress = try await pipeline.run(config: config, streams: selected)
            try? FileManager.default.removeItem(atPath: staging)
            if let sourceFile, connection.archiveStaging {
                do { try SourceFileArchive.keep(sourceFile, in: setup.localDirectory + "/archive/" + syncID) } catch {
                    log(["archive: \(error)"])
                }
            }
            return progress
        } catch {
            let origin: FailureReason.Origin = error.description.hasPrefix("the connector ") ? .source : .destination
            throw SyncFailure(reason: FailureReason(type: "system_error", origin: origin,
                                                    message: AirbyteSecrets.mask(error.description, secrets: secrets)),
                              progress: error.progress)
        }
    }
}

/// The committed records last logged per stream.
private final class CommittedCounts: Sendable {
    private let logged = Mutex<[String: Int]>([:])

    /// The streams whose committed records grew since the last call.
    func changes(in progress: SyncProgress) -> [SyncProgress.Stream] {
        logged.withLock { logged in
            progress.streams.filter { stream in
                defer { logged[stream.name] = stream.committed }
                return stream.committed > (logged[stream.name] ?? 0)
            }
        }
    }
}
