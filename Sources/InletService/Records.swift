public import InletJSON

/// Why a test or a sync failed: what kind of failure, where it came from, and what it said.
public struct FailureReason: Sendable, Equatable {
    public enum Origin: String, Sendable {
        case source, destination, service
    }

    /// `config_error`, `system_error` or `transient_error`, as the Airbyte protocol names them.
    public var type: String
    public var origin: Origin?
    public var message: String

    public init(type: String, origin: Origin? = nil, message: String) {
        self.type = type
        self.origin = origin
        self.message = message
    }

    public var json: JSONValue {
        var object: JSONObject = ["type": .string(type), "message": .string(message)]
        if let origin { object["origin"] = .string(origin.rawValue) }
        return .object(object)
    }

    init?(json: JSONValue?) {
        guard let type = json?["type"]?.stringValue, let message = json?["message"]?.stringValue else { return nil }
        self.init(type: type, origin: json?["origin"]?.stringValue.flatMap(Origin.init(rawValue:)), message: message)
    }
}

/// A source a tenant configured: a connector type and its config, whose secrets are sealed at rest.
public struct SourceRecord: Sendable {
    public enum Status: String, Sendable {
        case inactive = "INACTIVE", active = "ACTIVE", error = "ERROR"
    }

    public var id: String
    public var tenant: String
    public var name: String
    public var description: String?
    public var connectorType: String
    /// The config with every `airbyte_secret` value sealed (`inlet:v1:…`).
    public var sealedConfig: JSONObject
    public var status: Status
    public var lastTestedAt: String?
    public var failureReason: FailureReason?
    public var createdAt: String
    /// The catalog the last discover found, if any.
    public var catalog: JSONValue?

    var json: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "tenant": .string(tenant), "name": .string(name), "connectorType": .string(connectorType),
            "config": .object(sealedConfig), "status": .string(status.rawValue), "createdAt": .string(createdAt),
        ]
        object["description"] = description.map(JSONValue.string)
        object["lastTestedAt"] = lastTestedAt.map(JSONValue.string)
        object["failureReason"] = failureReason?.json
        object["catalog"] = catalog
        return .object(object)
    }

    init(json: JSONValue) throws(ServiceError) {
        guard let id = json["id"]?.stringValue, let tenant = json["tenant"]?.stringValue, let name = json["name"]?.stringValue,
              let connectorType = json["connectorType"]?.stringValue, let config = json["config"]?.objectValue,
              let status = json["status"]?.stringValue.flatMap(Status.init(rawValue:)), let createdAt = json["createdAt"]?.stringValue else {
            throw ServiceError(.internal, "a stored source is malformed")
        }
        self.init(id: id, tenant: tenant, name: name, description: json["description"]?.stringValue, connectorType: connectorType,
                  sealedConfig: config, status: status, lastTestedAt: json["lastTestedAt"]?.stringValue,
                  failureReason: FailureReason(json: json["failureReason"]), createdAt: createdAt,
                  catalog: json["catalog"].flatMap { $0.isNull ? nil : $0 })
    }

    public init(id: String, tenant: String, name: String, description: String?, connectorType: String, sealedConfig: JSONObject,
                status: Status, lastTestedAt: String?, failureReason: FailureReason?, createdAt: String, catalog: JSONValue?) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.description = description
        self.connectorType = connectorType
        self.sealedConfig = sealedConfig
        self.status = status
        self.lastTestedAt = lastTestedAt
        self.failureReason = failureReason
        self.createdAt = createdAt
        self.catalog = catalog
    }
}

/// How a connection's streams are read and where they land.
public struct ConnectionRecord: Sendable {
    public enum Status: String, Sendable {
        case pending = "PENDING", active = "ACTIVE", failed = "FAILED"
    }

    public enum SyncMode: String, Sendable {
        case fullRefresh = "FULL_REFRESH", incremental = "INCREMENTAL", cdc = "CDC"
    }

    public var id: String
    public var tenant: String
    public var sourceID: String
    public var name: String
    public var destinationType: String
    public var syncSchedule: String?
    public var timeZone: String?
    /// nil: every stream the source has.
    public var selectedStreams: [String]?
    public var syncMode: SyncMode
    public var status: Status
    public var lastSyncAt: String?
    public var createdAt: String
    public var targetSchema: String
    /// `append`, `overwrite` or `merge`; nil: the default for each stream's sync mode.
    public var writeMode: String?
    public var mergeKeys: [String]?
    /// The `inlet sync --transform` list, as given.
    public var columnTransformations: JSONValue
    public var archiveStaging: Bool
    public var addIngestionMetadata: Bool
    /// When the scheduler last triggered it: slots before this are not run again.
    public var lastScheduledAt: String?
    /// The ingestion job that made the connection, if one did.
    public var jobID: String?

    public var json: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "tenant": .string(tenant), "sourceId": .string(sourceID), "name": .string(name),
            "destinationType": .string(destinationType), "syncMode": .string(syncMode.rawValue), "status": .string(status.rawValue),
            "createdAt": .string(createdAt), "targetSchema": .string(targetSchema), "columnTransformations": columnTransformations,
            "archiveStaging": .bool(archiveStaging), "addIngestionMetadata": .bool(addIngestionMetadata),
        ]
        object["syncSchedule"] = syncSchedule.map(JSONValue.string)
        object["timeZone"] = timeZone.map(JSONValue.string)
        object["selectedStreams"] = selectedStreams.map { .array($0.map(JSONValue.string)) }
        object["lastSyncAt"] = lastSyncAt.map(JSONValue.string)
        object["writeMode"] = writeMode.map(JSONValue.string)
        object["mergeKeys"] = mergeKeys.map { .array($0.map(JSONValue.string)) }
        object["lastScheduledAt"] = lastScheduledAt.map(JSONValue.string)
        object["jobId"] = jobID.map(JSONValue.string)
        return .object(object)
    }

    public init(json: JSONValue) throws(ServiceError) {
        guard let id = json["id"]?.stringValue, let tenant = json["tenant"]?.stringValue, let sourceID = json["sourceId"]?.stringValue,
              let name = json["name"]?.stringValue, let destinationType = json["destinationType"]?.stringValue,
              let syncMode = json["syncMode"]?.stringValue.flatMap(SyncMode.init(rawValue:)),
              let status = json["status"]?.stringValue.flatMap(Status.init(rawValue:)), let createdAt = json["createdAt"]?.stringValue,
              let targetSchema = json["targetSchema"]?.stringValue else {
            throw ServiceError(.internal, "a stored connection is malformed")
        }
        self.init(id: id, tenant: tenant, sourceID: sourceID, name: name, destinationType: destinationType,
                  syncSchedule: json["syncSchedule"]?.stringValue, timeZone: json["timeZone"]?.stringValue,
                  selectedStreams: json["selectedStreams"]?.arrayValue?.compactMap(\.stringValue), syncMode: syncMode, status: status,
                  lastSyncAt: json["lastSyncAt"]?.stringValue, createdAt: createdAt, targetSchema: targetSchema,
                  writeMode: json["writeMode"]?.stringValue, mergeKeys: json["mergeKeys"]?.arrayValue?.compactMap(\.stringValue),
                  columnTransformations: json["columnTransformations"] ?? .array([]),
                  archiveStaging: json["archiveStaging"]?.boolValue ?? true, addIngestionMetadata: json["addIngestionMetadata"]?.boolValue ?? true)
        lastScheduledAt = json["lastScheduledAt"]?.stringValue
        jobID = json["jobId"]?.stringValue
    }

    public init(id: String, tenant: String, sourceID: String, name: String, destinationType: String, syncSchedule: String?,
                timeZone: String?, selectedStreams: [String]?, syncMode: SyncMode, status: Status, lastSyncAt: String?,
                createdAt: String, targetSchema: String, writeMode: String?, mergeKeys: [String]?, columnTransformations: JSONValue,
                archiveStaging: Bool, addIngestionMetadata: Bool) {
        self.id = id
        self.tenant = tenant
        self.sourceID = sourceID
        self.name = name
        self.destinationType = destinationType
        self.syncSchedule = syncSchedule
        self.timeZone = timeZone
        self.selectedStreams = selectedStreams
        self.syncMode = syncMode
        self.status = status
        self.lastSyncAt = lastSyncAt
        self.createdAt = createdAt
        self.targetSchema = targetSchema
        self.writeMode = writeMode
        self.mergeKeys = mergeKeys
        self.columnTransformations = columnTransformations
        self.archiveStaging = archiveStaging
        self.addIngestionMetadata = addIngestionMetadata
    }
}

/// One run of a connection: its status, figures per stream, and why it failed.
public struct SyncRecord: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case pending = "PENDING", running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", cancelled = "CANCELLED"

        public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    public struct StreamFigures: Sendable, Equatable {
        public var name: String
        public var recordsSynced: Int64
        public var bytesSynced: Int64
        public var status: String

        public init(name: String, recordsSynced: Int64, bytesSynced: Int64, status: String) {
            self.name = name
            self.recordsSynced = recordsSynced
            self.bytesSynced = bytesSynced
            self.status = status
        }

        var json: JSONValue {
            ["name": .string(name), "recordsSynced": .int(recordsSynced), "bytesSynced": .int(bytesSynced), "status": .string(status)]
        }
    }

    public var id: String
    public var tenant: String
    public var connectionID: String
    public var connectionName: String
    public var status: Status
    public var recordsSynced: Int64?
    public var bytesSynced: Int64?
    public var startedAt: String
    public var completedAt: String?
    public var durationMs: Int64?
    public var streams: [StreamFigures]
    public var failureReason: FailureReason?
    /// The orchestrator's id of the run when it differs from `id` (an Airflow run it scheduled itself).
    public var externalRunID: String?
    /// When the run's worker was last heard from (runs on an orchestrator's workers).
    public var heartbeatAt: String?

    var json: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "tenant": .string(tenant), "connectionId": .string(connectionID), "connectionName": .string(connectionName),
            "status": .string(status.rawValue), "startedAt": .string(startedAt), "streams": .array(streams.map(\.json)),
        ]
        object["recordsSynced"] = recordsSynced.map(JSONValue.int)
        object["bytesSynced"] = bytesSynced.map(JSONValue.int)
        object["completedAt"] = completedAt.map(JSONValue.string)
        object["durationMs"] = durationMs.map(JSONValue.int)
        object["failureReason"] = failureReason?.json
        object["externalRunId"] = externalRunID.map(JSONValue.string)
        object["heartbeatAt"] = heartbeatAt.map(JSONValue.string)
        return .object(object)
    }

    init(json: JSONValue) throws(ServiceError) {
        guard let id = json["id"]?.stringValue, let tenant = json["tenant"]?.stringValue, let connectionID = json["connectionId"]?.stringValue,
              let connectionName = json["connectionName"]?.stringValue,
              let status = json["status"]?.stringValue.flatMap(Status.init(rawValue:)), let startedAt = json["startedAt"]?.stringValue else {
            throw ServiceError(.internal, "a stored sync is malformed")
        }
        let streams = (json["streams"]?.arrayValue ?? []).compactMap { stream -> StreamFigures? in
            guard let name = stream["name"]?.stringValue else { return nil }
            return StreamFigures(name: name, recordsSynced: stream["recordsSynced"]?.intValue ?? 0,
                                 bytesSynced: stream["bytesSynced"]?.intValue ?? 0, status: stream["status"]?.stringValue ?? "")
        }
        self.init(id: id, tenant: tenant, connectionID: connectionID, connectionName: connectionName, status: status,
                  recordsSynced: json["recordsSynced"]?.intValue, bytesSynced: json["bytesSynced"]?.intValue, startedAt: startedAt,
                  completedAt: json["completedAt"]?.stringValue, durationMs: json["durationMs"]?.intValue, streams: streams,
                  failureReason: FailureReason(json: json["failureReason"]))
        externalRunID = json["externalRunId"]?.stringValue
        heartbeatAt = json["heartbeatAt"]?.stringValue
    }

    public init(id: String, tenant: String, connectionID: String, connectionName: String, status: Status, recordsSynced: Int64?,
                bytesSynced: Int64?, startedAt: String, completedAt: String?, durationMs: Int64?, streams: [StreamFigures],
                failureReason: FailureReason?) {
        self.id = id
        self.tenant = tenant
        self.connectionID = connectionID
        self.connectionName = connectionName
        self.status = status
        self.recordsSynced = recordsSynced
        self.bytesSynced = bytesSynced
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.durationMs = durationMs
        self.streams = streams
        self.failureReason = failureReason
    }
}
