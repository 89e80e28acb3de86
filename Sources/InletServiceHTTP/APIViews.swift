import InletJSON
import InletProtocol
import InletService

/// The API's JSON for the service's records (camelCase, fields as the API documents them).
enum APIViews {
    static func source(_ source: SourceRecord, config: JSONObject? = nil) -> JSONValue {
        var object: JSONObject = [
            "id": .string(source.id), "name": .string(source.name), "description": source.description.map(JSONValue.string) ?? .null,
            "connectorType": .string(source.connectorType), "status": .string(source.status.rawValue),
            "lastTestedAt": source.lastTestedAt.map(JSONValue.string) ?? .null, "createdAt": .string(source.createdAt),
        ]
        if let reason = source.failureReason { object["failureReason"] = failureReason(reason) }
        if let config { object["connectionConfig"] = .object(config) }
        return .object(object)
    }

    static func connection(_ connection: ConnectionRecord, sourceName: String) -> JSONValue {
        [
            "id": .string(connection.id), "sourceId": .string(connection.sourceID), "sourceName": .string(sourceName),
            "name": .string(connection.name), "destinationType": .string(connection.destinationType),
            "syncSchedule": connection.syncSchedule.map(JSONValue.string) ?? .null,
            "timeZone": connection.timeZone.map(JSONValue.string) ?? .null,
            "syncMode": .string(connection.syncMode.rawValue), "status": .string(connection.status.rawValue),
            "lastSyncAt": connection.lastSyncAt.map(JSONValue.string) ?? .null, "createdAt": .string(connection.createdAt),
            "selectedStreams": connection.selectedStreams.map { .array($0.map(JSONValue.string)) } ?? .null,
            "targetSchema": .string(connection.targetSchema), "writeMode": connection.writeMode.map(JSONValue.string) ?? .null,
            "mergeKeys": connection.mergeKeys.map { .array($0.map(JSONValue.string)) } ?? .null,
            "columnTransformations": connection.columnTransformations, "archiveStaging": .bool(connection.archiveStaging),
            "addIngestionMetadata": .bool(connection.addIngestionMetadata),
        ]
    }

    static func sync(_ sync: SyncRecord) -> JSONValue {
        var object: JSONObject = [
            "id": .string(sync.id), "connectionId": .string(sync.connectionID), "connectionName": .string(sync.connectionName),
            "status": .string(sync.status.rawValue), "recordsSynced": sync.recordsSynced.map(JSONValue.int) ?? .null,
            "bytesSynced": sync.bytesSynced.map(JSONValue.int) ?? .null, "startedAt": .string(sync.startedAt),
            "completedAt": sync.completedAt.map(JSONValue.string) ?? .null, "durationMs": sync.durationMs.map(JSONValue.int) ?? .null,
            "streams": .array(sync.streams.map { stream in
                ["name": .string(stream.name), "recordsSynced": .int(stream.recordsSynced), "bytesSynced": .int(stream.bytesSynced),
                 "status": .string(stream.status)]
            }),
        ]
        if let reason = sync.failureReason { object["failureReason"] = failureReason(reason) }
        return .object(object)
    }

    static func failureReason(_ reason: FailureReason) -> JSONValue {
        var object: JSONObject = ["type": .string(reason.type), "message": .string(reason.message)]
        if let origin = reason.origin { object["origin"] = .string(origin.rawValue) }
        return .object(object)
    }

    static func page(_ items: [JSONValue], total: Int, query: SyncQuery) -> JSONValue {
        [
            "content": .array(items), "totalElements": .int(Int64(total)),
            "totalPages": .int(Int64((total + query.size - 1) / query.size)), "number": .int(Int64(query.page)), "size": .int(Int64(query.size)),
        ]
    }

    /// A discovered catalog as streams of typed columns, with a few values of each.
    static func discovery(_ discovery: IngestionService.Discovery) -> JSONValue {
        .object(["streams": .array(discovery.catalog.streams.map { stream in
            let properties = stream.jsonSchema["properties"]?.objectValue ?? [:]
            var modes: [JSONValue] = []
            if stream.supportedSyncModes.contains(.fullRefresh) { modes.append("FULL_REFRESH") }
            if stream.supportedSyncModes.contains(.incremental) { modes.append("INCREMENTAL") }
            return [
                "name": .string(stream.name),
                "columns": .array(properties.map { name, schema in
                    let (type, nullable) = ColumnType.of(schema)
                    let samples = discovery.samples[stream.name]?[name] ?? []
                    return ["name": .string(name), "type": .string(type), "nullable": .bool(nullable), "sampleValues": .array(samples)]
                }),
                "supportedSyncModes": .array(modes),
            ]
        })])
    }
}

/// A column's type from its JSON schema: INTEGER (int64) for `integer`, DECIMAL for a number the
/// schema marks `airbyte_type: big_number` or `format: decimal`, DOUBLE for other numbers, BOOLEAN,
/// DATE / TIMESTAMP / TIME for strings of format `date`, `date-time` or `time`, STRING for other
/// strings, ARRAY and OBJECT; STRING when the schema names no type. Nullable unless the schema's
/// type excludes `null`.
enum ColumnType {
    static func of(_ schema: JSONValue) -> (type: String, nullable: Bool) {
        var types: [String] = []
        switch schema["type"] {
        case .string(let single)?: types = [single]
        case .array(let list)?: types = list.compactMap(\.stringValue)
        default: break
        }
        let nullable = types.isEmpty || types.contains("null")
        let format = schema["format"]?.stringValue
        let airbyteType = schema["airbyte_type"]?.stringValue
        let type: String
        switch types.first(where: { $0 != "null" }) {
        case "integer"?: type = "INTEGER"
        case "number"?: type = airbyteType == "integer" ? "INTEGER" : (airbyteType == "big_number" || format == "decimal") ? "DECIMAL" : "DOUBLE"
        case "boolean"?: type = "BOOLEAN"
        case "string"?:
            switch format {
            case "date"?: type = "DATE"
            case "date-time"?: type = "TIMESTAMP"
            case "time"?: type = "TIME"
            default: type = "STRING"
            }
        case "array"?: type = "ARRAY"
        case "object"?: type = "OBJECT"
        default: type = "STRING"
        }
        return (type, nullable)
    }
}
