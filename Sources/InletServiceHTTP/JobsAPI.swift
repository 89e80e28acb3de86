import Foundation
import Hummingbird
import HTTPTypes
import InletJSON
import InletProtocol
import InletService
import InletSetup

/// The ingestion jobs' routes: the sources this service runs, "ingest an API" as one request, and
/// `/api/jobs` to list, watch, trigger, pause and delete jobs. Without an X-Tenant-Id header, a
/// token naming one tenant acts for that tenant.
extension ServiceAPI {
    func jobRoutes(into router: Router<BasicRequestContext>) {
        router.get("/api/airbyte/sources", use: handler("/api/airbyte/sources", access: nil) { _, _, _ in
            APIExchange.json(.array(service.connectorTypes().map(JobViews.available)))
        })
        router.get("/api/airbyte/sources/:name", use: handler("/api/airbyte/sources/{source_name}", access: nil) { _, _, context in
            guard let name = context.parameters.get("name"), !name.isEmpty else { throw APIError.badRequest("the path names no source") }
            return APIExchange.json(JobViews.details(try await service.sourceDetails(name: name)))
        })
        router.post("/api/airbyte/ingest", use: handler("/api/airbyte/ingest", access: .manage, idempotent: true, tenantFromToken: true) { tenant, request, _ in
            let object = try await APIExchange.object(&request)
            do {
                let job = try await service.ingest(tenant: tenant, try IngestRequest(json: object))
                let overview = try service.job(tenant: tenant, id: job.id)
                return APIExchange.json(["flow_url": .string(Self.absolute(overview.flowURL, request)), "job_id": .string(job.id), "error": .null],
                                        status: .created)
            } catch let error as ServiceError where error.kind == .invalid {
                // The ingest answer's `error` says which field is at fault and why.
                var failure = APIError(error)
                failure.extra = ["error": .string(error.message), "flow_url": .null, "job_id": .null]
                throw failure
            }
        })

        router.post("/api/jobs", use: handler("/api/jobs", access: .manage, idempotent: true, tenantFromToken: true) { tenant, request, _ in
            let fields = BodyFields(object: try await APIExchange.object(&request))
            try fields.only(["job_type", "job_name", "source", "destination", "properties_json", "schedule"])
            let typeName = try fields.string("job_type", required: true)!
            guard let type = JobRecord.JobType(rawValue: typeName) else {
                throw APIError.badRequest("job_type: '\(typeName)' is not one of \(JobRecord.JobType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let properties: String
            switch fields.object["properties_json"] {
            case .string(let text)?: properties = text
            case .object(let object)?: properties = JSONWriter.string(from: .object(object))
            case nil, .null?: properties = "{}"
            default: throw APIError.badRequest("properties_json: must be a string holding a JSON object")
            }
            let draft = JobDraft(type: type, name: try fields.string("job_name", required: true)!, source: try fields.string("source"),
                                 destination: try fields.string("destination"), propertiesText: properties, schedule: try fields.string("schedule"))
            let job = try await service.createJob(tenant: tenant, draft)
            return APIExchange.json(try await view(try service.job(tenant: tenant, id: job.id), request), status: .created)
        })
        router.get("/api/jobs", use: handler("/api/jobs", access: .read, tenantFromToken: true) { tenant, request, _ in
            let query = try Self.jobQuery(request)
            let (jobs, total) = try service.jobs(tenant: tenant, query: query)
            var items: [JSONValue] = []
            for job in jobs { items.append(try await view(job, request)) }
            return APIExchange.json(APIViews.page(items, total: total, query: SyncQuery(page: query.page, size: query.size)))
        })
        router.get("/api/jobs/:id", use: handler("/api/jobs/{id}", access: .read, tenantFromToken: true) { tenant, request, context in
            APIExchange.json(try await view(try service.job(tenant: tenant, id: try Self.id(context)), request))
        })
        router.get("/api/jobs/:id/runs", use: handler("/api/jobs/{id}/runs", access: .read, tenantFromToken: true) { tenant, request, context in
            let query = try Self.syncQuery(request)
            let id = try Self.id(context)
            let (runs, total) = try await service.jobRuns(tenant: tenant, id: id, query: query)
            return APIExchange.json(APIViews.page(runs.map { JobViews.run($0, jobID: id) }, total: total, query: query))
        })
        router.post("/api/jobs/:id/trigger", use: handler("/api/jobs/{id}/trigger", access: .manage, idempotent: true, tenantFromToken: true) { tenant, _, context in
            let id = try Self.id(context)
            return APIExchange.json(JobViews.run(try await service.triggerJob(tenant: tenant, id: id), jobID: id), status: .accepted)
        })
        for (action, paused) in [("pause", true), ("resume", false)] {
            router.post("/api/jobs/:id/\(action)", use: handler("/api/jobs/{id}/\(action)", access: .manage, tenantFromToken: true) { tenant, request, context in
                APIExchange.json(try await view(try await service.pauseJob(tenant: tenant, id: try Self.id(context), paused: paused), request))
            })
        }
        router.delete("/api/jobs/:id", use: handler("/api/jobs/{id}", access: .manage, tenantFromToken: true) { tenant, _, context in
            try await service.deleteJob(tenant: tenant, id: try Self.id(context))
            return APIExchange.empty(.noContent)
        })
        runRoutes(into: router)
    }

    /// What `inlet run-job` calls on an orchestrator's worker: a job token for a worker's token,
    /// then (with the job token only) the run's start and definition, its log, and its end.
    private func runRoutes(into router: Router<BasicRequestContext>) {
        router.post("/api/jobs/:id/token", use: handler("/api/jobs/{id}/token", access: .run, tenantFromToken: true) { tenant, _, context in
            guard let jobTokens else { throw APIError(status: .notFound, message: "this service issues no job tokens") }
            let job = try service.job(tenant: tenant, id: try Self.id(context)).job
            let (token, expiry) = try await jobTokens.token(tenant: tenant, job: job.id)
            return APIExchange.json(["token": .string(token), "expires_at": .int(Int64(expiry))])
        })
        router.post("/api/jobs/:id/runs/start", use: handler("/api/jobs/{id}/runs/start", access: .job) { tenant, request, context in
            let fields = BodyFields(object: try await APIExchange.object(&request))
            try fields.only(["orchestrator_run_id"])
            let definition = try await service.startOrchestratedRun(tenant: tenant, jobID: try Self.id(context),
                                                                    orchestratorRunID: try fields.string("orchestrator_run_id", required: true)!)
            return APIExchange.json(definition.json)
        })
        router.post("/api/jobs/:id/runs/:run/log", use: handler("/api/jobs/{id}/runs/{run}/log", access: .job) { tenant, request, context in
            let fields = BodyFields(object: try await APIExchange.object(&request))
            guard case .array(let lines)? = fields.object["lines"] else { throw APIError.badRequest("lines: required, a list of strings") }
            try service.appendOrchestratedLog(tenant: tenant, jobID: try Self.id(context), runID: try Self.run(context),
                                              lines: lines.compactMap(\.stringValue))
            return APIExchange.empty(.noContent)
        })
        router.post("/api/jobs/:id/runs/:run/finish", use: handler("/api/jobs/{id}/runs/{run}/finish", access: .job) { tenant, request, context in
            let object = try await APIExchange.object(&request)
            guard let statusText = object["status"]?.stringValue, let status = SyncRecord.Status(rawValue: statusText), status.isFinished else {
                throw APIError.badRequest("status: required, SUCCEEDED, FAILED or CANCELLED")
            }
            let streams = (object["streams"]?.arrayValue ?? []).compactMap { stream -> SyncRecord.StreamFigures? in
                guard let name = stream["name"]?.stringValue else { return nil }
                return SyncRecord.StreamFigures(name: name, recordsSynced: stream["recordsSynced"]?.intValue ?? 0,
                                                bytesSynced: stream["bytesSynced"]?.intValue ?? 0, status: stream["status"]?.stringValue ?? status.rawValue)
            }
            let reason = object["failureReason"].flatMap { reason -> FailureReason? in
                guard let type = reason["type"]?.stringValue, let message = reason["message"]?.stringValue else { return nil }
                return FailureReason(type: type, origin: reason["origin"]?.stringValue.flatMap(FailureReason.Origin.init(rawValue:)), message: message)
            }
            try await service.finishOrchestratedRun(tenant: tenant, jobID: try Self.id(context), runID: try Self.run(context),
                                                    RunOutcome(status: status, streams: streams, failureReason: reason))
            return APIExchange.empty(.noContent)
        })
    }

    private static func run(_ context: BasicRequestContext) throws(APIError) -> String {
        guard let run = context.parameters.get("run"), !run.isEmpty else { throw APIError.badRequest("the path names no run") }
        return run
    }

    /// A job as the API shows it; an ingest job's properties show its source's config, secrets masked.
    private func view(_ overview: JobOverview, _ request: Request) async throws -> JSONValue {
        var properties = overview.job.properties
        if let sourceID = overview.job.sourceID, let source = try? service.source(tenant: overview.job.tenant, id: sourceID) {
            properties["source_config"] = .object(try await service.maskedConfig(of: source))
        }
        return JobViews.job(overview, properties: properties, flowURL: Self.absolute(overview.flowURL, request))
    }

    /// A path of this service as a URL, with the host the client used.
    static func absolute(_ url: String, _ request: Request) -> String {
        guard url.hasPrefix("/") else { return url }
        let host = request.head.authority ?? "localhost"
        return "http://\(host)\(url)"
    }

    static func jobQuery(_ request: Request) throws(APIError) -> JobQuery {
        let parameters = request.uri.queryParameters
        let paging = try syncQuery(request)
        var query = JobQuery(page: paging.page, size: paging.size)
        if let type = parameters["type"] ?? parameters["job_type"] {
            guard let value = JobRecord.JobType(rawValue: String(type)) else {
                throw APIError.badRequest("type: '\(type)' is not one of \(JobRecord.JobType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.type = value
        }
        if let status = parameters["status"] {
            guard let value = JobRecord.Status(rawValue: String(status).uppercased()) else {
                throw APIError.badRequest("status: '\(status)' is not one of \(JobRecord.Status.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.status = value
        }
        return query
    }
}

/// The JSON of the jobs' routes (snake_case, as the ingest API names its fields).
enum JobViews {
    static func available(_ connector: DefaultConnectorResolver.Available) -> JSONValue {
        ["name": .string(connector.name), "kind": .string(connector.kind), "version": connector.version.map(JSONValue.string) ?? .null,
         "installed": .bool(connector.installed)]
    }

    static func details(_ details: SourceDetails) -> JSONValue {
        guard case .object(var object) = available(details.available) else { return .null }
        object["spec"] = ["connectionSpecification": details.specification,
                          "documentationUrl": details.documentationURL.map(JSONValue.string) ?? .null]
        object["secrets"] = .array(details.secretPaths.map(JSONValue.string))
        object["streams"] = details.streams.map { streams in
            .array(streams.map { stream in
                [
                    "name": .string(stream.name),
                    "supported_sync_modes": .array(stream.supportedSyncModes.map { .string($0.rawValue) }),
                    "source_defined_primary_key": stream.sourceDefinedPrimaryKey.map { keys in .array(keys.map { .array($0.map(JSONValue.string)) }) } ?? .null,
                    "default_cursor_field": stream.defaultCursorField.map { .array($0.map(JSONValue.string)) } ?? .null,
                ]
            })
        } ?? .null
        object["streams_unavailable"] = details.streamsUnavailable.map(JSONValue.string) ?? .null
        return .object(object)
    }

    static func job(_ overview: JobOverview, properties: JSONObject, flowURL: String) -> JSONValue {
        let job = overview.job
        return [
            "id": .string(job.id), "job_type": .string(job.type.rawValue), "job_name": .string(job.name), "status": .string(job.status.rawValue),
            "created_at": .string(job.createdAt), "source": job.source.map(JSONValue.string) ?? .null,
            "destination": job.destination.map(JSONValue.string) ?? .null,
            "properties_json": .string(JSONWriter.string(from: .object(properties))),
            "schedule": job.schedule.map(JSONValue.string) ?? .null, "time_zone": .string(job.timeZone ?? "UTC"),
            "runner": .string(job.runner.rawValue), "dag_id": job.dagID.map(JSONValue.string) ?? .null,
            "source_id": job.sourceID.map(JSONValue.string) ?? .null, "connection_id": job.connectionID.map(JSONValue.string) ?? .null,
            "flow_url": .string(flowURL), "last_run": overview.lastRun.map { run($0, jobID: job.id) } ?? .null,
            "last_run_at": job.lastRunAt.map(JSONValue.string) ?? .null, "next_run_at": overview.nextRunAt.map(JSONValue.string) ?? .null,
            "domain": job.governance.domain.map(JSONValue.string) ?? .null, "tags": .array(job.governance.tags.map(JSONValue.string)),
            "owner_id": job.governance.ownerID.map(JSONValue.string) ?? .null,
        ]
    }

    /// A run of a job: the sync's view, with the job's id.
    static func run(_ sync: SyncRecord, jobID: String) -> JSONValue {
        guard case .object(var object) = APIViews.sync(sync) else { return .null }
        object["jobId"] = .string(jobID)
        return .object(object)
    }
}
