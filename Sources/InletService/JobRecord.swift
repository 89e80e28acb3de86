public import InletJSON

/// An ingestion job: what a client submitted once (an API to ingest, or an Airflow DAG to run),
/// with its schedule and governance, run by the service or by Apache Airflow.
public struct JobRecord: Sendable {
    public enum JobType: String, Sendable, CaseIterable {
        /// Ingests an API: the request lives in `properties`, and the job owns a source and a connection.
        case ingest = "airflow.ingest"
        /// Runs an existing Airflow DAG (`properties` names `dag_id` and `conf`).
        case dataEngineering = "airflow.dataeng"
        case nlp = "airflow.nlp"
        case mirror

        public var runsExistingDAG: Bool { self != .ingest }
    }

    public enum Status: String, Sendable, CaseIterable {
        case scheduled = "SCHEDULED", running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", paused = "PAUSED", deleted = "DELETED"
    }

    /// Where the job's runs execute.
    public enum Runner: String, Sendable {
        case embedded, airflow
    }

    public var id: String
    public var tenant: String
    public var type: JobType
    public var name: String
    public var source: String?
    public var destination: String?
    /// The job's properties: the ingest request (without its source config, which the source keeps
    /// sealed), or `{dag_id, conf}`.
    public var properties: JSONObject
    public var schedule: String?
    public var timeZone: String?
    public var status: Status
    public var runner: Runner
    /// The Airflow DAG the job runs (its own `inlet_<id>`, or an existing one).
    public var dagID: String?
    /// The ingest job's source and connection.
    public var sourceID: String?
    public var connectionID: String?
    public var governance: Governance
    public var createdAt: String
    public var lastRunID: String?
    public var lastRunAt: String?

    public init(id: String, tenant: String, type: JobType, name: String, source: String?, destination: String?, properties: JSONObject,
                schedule: String?, timeZone: String?, status: Status, runner: Runner, dagID: String?, sourceID: String?,
                connectionID: String?, governance: Governance, createdAt: String) {
        self.id = id
        self.tenant = tenant
        self.type = type
        self.name = name
        self.source = source
        self.destination = destination
        self.properties = properties
        self.schedule = schedule
        self.timeZone = timeZone
        self.status = status
        self.runner = runner
        self.dagID = dagID
        self.sourceID = sourceID
        self.connectionID = connectionID
        self.governance = governance
        self.createdAt = createdAt
    }

    var json: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "tenant": .string(tenant), "type": .string(type.rawValue), "name": .string(name),
            "properties": .object(properties), "status": .string(status.rawValue), "runner": .string(runner.rawValue),
            "governance": governance.json, "createdAt": .string(createdAt),
        ]
        object["source"] = source.map(JSONValue.string)
        object["destination"] = destination.map(JSONValue.string)
        object["schedule"] = schedule.map(JSONValue.string)
        object["timeZone"] = timeZone.map(JSONValue.string)
        object["dagId"] = dagID.map(JSONValue.string)
        object["sourceId"] = sourceID.map(JSONValue.string)
        object["connectionId"] = connectionID.map(JSONValue.string)
        object["lastRunId"] = lastRunID.map(JSONValue.string)
        object["lastRunAt"] = lastRunAt.map(JSONValue.string)
        return .object(object)
    }

    init(json: JSONValue) throws(ServiceError) {
        guard let id = json["id"]?.stringValue, let tenant = json["tenant"]?.stringValue,
              let type = json["type"]?.stringValue.flatMap(JobType.init(rawValue:)), let name = json["name"]?.stringValue,
              let status = json["status"]?.stringValue.flatMap(Status.init(rawValue:)),
              let runner = json["runner"]?.stringValue.flatMap(Runner.init(rawValue:)), let createdAt = json["createdAt"]?.stringValue else {
            throw ServiceError(.internal, "a stored job is malformed")
        }
        self.init(id: id, tenant: tenant, type: type, name: name, source: json["source"]?.stringValue,
                  destination: json["destination"]?.stringValue, properties: json["properties"]?.objectValue ?? [:],
                  schedule: json["schedule"]?.stringValue, timeZone: json["timeZone"]?.stringValue, status: status, runner: runner,
                  dagID: json["dagId"]?.stringValue, sourceID: json["sourceId"]?.stringValue, connectionID: json["connectionId"]?.stringValue,
                  governance: Governance(json: json["governance"]), createdAt: createdAt)
        lastRunID = json["lastRunId"]?.stringValue
        lastRunAt = json["lastRunAt"]?.stringValue
    }
}

/// What a job's tables carry into the data catalog: a domain, tags and an owner.
public struct Governance: Sendable, Equatable {
    public var domain: String?
    public var tags: [String]
    public var ownerID: String?

    public init(domain: String? = nil, tags: [String] = [], ownerID: String? = nil) {
        self.domain = domain
        self.tags = tags
        self.ownerID = ownerID
    }

    public var isEmpty: Bool { domain == nil && tags.isEmpty && ownerID == nil }

    var json: JSONValue {
        var object: JSONObject = ["tags": .array(tags.map(JSONValue.string))]
        object["domain"] = domain.map(JSONValue.string)
        object["ownerId"] = ownerID.map(JSONValue.string)
        return .object(object)
    }

    init(json: JSONValue?) {
        self.init(domain: json?["domain"]?.stringValue, tags: json?["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  ownerID: json?["ownerId"]?.stringValue)
    }
}

/// A page of a tenant's jobs, newest first, optionally of one type or status.
public struct JobQuery: Sendable {
    public var type: JobRecord.JobType?
    public var status: JobRecord.Status?
    public var name: String?
    public var page: Int
    public var size: Int

    public init(type: JobRecord.JobType? = nil, status: JobRecord.Status? = nil, name: String? = nil, page: Int = 0, size: Int = 20) {
        self.type = type
        self.status = status
        self.name = name
        self.page = min(max(0, page), SyncQuery.maximumPage)
        self.size = min(max(1, size), SyncQuery.maximumSize)
    }
}
