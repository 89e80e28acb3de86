import Foundation
public import InletJSON
import InletJSONSchema
import InletPipeline
public import InletProtocol
public import InletSetup
import Synchronization

/// A new job, as `POST /api/jobs` describes it.
public struct JobDraft: Sendable {
    public var type: JobRecord.JobType
    public var name: String
    public var source: String?
    public var destination: String?
    /// The `properties_json` text, as sent.
    public var propertiesText: String
    public var schedule: String?

    public init(type: JobRecord.JobType, name: String, source: String?, destination: String?, propertiesText: String, schedule: String?) {
        self.type = type
        self.name = name
        self.source = source
        self.destination = destination
        self.propertiesText = propertiesText
        self.schedule = schedule
    }
}

/// A job as a client sees it: the record, its last run, when it runs next, where to watch it.
public struct JobOverview: Sendable {
    public var job: JobRecord
    public var lastRun: SyncRecord?
    public var nextRunAt: String?
    public var flowURL: String
}

extension IngestionService {
    // MARK: - Ingest

    /// Creates an ingest job: checks the connector's config and streams, makes (or reuses) the
    /// tenant's source and connection, and either schedules the job or runs it once, now.
    public func ingest(tenant: String, _ request: IngestRequest, jobName: String? = nil, schedule: String?? = nil,
                       prefix: String = "") async throws(ServiceError) -> JobRecord {
        let name = jobName ?? request.name
        try ensureNameIsFree(name, tenant: tenant)
        let connector: any Connector
        do { connector = try self.connector(request.sourceName) } catch {
            throw ServiceError(error.kind, "\(prefix)source_name: '\(request.sourceName)' is not a source this service runs (GET /api/airbyte/sources lists them)")
        }
        let specification = try await specification(of: connector)
        try validate(request.sourceConfig, specification: specification, field: prefix + "source_config")
        let streams = try await checkedStreams(request, connector: connector, specification: specification, prefix: prefix)

        let jobID = Self.newID()
        let source = try await sourceFor(tenant: tenant, request, name: name, specification: specification)
        let runner: JobRecord.Runner = orchestrator == nil ? .embedded : .airflow
        let effectiveSchedule = schedule ?? request.schedule
        var connection = ConnectionRecord(
            id: Self.newID(), tenant: tenant, sourceID: source.id, name: name, destinationType: "iceberg",
            syncSchedule: runner == .embedded ? effectiveSchedule : nil, timeZone: request.timeZone, selectedStreams: request.streams,
            syncMode: request.mode == .overwrite ? .fullRefresh : .incremental, status: .pending, lastSyncAt: nil, createdAt: Timestamp.now(),
            targetSchema: request.schemaName, writeMode: request.mode.rawValue, mergeKeys: request.mergeKeys,
            columnTransformations: request.columnTransformations, archiveStaging: request.archiveStaging,
            addIngestionMetadata: request.addIngestionMetadata)
        connection.jobID = jobID
        var properties = request.properties
        properties["name"] = .string(name)
        properties["schedule"] = effectiveSchedule.map(JSONValue.string) ?? .null
        properties["streams"] = .array(streams.map(JSONValue.string))
        let job = JobRecord(id: jobID, tenant: tenant, type: .ingest, name: name, source: request.sourceName,
                            destination: "iceberg:\(request.schemaName)", properties: properties, schedule: effectiveSchedule,
                            timeZone: request.timeZone, status: .scheduled, runner: runner, dagID: runner == .airflow ? "inlet_\(jobID)" : nil,
                            sourceID: source.id, connectionID: connection.id, governance: request.governance, createdAt: Timestamp.now())
        try store.save(connection)
        try store.save(job)
        if let orchestrator {
            do { try await orchestrator.deploy(job) } catch {
                // The job cannot run without its DAG: it is not kept half made.
                try? store.deleteConnection(tenant: tenant, id: connection.id)
                var removed = job
                removed.status = .deleted
                try? store.save(removed)
                throw error
            }
        }
        if effectiveSchedule == nil {
            _ = try await triggerJob(tenant: tenant, id: jobID)
        }
        return try self.job(tenant: tenant, id: jobID).job
    }

    /// The streams the request lands (all when it names none), after checking that each named one
    /// exists and that merge mode has keys for each.
    private func checkedStreams(_ request: IngestRequest, connector: any Connector, specification: JSONValue,
                                prefix: String) async throws(ServiceError) -> [String] {
        let secrets = AirbyteSecrets.values(in: .object(request.sourceConfig), specification: specification)
        let config = request.sourceConfig
        let outcome = await Self.withTimeLimit(configuration.checkTimeout) { try await connector.catalog(config: config) }
        let catalog: AirbyteCatalog
        switch outcome {
        case .success(let discovered): catalog = discovered
        case .failure(let error):
            let reason = Self.failureReason(error, origin: .source, secrets: secrets)
            throw ServiceError(.invalid, "\(prefix)source_config: the source's streams cannot be discovered with it: \(reason.message)")
        }
        // The config must work, not only fit the spec: the connector's check runs now, not at the first run.
        let check = await Self.withTimeLimit(configuration.checkTimeout) { try await connector.connectionStatus(config: config) }
        switch check {
        case .success(let status) where status.status == .succeeded: break
        case .success(let status):
            throw ServiceError(.invalid, "\(prefix)source_config: the connector's check failed: "
                               + AirbyteSecrets.mask(status.message ?? "no reason given", secrets: secrets))
        case .failure(let error):
            throw ServiceError(.invalid, "\(prefix)source_config: the connector's check failed: "
                               + Self.failureReason(error, origin: .source, secrets: secrets).message)
        }
        let available = catalog.streams.map(\.name)
        if let wanted = request.streams {
            let unknown = wanted.filter { !available.contains($0) }
            guard unknown.isEmpty else {
                throw ServiceError(.invalid, "\(prefix)streams: unknown stream\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", "))"
                                   + " (\(request.sourceName) has \(available.joined(separator: ", ")))")
            }
        }
        let selected = catalog.streams.filter { request.streams?.contains($0.name) ?? true }
        if request.mode == .merge {
            for stream in selected {
                if let keys = request.mergeKeys {
                    let columns = stream.jsonSchema["properties"]?.objectValue.map { Set($0.keys) } ?? []
                    if let missing = keys.first(where: { !columns.isEmpty && !columns.contains($0) }) {
                        throw ServiceError(.invalid, "\(prefix)merge: stream \(stream.name) has no column '\(missing)'")
                    }
                } else if stream.sourceDefinedPrimaryKey?.isEmpty != false {
                    throw ServiceError(.invalid, "\(prefix)merge: mode merge needs merge keys, and stream \(stream.name) has no primary key; name them in merge (comma-separated)")
                }
            }
        }
        return selected.map(\.name)
    }

    /// The tenant's source of this connector with exactly this config, or a new one.
    private func sourceFor(tenant: String, _ request: IngestRequest, name: String, specification: JSONValue) async throws(ServiceError) -> SourceRecord {
        let secrets = SourceSecrets(specification: specification, keyStore: keyStore)
        for source in try store.sources(tenant: tenant) where source.connectorType == request.sourceName {
            if (try? secrets.opened(source.sealedConfig)) == request.sourceConfig { return source }
        }
        return try await createSource(tenant: tenant, SourceDraft(name: name, description: "made by ingest job \(name)",
                                                                  connectorType: request.sourceName, connectionConfig: request.sourceConfig))
    }

    // MARK: - Jobs

    public func createJob(tenant: String, _ draft: JobDraft) async throws(ServiceError) -> JobRecord {
        guard !draft.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ServiceError(.invalid, "job_name: required") }
        let properties: JSONObject
        do {
            guard let object = try JSONParser.parse(Array(draft.propertiesText.utf8)).objectValue else {
                throw ServiceError(.invalid, "properties_json: must hold a JSON object")
            }
            properties = object
        } catch let error as JSONParsingError {
            throw ServiceError(.invalid, "properties_json: not valid JSON at \(error)")
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(.invalid, "properties_json: not valid JSON: \(error)")
        }
        let schedule = try CronSchedule.normalized(draft.schedule, field: "schedule")
        if draft.type == .ingest {
            var request = properties
            if request["name"] == nil { request["name"] = .string(draft.name) }
            if request["source_name"] == nil, let source = draft.source { request["source_name"] = .string(source) }
            let ingest = try IngestRequest(json: request, prefix: "properties_json.")
            return try await self.ingest(tenant: tenant, ingest, jobName: draft.name,
                                         schedule: draft.schedule == nil ? nil : .some(schedule), prefix: "properties_json.")
        }
        guard let orchestrator else {
            throw ServiceError(.invalid, "job_type: \(draft.type.rawValue) runs an existing Airflow DAG, and this service has no Airflow (start it with --airflow-url)")
        }
        guard let dagID = properties["dag_id"]?.stringValue, !dagID.isEmpty else {
            throw ServiceError(.invalid, "properties_json.dag_id: required, the Airflow DAG the job runs")
        }
        if let conf = properties["conf"], conf.objectValue == nil, !conf.isNull {
            throw ServiceError(.invalid, "properties_json.conf: must be an object")
        }
        guard try await orchestrator.hasDAG(dagID) else {
            throw ServiceError(.invalid, "properties_json.dag_id: Airflow has no DAG '\(dagID)'")
        }
        try ensureNameIsFree(draft.name, tenant: tenant)
        let job = JobRecord(id: Self.newID(), tenant: tenant, type: draft.type, name: draft.name, source: draft.source,
                            destination: draft.destination, properties: properties, schedule: schedule, timeZone: nil, status: .scheduled,
                            runner: .airflow, dagID: dagID, sourceID: nil, connectionID: nil, governance: Governance(), createdAt: Timestamp.now())
        try store.save(job)
        return job
    }

    /// A tenant's live jobs have names of their own (a deleted job's name is free again).
    private func ensureNameIsFree(_ name: String, tenant: String) throws(ServiceError) {
        if let existing = try store.jobs(tenant: tenant, query: JobQuery(name: name, size: 100)).jobs.first(where: { $0.status != .deleted }) {
            throw ServiceError(.conflict, "job \(existing.id) is already named '\(name)'; delete it or choose another name")
        }
    }

    public func jobs(tenant: String, query: JobQuery) throws(ServiceError) -> (jobs: [JobOverview], total: Int) {
        let (jobs, total) = try store.jobs(tenant: tenant, query: query)
        return (try jobs.map { job throws(ServiceError) in try overview(of: job) }, total)
    }

    public func job(tenant: String, id: String) throws(ServiceError) -> JobOverview {
        guard let job = try store.job(tenant: tenant, id: id) else { throw ServiceError.notFound("job", id) }
        return try overview(of: job)
    }

    private func overview(of job: JobRecord) throws(ServiceError) -> JobOverview {
        let lastRun = try job.lastRunID.flatMap { id throws(ServiceError) in try store.sync(tenant: job.tenant, id: id) }
        var nextRun: String?
        if let expression = job.schedule, job.status != .paused, job.status != .deleted, let schedule = try? CronSchedule(expression, field: "schedule") {
            let timeZone = job.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
            nextRun = schedule.next(after: Date(), in: timeZone).map(Timestamp.string)
        }
        return JobOverview(job: job, lastRun: lastRun, nextRunAt: nextRun, flowURL: flowURL(of: job))
    }

    /// Where a person watches the job: its Airflow DAG, or the service's own job resource.
    func flowURL(of job: JobRecord) -> String {
        if job.runner == .airflow, let orchestrator, let dagID = job.dagID { return orchestrator.flowURL(dagID: dagID) }
        return (configuration.publicURL ?? "") + "/api/jobs/" + job.id
    }

    /// The job's runs, newest first: its connection's syncs, or its DAG's runs.
    public func jobRuns(tenant: String, id: String, query: SyncQuery) async throws(ServiceError) -> (runs: [SyncRecord], total: Int) {
        let job = try job(tenant: tenant, id: id).job
        if let connectionID = job.connectionID {
            var query = query
            query.connectionID = connectionID
            let (syncs, total) = try store.syncs(tenant: tenant, query: query)
            return (syncs, total)
        }
        guard let orchestrator, let dagID = job.dagID else { return ([], 0) }
        let (runs, total) = try await orchestrator.runs(dagID: dagID, limit: query.size, offset: query.page * query.size)
        return (runs.map { run in
            SyncRecord(id: run.id, tenant: tenant, connectionID: job.id, connectionName: job.name, status: run.status, recordsSynced: nil,
                       bytesSynced: nil, startedAt: run.startedAt ?? job.createdAt, completedAt: run.completedAt, durationMs: nil, streams: [],
                       failureReason: nil)
        }, total)
    }

    /// Starts a run of the job now (409 while one is going).
    public func triggerJob(tenant: String, id: String) async throws(ServiceError) -> SyncRecord {
        let job = try job(tenant: tenant, id: id).job
        guard job.status != .deleted else { throw ServiceError(.conflict, "job \(id) is deleted") }
        if let connectionID = job.connectionID {
            return try await triggerSync(tenant: tenant, connectionID: connectionID)
        }
        guard let orchestrator, let dagID = job.dagID else { throw ServiceError(.internal, "job \(id) has neither a connection nor a DAG") }
        let runID = Self.newID()
        try await orchestrator.trigger(dagID: dagID, runID: runID, conf: job.properties["conf"]?.objectValue ?? [:])
        return SyncRecord(id: runID, tenant: tenant, connectionID: job.id, connectionName: job.name, status: .pending, recordsSynced: nil,
                          bytesSynced: nil, startedAt: Timestamp.now(), completedAt: nil, durationMs: nil, streams: [], failureReason: nil)
    }

    /// Pauses or resumes the job's schedule.
    public func pauseJob(tenant: String, id: String, paused: Bool) async throws(ServiceError) -> JobOverview {
        var job = try job(tenant: tenant, id: id).job
        guard job.status != .deleted else { throw ServiceError(.conflict, "job \(id) is deleted") }
        if job.runner == .airflow, let orchestrator, let dagID = job.dagID {
            try await orchestrator.setPaused(dagID: dagID, paused)
        }
        if let connectionID = job.connectionID, var connection = try store.connection(tenant: tenant, id: connectionID), job.runner == .embedded {
            connection.syncSchedule = paused ? nil : job.schedule
            // A resumed schedule runs its next slot, not the ones it skipped.
            connection.lastScheduledAt = Timestamp.now()
            try store.save(connection)
        }
        try updateJob(tenant: tenant, id: id) { (job: inout JobRecord) throws(ServiceError) in
            job.status = paused ? .paused : try self.restingStatus(of: job)
        }
        job = try self.job(tenant: tenant, id: id).job
        return try overview(of: job)
    }

    /// Deletes the job: its schedule stops and a run going is cancelled; its source, connection,
    /// tables and run history stay. Deleting it again does nothing.
    public func deleteJob(tenant: String, id: String) async throws(ServiceError) {
        let job = try job(tenant: tenant, id: id).job
        guard job.status != .deleted else { return }
        if job.runner == .airflow, job.type == .ingest, let orchestrator {
            try await orchestrator.remove(job)
        }
        if let connectionID = job.connectionID, var connection = try store.connection(tenant: tenant, id: connectionID) {
            connection.syncSchedule = nil
            try store.save(connection)
            if let running = try runningSync(tenant: tenant, connectionID: connectionID) {
                try await cancelSync(tenant: tenant, id: running.id)
            }
        }
        try updateJob(tenant: tenant, id: id) { job in job.status = .deleted }
    }

    // MARK: - Governance

    /// Sends the job's domain, tags, owner and run details for the tables a run landed to DataHub
    /// (or its file). A failure is logged in the run's log and never fails the run; the next run
    /// sends everything again.
    func emitGovernance(of sync: SyncRecord) async {
        guard sync.status == .succeeded || (sync.recordsSynced ?? 0) > 0,
              let connection = try? store.connection(tenant: sync.tenant, id: sync.connectionID), let jobID = connection.jobID,
              let job = try? store.job(tenant: sync.tenant, id: jobID) else { return }
        let tables = sync.streams.map(\.name)
        let landing = DataHubEmitter.Landing(namespace: connection.targetSchema, tables: tables, governance: job.governance, customProperties: [
            "job_id": job.id, "job_name": job.name, "source": job.source ?? "", "mode": connection.writeMode ?? "",
            "last_run": sync.completedAt ?? sync.startedAt, "last_run_id": sync.id, "last_run_status": sync.status.rawValue,
        ])
        let target = dataHub.settings.url ?? dataHub.settings.filePath
        do {
            try await dataHub.emit(landing)
            try? store.appendLog(syncID: sync.id, lines: ["datahub: metadata of \(tables.count) table\(tables.count == 1 ? "" : "s") sent to \(target)"])
        } catch {
            try? store.appendLog(syncID: sync.id, lines: ["datahub: sending the tables' metadata to \(target) failed (the next run sends it again): \(error)"])
        }
    }

    // MARK: - Job status

    /// What a job's status is between runs: SCHEDULED while it has a schedule, else how its last run ended.
    func restingStatus(of job: JobRecord) throws(ServiceError) -> JobRecord.Status {
        if job.schedule != nil { return .scheduled }
        guard let runID = job.lastRunID, let run = try store.sync(tenant: job.tenant, id: runID) else { return .scheduled }
        switch run.status {
        case .pending, .running: return .running
        case .succeeded: return .succeeded
        case .failed, .cancelled: return .failed
        }
    }

    /// A run of the job's connection started.
    func jobRunStarted(_ connection: ConnectionRecord, sync: SyncRecord) {
        guard let jobID = connection.jobID else { return }
        try? updateJob(tenant: connection.tenant, id: jobID) { job in
            job.lastRunID = sync.id
            job.lastRunAt = sync.startedAt
            if job.status != .deleted && job.status != .paused { job.status = .running }
        }
    }

    /// A run of the job's connection ended (however it ended).
    func jobRunEnded(connectionID: String, tenant: String, sync: SyncRecord) {
        guard let connection = try? store.connection(tenant: tenant, id: connectionID), let jobID = connection.jobID else { return }
        try? updateJob(tenant: tenant, id: jobID) { (job: inout JobRecord) throws(ServiceError) in
            guard job.lastRunID == sync.id, job.status == .running else { return }
            job.status = try self.restingStatus(of: job)
        }
    }

    /// Changes a job under the service's job lock, so that a run ending and a client's change do not
    /// overwrite each other.
    func updateJob(tenant: String, id: String, _ change: (inout JobRecord) throws(ServiceError) -> Void) throws(ServiceError) {
        try jobUpdates.withLock { _ throws(ServiceError) in
            guard var job = try store.job(tenant: tenant, id: id) else { throw ServiceError.notFound("job", id) }
            try change(&job)
            try store.save(job)
        }
    }
}

// MARK: - The sources this service runs

/// A source connector as `GET /api/airbyte/sources/{name}` describes it.
public struct SourceDetails: Sendable {
    public var available: DefaultConnectorResolver.Available
    /// The spec's connection specification (secret members keep their `airbyte_secret: true`).
    public var specification: JSONValue
    public var documentationURL: String?
    /// Paths of the members the spec marks secret.
    public var secretPaths: [String]
    /// The streams a discover without config finds; nil when the connector needs a config for it.
    public var streams: [AirbyteStream]?
    /// Why `streams` is nil.
    public var streamsUnavailable: String?
}

extension IngestionService {
    public func sourceDetails(name: String) async throws(ServiceError) -> SourceDetails {
        guard let available = connectorTypes().first(where: { $0.name == name }) else {
            throw ServiceError(.notFound, "source \(name) is not one this service runs (GET /api/airbyte/sources lists them)")
        }
        let connector = try connector(name)
        let spec: ConnectorSpecification
        do { spec = try await connector.specification() } catch {
            throw ServiceError(.internal, "the connector \(name) has no spec: \(error)")
        }
        let specification = JSONValue.object(spec.connectionSpecification)
        // A discover with an empty config works for connectors whose streams are declared statically.
        let outcome = await Self.withTimeLimit(min(configuration.checkTimeout, .seconds(15))) { try await connector.catalog(config: [:]) }
        var details = SourceDetails(available: available, specification: specification, documentationURL: spec.documentationURL,
                                    secretPaths: AirbyteSecrets.paths(in: specification), streams: nil, streamsUnavailable: nil)
        switch outcome {
        case .success(let catalog): details.streams = catalog.streams
        case .failure(let error): details.streamsUnavailable = "discovering needs a config: " + Self.failureReason(error, origin: .source, secrets: []).message
        }
        return details
    }
}
