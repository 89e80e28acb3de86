public import Foundation
public import InletJSON
import InletJSONSchema
public import InletPipeline

/// What `inlet run-job` needs to run a job's sync on an orchestrator's worker: the run, the
/// connector and its config (secrets opened: only a token scoped to the job gets this), the
/// connection's settings, and where the tables and checkpoints are.
public struct RunDefinition: Sendable {
    public var tenant: String
    public var jobID: String
    public var runID: String
    public var connectorType: String
    public var config: JSONObject
    public var connection: ConnectionRecord
    public var configuration: ServiceConfiguration

    public var json: JSONValue {
        var settings: JSONObject = [
            "data_directory": .string(configuration.dataDirectory), "commit_records": .int(Int64(configuration.commitRecords)),
            "catalog_settings": .object(JSONObject(configuration.catalogSettings.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            "s3_settings": .object(JSONObject(configuration.s3Settings.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ]
        settings["warehouse"] = configuration.warehouse.map(JSONValue.string)
        settings["catalog"] = configuration.catalogSpec.map(JSONValue.string)
        settings["state_store"] = configuration.stateStoreSpec.map(JSONValue.string)
        settings["key_store"] = .string(configuration.keyStorePath ?? configuration.dataDirectory + "/keys.json")
        return [
            "tenant": .string(tenant), "job_id": .string(jobID), "run_id": .string(runID), "connector": .string(connectorType),
            "config": .object(config), "connection": connection.json, "settings": .object(settings),
        ]
    }

    public init(json: JSONValue) throws(ServiceError) {
        guard let tenant = json["tenant"]?.stringValue, let jobID = json["job_id"]?.stringValue, let runID = json["run_id"]?.stringValue,
              let connector = json["connector"]?.stringValue, let config = json["config"]?.objectValue, let connection = json["connection"],
              let settings = json["settings"], let dataDirectory = settings["data_directory"]?.stringValue else {
            throw ServiceError(.invalid, "the run's definition is incomplete")
        }
        func strings(_ value: JSONValue?) -> [String: String] {
            Dictionary(uniqueKeysWithValues: (value?.objectValue ?? [:]).compactMap { key, value in value.stringValue.map { (key, $0) } })
        }
        self.tenant = tenant
        self.jobID = jobID
        self.runID = runID
        connectorType = connector
        self.config = config
        self.connection = try ConnectionRecord(json: connection)
        configuration = ServiceConfiguration(
            dataDirectory: dataDirectory, keyStorePath: settings["key_store"]?.stringValue, warehouse: settings["warehouse"]?.stringValue,
            catalogSpec: settings["catalog"]?.stringValue, catalogSettings: strings(settings["catalog_settings"]),
            s3Settings: strings(settings["s3_settings"]), commitRecords: Int(settings["commit_records"]?.intValue ?? 100_000))
        configuration.stateStoreSpec = settings["state_store"]?.stringValue
    }

    init(tenant: String, jobID: String, runID: String, connectorType: String, config: JSONObject, connection: ConnectionRecord,
         configuration: ServiceConfiguration) {
        self.tenant = tenant
        self.jobID = jobID
        self.runID = runID
        self.connectorType = connectorType
        self.config = config
        self.connection = connection
        self.configuration = configuration
    }
}

/// How a run on an orchestrator's worker ended, as its task reports it.
public struct RunOutcome: Sendable {
    public var status: SyncRecord.Status
    public var streams: [SyncRecord.StreamFigures]
    public var failureReason: FailureReason?

    public init(status: SyncRecord.Status, streams: [SyncRecord.StreamFigures], failureReason: FailureReason?) {
        self.status = status
        self.streams = streams
        self.failureReason = failureReason
    }

    public init(progress: SyncProgress?, status: SyncRecord.Status, failureReason: FailureReason?) {
        self.init(status: status, streams: (progress?.streams ?? []).map {
            SyncRecord.StreamFigures(name: $0.name, recordsSynced: Int64($0.committed), bytesSynced: $0.bytes, status: status.rawValue)
        }, failureReason: failureReason)
    }
}

extension IngestionService {
    /// A run of the job starts on an orchestrator's worker: the run the service handed over
    /// (`orchestratorRunID` is its id), or one the orchestrator scheduled itself (then recorded now).
    /// A cancelled run, a deleted job, or another run still going is a conflict: the task stops.
    public func startOrchestratedRun(tenant: String, jobID: String, orchestratorRunID: String) async throws(ServiceError) -> RunDefinition {
        let job = try job(tenant: tenant, id: jobID).job
        guard job.status != .deleted else { throw ServiceError(.conflict, "job \(jobID) is deleted") }
        guard let connectionID = job.connectionID else { throw ServiceError(.invalid, "job \(jobID) runs an existing DAG, not an ingest") }
        let connection = try connection(tenant: tenant, id: connectionID)
        var sync: SyncRecord
        if let handed = try store.sync(tenant: tenant, id: orchestratorRunID), handed.connectionID == connectionID {
            guard !handed.status.isFinished else {
                throw ServiceError(.conflict, "run \(handed.id) already ended \(handed.status.rawValue)")
            }
            sync = handed
        } else {
            if let running = try runningSync(tenant: tenant, connectionID: connectionID) {
                throw ServiceError(.conflict, "job \(jobID) already has run \(running.id) \(running.status.rawValue.lowercased())")
            }
            sync = SyncRecord(id: Self.newID(), tenant: tenant, connectionID: connectionID, connectionName: connection.name, status: .running,
                              recordsSynced: nil, bytesSynced: nil, startedAt: Timestamp.now(), completedAt: nil, durationMs: nil, streams: [],
                              failureReason: nil)
            sync.externalRunID = orchestratorRunID
            jobRunStarted(connection, sync: sync)
        }
        sync.status = .running
        sync.heartbeatAt = Timestamp.now()
        try store.save(sync)
        try store.appendLog(syncID: sync.id, lines: ["service: run \(orchestratorRunID) started on an Airflow worker"])
        let source = try source(tenant: tenant, id: connection.sourceID)
        let specification = try await specification(of: try connector(source.connectorType))
        let config = try SourceSecrets(specification: specification, keyStore: keyStore).opened(source.sealedConfig)
        var configuration = self.configuration
        configuration.warehouse = configuration.warehouse(of: tenant)
        configuration.catalogSettings["name"] = tenant
        return RunDefinition(tenant: tenant, jobID: jobID, runID: sync.id, connectorType: source.connectorType, config: config,
                             connection: connection, configuration: configuration)
    }

    /// Lines a worker's run adds to its log.
    /// A run the service already ended (cancelled) answers a conflict, so that its worker stops it.
    public func appendOrchestratedLog(tenant: String, jobID: String, runID: String, lines: [String]) throws(ServiceError) {
        var sync = try orchestratedRun(tenant: tenant, jobID: jobID, runID: runID)
        try store.appendLog(syncID: runID, lines: Array(lines.prefix(1000)))
        if sync.status.isFinished { throw ServiceError(.conflict, "run \(runID) is \(sync.status.rawValue): stop it") }
        sync.heartbeatAt = Timestamp.now()
        try store.save(sync)
    }

    /// Runs on orchestrator workers that stopped reporting for `timeout` (their worker died, or
    /// lost the service) end FAILED, so that they do not hold their connection's one run forever.
    /// Returns the runs it ended.
    @discardableResult
    public func failSilentOrchestratedRuns(timeout: Duration, now: Date = Date()) async -> [SyncRecord] {
        guard orchestrator != nil, let running = try? store.syncs(in: [.running]) else { return [] }
        var ended: [SyncRecord] = []
        let limit = Double(timeout.components.seconds)
        for var sync in running {
            guard (try? airflowJob(of: sync)) != nil, let heard = Timestamp.date(sync.heartbeatAt ?? sync.startedAt),
                  now.timeIntervalSince(heard) > limit else { continue }
            sync.status = .failed
            sync.completedAt = Timestamp.string(now)
            sync.failureReason = FailureReason(type: "system_error", origin: .service,
                                               message: "the Airflow worker stopped reporting (last heard at \(sync.heartbeatAt ?? sync.startedAt)); the next run resumes from the last checkpoint")
            guard (try? store.save(sync)) != nil else { continue }
            try? store.appendLog(syncID: sync.id, lines: ["service: marked FAILED: no word from its worker for \(Int(limit)) s"])
            jobRunEnded(connectionID: sync.connectionID, tenant: sync.tenant, sync: sync)
            syncFinished(sync)
            ended.append(sync)
        }
        return ended
    }

    /// A worker's run ended: its figures are kept (a run the service cancelled stays CANCELLED).
    public func finishOrchestratedRun(tenant: String, jobID: String, runID: String, _ outcome: RunOutcome) async throws(ServiceError) {
        var sync = try orchestratedRun(tenant: tenant, jobID: jobID, runID: runID)
        sync.streams = outcome.streams
        sync.recordsSynced = outcome.streams.reduce(0) { $0 + $1.recordsSynced }
        sync.bytesSynced = outcome.streams.reduce(0) { $0 + $1.bytesSynced }
        let wasFinished = sync.status.isFinished
        if !wasFinished {
            sync.status = outcome.status.isFinished ? outcome.status : .failed
            sync.failureReason = sync.status == .failed ? (outcome.failureReason ?? FailureReason(type: "system_error", origin: .source,
                                                                                                    message: "the worker reported no reason")) : nil
            sync.completedAt = Timestamp.now()
            if let started = Timestamp.date(sync.startedAt) { sync.durationMs = Int64(Date().timeIntervalSince(started) * 1000) }
        }
        try store.appendLog(syncID: runID, lines: ["service: the worker reported the run \(outcome.status.rawValue): \(sync.recordsSynced ?? 0) records committed"])
        // As in the service: the tables' metadata goes out before the run shows as ended.
        if !wasFinished { await emitGovernance(of: sync) }
        try store.save(sync)
        guard !wasFinished else { return }
        if var connection = try store.connection(tenant: tenant, id: sync.connectionID) {
            connection.lastSyncAt = sync.completedAt
            connection.status = sync.status == .succeeded ? .active : sync.status == .failed ? .failed : connection.status
            try store.save(connection)
        }
        jobRunEnded(connectionID: sync.connectionID, tenant: tenant, sync: sync)
        syncFinished(sync)
    }

    private func orchestratedRun(tenant: String, jobID: String, runID: String) throws(ServiceError) -> SyncRecord {
        let job = try job(tenant: tenant, id: jobID).job
        guard let sync = try store.sync(tenant: tenant, id: runID), sync.connectionID == job.connectionID else {
            throw ServiceError.notFound("run", runID)
        }
        return sync
    }
}
