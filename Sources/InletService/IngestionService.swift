import Foundation
public import InletJSON
import InletJSONSchema
import InletPipeline
public import InletProtocol
public import InletSetup
import Synchronization

/// The ingestion service's domain: tenants' sources, connections and syncs, kept in a store, run
/// through the same connectors and pipeline as `inlet sync`. It knows nothing of HTTP: every call
/// names its tenant, and another tenant's ids are simply not found.
public final class IngestionService: Sendable {
    let store: any ServiceStore
    let configuration: ServiceConfiguration
    let resolver: any ConnectorResolver
    let keyStore: KeyStore
    let runner: SyncRunner
    /// Runs being handed to the orchestrator (waiting for it to parse a DAG file, or to come back).
    let handOffs = SyncRunner(capacity: 64)
    private let idempotent: IdempotentRequests
    /// Told about each sync that ended (metrics).
    let syncFinished: @Sendable (SyncRecord) -> Void
    /// Where jobs run when not here (Apache Airflow); nil: every job runs in the service.
    let orchestrator: (any JobOrchestrator)?
    /// Jobs change one at a time (a run ending, a client's change).
    let jobUpdates = Mutex(())
    /// Where jobs' tables get their governance metadata.
    let dataHub: DataHubEmitter

    /// `syncFinished` is told about each sync that ended, however it ended.
    public init(store: any ServiceStore, configuration: ServiceConfiguration, resolver: any ConnectorResolver = DefaultConnectorResolver(),
                orchestrator: (any JobOrchestrator)? = nil,
                syncFinished: @escaping @Sendable (SyncRecord) -> Void = { _ in }) throws(ServiceError) {
        self.store = store
        self.orchestrator = orchestrator
        self.syncFinished = syncFinished
        self.configuration = configuration
        self.resolver = resolver
        do {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            keyStore = try KeyStore(path: configuration.keyStorePath ?? configuration.dataDirectory + "/keys.json")
        } catch {
            throw ServiceError(.internal, "opening the key store in \(configuration.dataDirectory): \(error)")
        }
        runner = SyncRunner(capacity: configuration.maximumConcurrentSyncs)
        dataHub = DataHubEmitter(settings: configuration.dataHub
                                 ?? DataHubSettings(url: nil, token: nil, filePath: configuration.dataDirectory + "/datahub/mcps.json"))
        idempotent = IdempotentRequests(store: store)
    }

    /// Runs `act` once per `key` (an `Idempotency-Key`) and operation: the same key within a day
    /// gets the first successful answer back instead of acting twice.
    public func once(tenant: String, key: String, operation: String,
                     _ act: @escaping @Sendable () async throws -> RememberedAnswer) async throws -> RememberedAnswer {
        try await idempotent.once(tenant: tenant, key: key, operation: operation, act)
    }

    // MARK: - Connector types

    /// The connector types sources can use.
    public func connectorTypes() -> [DefaultConnectorResolver.Available] {
        let available = DefaultConnectorResolver.availableConnectors()
        guard let allowed = configuration.allowedConnectorTypes else { return available }
        return available.filter { allowed.contains($0.name) }
    }

    func connector(_ type: String) throws(ServiceError) -> any Connector {
        guard connectorTypes().contains(where: { $0.name == type }) else {
            throw ServiceError(.invalid, "connectorType: '\(type)' is not a connector type this service runs"
                               + " (GET /api/v1/sources/connector-types lists them)")
        }
        do { return try resolver.connector(for: ConnectorSelection(connector: type)) } catch {
            throw ServiceError(.internal, "connector \(type) cannot be loaded: \(error.message)")
        }
    }

    func specification(of connector: any Connector) async throws(ServiceError) -> JSONValue {
        do { return .object(try await connector.specification().connectionSpecification) } catch {
            throw ServiceError(.internal, "the connector \(connector.name) has no spec: \(error)")
        }
    }

    /// Checks a config against the connector's spec; the first violation names its field, never a secret's value.
    func validate(_ config: JSONObject, specification: JSONValue, field: String = "connectionConfig") throws(ServiceError) {
        let violations = JSONSchemaValidator(schema: specification, options: .init(validatesFormats: false)).validate(.object(config))
        guard let first = violations.first else { return }
        let path = first.path.description.hasPrefix("$") ? String(first.path.description.dropFirst()) : first.path.description
        throw ServiceError(.invalid, "\(field)\(path): \(first.message)")
    }

    // MARK: - Sources

    public func createSource(tenant: String, _ draft: SourceDraft) async throws(ServiceError) -> SourceRecord {
        let connector = try connector(draft.connectorType)
        let specification = try await specification(of: connector)
        try validate(draft.connectionConfig, specification: specification)
        let secrets = SourceSecrets(specification: specification, keyStore: keyStore)
        let source = SourceRecord(id: Self.newID(), tenant: tenant, name: draft.name, description: draft.description,
                                  connectorType: draft.connectorType, sealedConfig: try secrets.sealed(draft.connectionConfig),
                                  status: .inactive, lastTestedAt: nil, failureReason: nil, createdAt: Timestamp.now(), catalog: nil)
        try store.save(source)
        return source
    }

    public func sources(tenant: String) throws(ServiceError) -> [SourceRecord] {
        try store.sources(tenant: tenant)
    }

    public func source(tenant: String, id: String) throws(ServiceError) -> SourceRecord {
        guard let source = try store.source(tenant: tenant, id: id) else { throw ServiceError.notFound("source", id) }
        return source
    }

    /// The source's config with its secrets masked.
    public func maskedConfig(of source: SourceRecord) async throws(ServiceError) -> JSONObject {
        let specification = try await specification(of: try connector(source.connectorType))
        return SourceSecrets(specification: specification, keyStore: keyStore).masked(source.sealedConfig)
    }

    public func updateSource(tenant: String, id: String, _ update: SourceUpdate) async throws(ServiceError) -> SourceRecord {
        var source = try source(tenant: tenant, id: id)
        if let name = update.name { source.name = name }
        if let description = update.description { source.description = description }
        if let config = update.connectionConfig {
            let specification = try await specification(of: try connector(source.connectorType))
            let secrets = SourceSecrets(specification: specification, keyStore: keyStore)
            let merged = secrets.merged(config, over: try secrets.opened(source.sealedConfig))
            try validate(merged, specification: specification)
            let sealed = try secrets.sealed(merged)
            if try secrets.opened(sealed) != (try secrets.opened(source.sealedConfig)) {
                // A changed config needs testing again.
                source.status = .inactive
                source.failureReason = nil
            }
            source.sealedConfig = sealed
        }
        try store.save(source)
        return source
    }

    /// Keeps a config the connector replaced during a sync (a rotated refresh token), sealed as any
    /// source config is, so the next sync starts with the token that still works.
    func keepReplacedConfig(_ config: JSONObject, tenant: String, sourceID: String, specification: JSONValue) throws(ServiceError) {
        var source = try source(tenant: tenant, id: sourceID)
        source.sealedConfig = try SourceSecrets(specification: specification, keyStore: keyStore).sealed(config)
        try store.save(source)
    }

    public func deleteSource(tenant: String, id: String) throws(ServiceError) {
        _ = try source(tenant: tenant, id: id)
        let users = try store.connections(tenant: tenant, sourceID: id)
        guard users.isEmpty else {
            throw ServiceError(.conflict, "source \(id) is used by connection\(users.count == 1 ? "" : "s") "
                               + users.map(\.id).joined(separator: ", ") + "; delete those first")
        }
        try store.deleteSource(tenant: tenant, id: id)
    }

    /// Runs the connector's `check` (within the configured time limit) and records the outcome.
    public func testSource(tenant: String, id: String) async throws(ServiceError) -> SourceRecord {
        var source = try source(tenant: tenant, id: id)
        let connector = try connector(source.connectorType)
        let specification = try await specification(of: connector)
        let secrets = SourceSecrets(specification: specification, keyStore: keyStore)
        let config = try secrets.opened(source.sealedConfig)
        let masked = AirbyteSecrets.values(in: .object(config), specification: specification)
        let outcome = await Self.withTimeLimit(configuration.checkTimeout) {
            try await connector.connectionStatus(config: config)
        }
        switch outcome {
        case .success(let status) where status.status == .succeeded:
            source.status = .active
            source.failureReason = nil
        case .success(let status):
            source.status = .error
            source.failureReason = FailureReason(type: "config_error", message: AirbyteSecrets.mask(status.message ?? "the check failed", secrets: masked))
        case .failure(let error):
            source.status = .error
            source.failureReason = Self.failureReason(error, origin: nil, secrets: masked)
        }
        source.lastTestedAt = Timestamp.now()
        try store.save(source)
        return source
    }

    /// A source's streams, and a few values of each column from its first records.
    public struct Discovery: Sendable {
        public var catalog: AirbyteCatalog
        /// Per stream, per column: up to `sampleSize` distinct values, in the order read.
        public var samples: [String: [String: [JSONValue]]]
    }

    /// Discovers the source's streams, keeps the catalog, and samples each stream's first records
    /// (a full-refresh read, stopped once every stream gave a few records or the check time limit passed).
    public func discoverSource(tenant: String, id: String) async throws(ServiceError) -> Discovery {
        var source = try source(tenant: tenant, id: id)
        let connector = try connector(source.connectorType)
        let specification = try await specification(of: connector)
        let config = try SourceSecrets(specification: specification, keyStore: keyStore).opened(source.sealedConfig)
        let masked = AirbyteSecrets.values(in: .object(config), specification: specification)
        let catalog: AirbyteCatalog
        do { catalog = try await connector.catalog(config: config) } catch {
            let reason = Self.failureReason(error, origin: .source, secrets: masked)
            throw ServiceError(.invalid, "discovering the source's streams failed: \(reason.message)")
        }
        source.catalog = catalog.json
        try store.save(source)
        let secretPaths = Self.secretColumns(of: catalog)
        // What was sampled when the time limit passed is kept.
        let samples = SampleValues(hiding: secretPaths)
        _ = await Self.withTimeLimit(configuration.checkTimeout) {
            try await samples.read(catalog, from: connector, config: config)
        }
        return Discovery(catalog: catalog, samples: samples.values)
    }

    /// Columns whose values must not be shown: those the stream's schema marks `airbyte_secret`.
    private static func secretColumns(of catalog: AirbyteCatalog) -> [String: Set<String>] {
        var hidden: [String: Set<String>] = [:]
        for stream in catalog.streams {
            for (column, schema) in stream.jsonSchema["properties"]?.objectValue ?? [:] where schema["airbyte_secret"] == .bool(true) {
                hidden[stream.name, default: []].insert(column)
            }
        }
        return hidden
    }

    // MARK: - Connections

    public func createConnection(tenant: String, _ draft: ConnectionDraft) async throws(ServiceError) -> ConnectionRecord {
        guard let sourceID = draft.sourceID else { throw ServiceError(.invalid, "sourceId: required") }
        guard let name = draft.name, !name.isEmpty else { throw ServiceError(.invalid, "name: required") }
        let source = try source(tenant: tenant, id: sourceID)
        var connection = ConnectionRecord(
            id: Self.newID(), tenant: tenant, sourceID: source.id, name: name, destinationType: draft.destinationType ?? "iceberg",
            syncSchedule: nil, timeZone: nil, selectedStreams: nil, syncMode: draft.syncMode ?? .fullRefresh, status: .pending,
            lastSyncAt: nil, createdAt: Timestamp.now(), targetSchema: draft.targetSchema ?? "raw", writeMode: nil, mergeKeys: nil,
            columnTransformations: draft.columnTransformations ?? .array([]), archiveStaging: draft.archiveStaging ?? true,
            addIngestionMetadata: draft.addIngestionMetadata ?? true)
        try await apply(draft, to: &connection, source: source)
        try store.save(connection)
        return connection
    }

    public func connections(tenant: String) throws(ServiceError) -> [ConnectionRecord] {
        try store.connections(tenant: tenant, sourceID: nil)
    }

    public func connection(tenant: String, id: String) throws(ServiceError) -> ConnectionRecord {
        guard let connection = try store.connection(tenant: tenant, id: id) else { throw ServiceError.notFound("connection", id) }
        return connection
    }

    public func updateConnection(tenant: String, id: String, _ draft: ConnectionDraft) async throws(ServiceError) -> ConnectionRecord {
        var connection = try connection(tenant: tenant, id: id)
        if let sourceID = draft.sourceID, sourceID != connection.sourceID {
            throw ServiceError(.invalid, "sourceId: a connection's source cannot change; create another connection")
        }
        if let name = draft.name {
            guard !name.isEmpty else { throw ServiceError(.invalid, "name: must not be empty") }
            connection.name = name
        }
        if let destinationType = draft.destinationType { connection.destinationType = destinationType }
        if let syncMode = draft.syncMode { connection.syncMode = syncMode }
        if let targetSchema = draft.targetSchema { connection.targetSchema = targetSchema }
        if let transformations = draft.columnTransformations { connection.columnTransformations = transformations }
        if let archive = draft.archiveStaging { connection.archiveStaging = archive }
        if let metadata = draft.addIngestionMetadata { connection.addIngestionMetadata = metadata }
        try await apply(draft, to: &connection, source: try source(tenant: tenant, id: connection.sourceID))
        try store.save(connection)
        return connection
    }

    public func deleteConnection(tenant: String, id: String) async throws(ServiceError) {
        _ = try connection(tenant: tenant, id: id)
        if let running = try runningSync(tenant: tenant, connectionID: id) {
            throw ServiceError(.conflict, "connection \(id) has sync \(running.id) running; cancel it first")
        }
        try store.deleteConnection(tenant: tenant, id: id)
    }

    /// Checks and applies what a draft changes that depends on the source: streams, schedule, modes.
    private func apply(_ draft: ConnectionDraft, to connection: inout ConnectionRecord, source: SourceRecord) async throws(ServiceError) {
        guard connection.destinationType == "iceberg" else {
            throw ServiceError(.invalid, "destinationType: '\(connection.destinationType)' is not supported (iceberg is)")
        }
        if let schedule = draft.syncSchedule {
            if let schedule { _ = try CronSchedule(schedule, field: "syncSchedule") }
            connection.syncSchedule = schedule
        }
        if let timeZone = draft.timeZone {
            if let timeZone, TimeZone(identifier: timeZone) == nil {
                throw ServiceError(.invalid, "timeZone: '\(timeZone)' is not a time zone name (e.g. Europe/Berlin)")
            }
            connection.timeZone = timeZone
        }
        if let writeMode = draft.writeMode {
            if let writeMode, WriteMode(rawValue: writeMode) == nil {
                throw ServiceError(.invalid, "writeMode: '\(writeMode)' is not append, overwrite or merge")
            }
            connection.writeMode = writeMode
        }
        if let mergeKeys = draft.mergeKeys { connection.mergeKeys = mergeKeys }
        if connection.syncMode == .cdc {
            throw ServiceError(.invalid, "syncMode: source \(source.id) (\(source.connectorType)) does not support CDC")
        }
        do { _ = try ColumnTransformation.list(from: connection.columnTransformations) } catch {
            throw ServiceError(.invalid, "columnTransformations: \(error)")
        }
        if let selected = draft.selectedStreams {
            if let selected {
                let streams = try await streamNames(of: source)
                let unknown = selected.filter { !streams.contains($0) }
                guard unknown.isEmpty else {
                    throw ServiceError(.invalid, "selectedStreams: unknown stream\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", "))"
                                       + " (source \(source.id) has \(streams.sorted().joined(separator: ", ")))")
                }
            }
            connection.selectedStreams = selected
        }
    }

    /// The source's stream names: from its cached catalog, else discovered now.
    private func streamNames(of source: SourceRecord) async throws(ServiceError) -> Set<String> {
        if let cached = source.catalog?["streams"]?.arrayValue {
            return Set(cached.compactMap { $0["name"]?.stringValue })
        }
        return Set(try await discoverSource(tenant: source.tenant, id: source.id).catalog.streams.map(\.name))
    }

    // MARK: - Syncs

    public func triggerSync(tenant: String, connectionID: String) async throws(ServiceError) -> SyncRecord {
        let connection = try connection(tenant: tenant, id: connectionID)
        if let running = try runningSync(tenant: tenant, connectionID: connectionID) {
            throw ServiceError(.conflict, "connection \(connectionID) already has sync \(running.id) \(running.status.rawValue.lowercased())")
        }
        var sync = SyncRecord(id: Self.newID(), tenant: tenant, connectionID: connection.id, connectionName: connection.name,
                              status: .pending, recordsSynced: nil, bytesSynced: nil, startedAt: Timestamp.now(),
                              completedAt: nil, durationMs: nil, streams: [], failureReason: nil)
        if let job = try connection.jobID.flatMap({ id throws(ServiceError) in try store.job(tenant: tenant, id: id) }), job.runner == .airflow,
           let orchestrator, let dagID = job.dagID {
            // The job's DAG runs it: its task reports back as the run goes. Handing it over waits
            // for Airflow to parse a new DAG file, so it goes on after this answer.
            try store.save(sync)
            jobRunStarted(connection, sync: sync)
            try store.appendLog(syncID: sync.id, lines: ["service: handing the run to Airflow DAG \(dagID) as DAG run \(sync.id)"])
            await handOver(sync, dagID: dagID, orchestrator: orchestrator)
            return sync
        }
        if await runner.hasRoom { sync.status = .running }
        try store.save(sync)
        jobRunStarted(connection, sync: sync)
        let execution = SyncExecution(service: self, sync: sync)
        await runner.submit(sync.id) { await execution.run() }
        return sync
    }

    public func cancelSync(tenant: String, id: String) async throws(ServiceError) {
        var sync = try sync(tenant: tenant, id: id)
        guard !sync.status.isFinished else { return }
        if let (job, orchestrator) = try airflowJob(of: sync), let dagID = job.dagID {
            // Airflow marks the run failed and stops its task; the run is CANCELLED here at once.
            await handOffs.cancel(sync.id)
            try await orchestrator.cancel(dagID: dagID, runID: sync.externalRunID ?? sync.id)
            sync.status = .cancelled
            sync.completedAt = Timestamp.now()
            try store.save(sync)
            try store.appendLog(syncID: id, lines: ["service: cancelled; Airflow DAG run \(sync.id) marked failed"])
            jobRunEnded(connectionID: sync.connectionID, tenant: tenant, sync: sync)
            syncFinished(sync)
            return
        }
        let neverStarted = await runner.cancel(id)
        if neverStarted {
            sync.status = .cancelled
            sync.completedAt = Timestamp.now()
            sync.durationMs = 0
            sync.recordsSynced = 0
            sync.bytesSynced = 0
            try store.save(sync)
            jobRunEnded(connectionID: sync.connectionID, tenant: tenant, sync: sync)
            syncFinished(sync)
        } else {
            // The running sync ends CANCELLED itself once what it committed is checkpointed.
            try store.appendLog(syncID: id, lines: ["service: cancellation requested"])
        }
    }

    public func sync(tenant: String, id: String) throws(ServiceError) -> SyncRecord {
        guard let sync = try store.sync(tenant: tenant, id: id) else { throw ServiceError.notFound("sync", id) }
        return sync
    }

    public func syncs(tenant: String, query: SyncQuery) throws(ServiceError) -> (syncs: [SyncRecord], total: Int) {
        if let connectionID = query.connectionID { _ = try connection(tenant: tenant, id: connectionID) }
        return try store.syncs(tenant: tenant, query: query)
    }

    public func syncLog(tenant: String, id: String) throws(ServiceError) -> [String] {
        _ = try sync(tenant: tenant, id: id)
        return try store.log(tenant: tenant, syncID: id)
    }

    func runningSync(tenant: String, connectionID: String) throws(ServiceError) -> SyncRecord? {
        try store.syncs(tenant: tenant, query: SyncQuery(connectionID: connectionID, size: 5)).syncs.first { !$0.status.isFinished }
    }

    /// At start-up: syncs a stopped service left PENDING or RUNNING are FAILED (their committed
    /// records and checkpoints stay; the next sync resumes from them).
    public func recoverUnfinishedSyncs() throws(ServiceError) {
        // Airflow's runs go on without the service: their tasks report how they end.
        for var sync in try store.syncs(in: [.pending, .running]) where try airflowJob(of: sync) == nil {
            sync.status = .failed
            sync.completedAt = Timestamp.now()
            sync.failureReason = FailureReason(type: "system_error", origin: .service,
                                               message: "the service stopped while the sync was \(sync.status == .pending ? "waiting" : "running"); the next sync resumes from its last checkpoint")
            try store.save(sync)
            try store.appendLog(syncID: sync.id, lines: ["service: marked FAILED at start-up: the service had stopped during the sync"])
            jobRunEnded(connectionID: sync.connectionID, tenant: sync.tenant, sync: sync)
        }
    }

    /// Hands a PENDING run to the orchestrator in the background (it may wait for Airflow to parse
    /// a new DAG file); a run Airflow never took ends FAILED saying why.
    func handOver(_ pending: SyncRecord, dagID: String, orchestrator: any JobOrchestrator) async {
        await handOffs.submit(pending.id) { [self] in
            do throws(ServiceError) {
                try await orchestrator.trigger(dagID: dagID, runID: pending.id, conf: [:])
                try? store.appendLog(syncID: pending.id, lines: ["service: Airflow has DAG run \(pending.id)"])
            } catch {
                // Cancelled: the cancel records the run's end.
                guard !Task.isCancelled, var failed = try? store.sync(tenant: pending.tenant, id: pending.id), !failed.status.isFinished else { return }
                failed.status = .failed
                failed.completedAt = Timestamp.now()
                failed.failureReason = FailureReason(type: "system_error", origin: .service, message: "Airflow did not start the run: \(error.message)")
                try? store.save(failed)
                try? store.appendLog(syncID: pending.id, lines: ["service: \(failed.failureReason?.message ?? "")"])
                jobRunEnded(connectionID: pending.connectionID, tenant: pending.tenant, sync: failed)
                syncFinished(failed)
            }
        }
    }

    /// At start-up: runs a stopped service had not yet handed to Airflow are handed over again
    /// (Airflow answers 409 for those it has), so none waits PENDING forever.
    public func resumeHandOffs() async {
        guard let orchestrator, let pending = try? store.syncs(in: [.pending]) else { return }
        for sync in pending {
            guard let (job, _) = try? airflowJob(of: sync), let dagID = job.dagID else { continue }
            try? store.appendLog(syncID: sync.id, lines: ["service: restarted; handing the run to Airflow again"])
            await handOver(sync, dagID: dagID, orchestrator: orchestrator)
        }
    }

    /// The Airflow-run job a sync belongs to, with the orchestrator.
    func airflowJob(of sync: SyncRecord) throws(ServiceError) -> (JobRecord, any JobOrchestrator)? {
        guard let orchestrator, let connection = try store.connection(tenant: sync.tenant, id: sync.connectionID),
              let jobID = connection.jobID, let job = try store.job(tenant: sync.tenant, id: jobID), job.runner == .airflow else { return nil }
        return (job, orchestrator)
    }

    /// Cancels every sync (at shutdown) and waits for them to end.
    public func shutdown() async {
        await runner.cancelAll()
        await runner.drain()
        await handOffs.cancelAll()
        await handOffs.drain()
        await dataHub.shutdown()
        await orchestrator?.shutdown()
    }

    // MARK: - Helpers

    static func newID() -> String { UUID().uuidString.lowercased() }

    static func failureReason(_ error: any Error, origin: FailureReason.Origin?, secrets: [String]) -> FailureReason {
        if let connectorError = error as? ConnectorError {
            return FailureReason(type: connectorError.failureType.rawValue, origin: origin,
                                 message: AirbyteSecrets.mask(connectorError.message, secrets: secrets))
        }
        if error is TimeLimitExceeded {
            return FailureReason(type: "transient_error", origin: origin, message: "\(error)")
        }
        return FailureReason(type: "system_error", origin: origin, message: AirbyteSecrets.mask("\(error)", secrets: secrets))
    }

    struct TimeLimitExceeded: Error, CustomStringConvertible {
        var limit: Duration
        var description: String { "no answer within \(limit.components.seconds) s" }
    }

    /// `work`'s result, or `TimeLimitExceeded` once `limit` passed (the work is then cancelled).
    static func withTimeLimit<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async -> Result<T, any Error> {
        await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask { do { return .success(try await work()) } catch { return .failure(error) } }
            group.addTask {
                try? await Task.sleep(for: limit)
                return Task.isCancelled ? nil : .failure(TimeLimitExceeded(limit: limit))
            }
            while let next = await group.next() {
                if let next {
                    group.cancelAll()
                    return next
                }
            }
            return .failure(TimeLimitExceeded(limit: limit))
        }
    }
}
