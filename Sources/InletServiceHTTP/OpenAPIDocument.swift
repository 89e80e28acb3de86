import InletJSON

/// The OpenAPI 3.1 description of every route, schema and error of the API, served at
/// `GET /api/v1/openapi.json`. CI runs schemathesis against it: no answer may fall outside it.
enum OpenAPIDocument {
    /// `connectorTypes`: the names `connectorType` may take on this service.
    static func json(connectorTypes: [String]) -> JSONValue {
        var schemas = self.schemas
        if case .object(var create)? = schemas["SourceCreate"], case .object(var properties)? = create["properties"] {
            properties["connectorType"] = ["type": "string", "enum": .array(connectorTypes.map(JSONValue.string))]
            create["properties"] = .object(properties)
            schemas["SourceCreate"] = .object(create)
        }
        if case .object(var ingest)? = schemas["IngestRequest"], case .object(var properties)? = ingest["properties"] {
            properties["source_name"] = ["type": "string", "enum": .array(connectorTypes.map(JSONValue.string))]
            ingest["properties"] = .object(properties)
            schemas["IngestRequest"] = .object(ingest)
        }
        var components = self.components
        components["schemas"] = .object(schemas)
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Inlet ingestion service", "version": "1.0.0",
                "description": "Sources, connections and syncs of tenants, landing streams as Iceberg tables. Every /api/v1 route needs a bearer JWT; tenant routes also the X-Tenant-Id header naming one of the token's tenants. Reads need data:ingestion:read or data:ingestion:manage; changes need data:ingestion:manage.",
            ],
            "servers": [["url": "/"]],
            "security": [["bearerAuth": []]],
            "paths": .object(joined(joined(paths.objectValue ?? [:], jobPaths), filePaths)),
            "components": .object(components),
        ]
    }

    // MARK: - Paths

    private static var paths: JSONValue {
        [
            "/health": ["get": operation("health", summary: "Liveness", tenant: false, secured: false,
                                         responses: ["200": body("Health")], errors: [])],
            "/metrics": ["get": operation("metrics", summary: "Prometheus metrics", tenant: false, secured: false,
                                          responses: ["200": ["description": "Metrics in Prometheus' text format",
                                                              "content": ["text/plain": ["schema": ["type": "string"]]]]],
                                          errors: [])],
            "/api/v1/openapi.json": ["get": operation("openapi", summary: "This document", tenant: false, secured: false,
                                                      responses: ["200": ["description": "The OpenAPI document", "content": ["application/json": ["schema": ["type": "object"]]]]],
                                                      errors: [])],
            "/api/v1/sources/connector-types": ["get": operation("listConnectorTypes", summary: "Connector types sources can use", tenant: false,
                                                                 responses: ["200": list("ConnectorType")], errors: ["401"])],
            "/api/v1/sources": [
                "get": operation("listSources", summary: "The tenant's sources", responses: ["200": list("Source")], errors: ["400", "401", "403"]),
                "post": operation("createSource", summary: "Create a source", idempotent: true, request: "SourceCreate",
                                  responses: ["201": body("Source", links: ["getSource", "updateSource", "deleteSource", "testSource", "discoverSource"])],
                                  errors: ["400", "401", "403", "413"]),
            ],
            "/api/v1/sources/{id}": [
                "parameters": [["$ref": "#/components/parameters/Id"]],
                "get": operation("getSource", summary: "A source, its config with secrets masked", responses: ["200": body("SourceDetail")],
                                 errors: ["400", "401", "403", "404"]),
                "put": operation("updateSource", summary: "Change a source (omitted fields stay; masked secrets are kept)", request: "SourceUpdate",
                                 responses: ["200": body("Source")], errors: ["400", "401", "403", "404", "413"]),
                "delete": operation("deleteSource", summary: "Delete a source no connection uses", responses: ["204": ["description": "Deleted"]],
                                    errors: ["400", "401", "403", "404", "409"]),
            ],
            "/api/v1/sources/{id}/test": [
                "parameters": [["$ref": "#/components/parameters/Id"]],
                "post": operation("testSource", summary: "Run the connector's check", responses: ["200": body("Source")],
                                  errors: ["400", "401", "403", "404"]),
            ],
            "/api/v1/sources/{id}/discover": [
                "parameters": [["$ref": "#/components/parameters/Id"]],
                "post": operation("discoverSource", summary: "Discover the source's streams", responses: ["200": body("Discovery")],
                                  errors: ["400", "401", "403", "404"]),
            ],
            "/api/v1/connections": [
                "get": operation("listConnections", summary: "The tenant's connections", responses: ["200": list("Connection")],
                                 errors: ["400", "401", "403"]),
                "post": operation("createConnection", summary: "Create a connection", idempotent: true, request: "ConnectionCreate",
                                  responses: ["201": body("Connection", links: ["getConnection", "updateConnection", "deleteConnection", "triggerSync"])],
                                  errors: ["400", "401", "403", "404", "413"]),
            ],
            "/api/v1/connections/{id}": [
                "parameters": [["$ref": "#/components/parameters/Id"]],
                "get": operation("getConnection", summary: "A connection", responses: ["200": body("Connection")], errors: ["400", "401", "403", "404"]),
                "put": operation("updateConnection", summary: "Change a connection (omitted fields stay)", request: "ConnectionUpdate",
                                 responses: ["200": body("Connection")], errors: ["400", "401", "403", "404", "413"]),
                "delete": operation("deleteConnection", summary: "Delete a connection without a running sync",
                                    responses: ["204": ["description": "Deleted"]], errors: ["400", "401", "403", "404", "409"]),
            ],
            "/api/v1/syncs/connections/{id}/trigger": [
                "parameters": [["$ref": "#/components/parameters/Id"]],
                "post": operation("triggerSync", summary: "Start a sync of the connection", idempotent: true,
                                  responses: ["202": body("Sync", links: ["getSync", "getSyncLog", "cancelSync"])], errors: ["400", "401", "403", "404", "409"]),
            ],
            "/api/v1/syncs/{id}/cancel": [
                "parameters": [["$ref": "#/components/parameters/Id"]],
                "post": operation("cancelSync", summary: "Cancel a pending or running sync (again: no effect)",
                                  responses: ["204": ["description": "Cancelled, or already ended"]], errors: ["400", "401", "403", "404"]),
            ],
            "/api/v1/syncs/{id}": [
                "parameters": [["$ref": "#/components/parameters/Id"]],
                "get": operation("getSync", summary: "A sync", responses: ["200": body("Sync")], errors: ["400", "401", "403", "404"]),
            ],
            "/api/v1/syncs/{id}/logs": [
                "parameters": [["$ref": "#/components/parameters/Id"]],
                "get": operation("getSyncLog", summary: "A sync's log, secrets masked", responses: ["200": body("SyncLog")],
                                 errors: ["400", "401", "403", "404"]),
            ],
            "/api/v1/syncs": [
                "get": operation("listSyncs", summary: "The tenant's syncs, a page at a time", extraParameters: [
                    ["name": "connectionId", "in": "query", "required": false, "schema": ["type": "string"]],
                    ["name": "page", "in": "query", "required": false, "schema": ["type": "integer", "minimum": 0, "maximum": 10_000_000, "default": 0]],
                    ["name": "size", "in": "query", "required": false,
                     "schema": ["type": "integer", "minimum": 0, "default": 20, "description": "At most 100; more is read as 100"]],
                    ["name": "sort", "in": "query", "required": false,
                     "schema": ["type": "string", "default": "startedAt,desc",
                                "description": "FIELD[,asc|desc], FIELD one of startedAt, completedAt, status, recordsSynced, bytesSynced, durationMs, id; id breaks ties"]],
                ], responses: ["200": body("SyncPage")], errors: ["400", "401", "403", "404"]),
            ],
        ]
    }

    /// `tenantFromToken`: the X-Tenant-Id header may be left out when the token names one tenant.
    static func operation(_ id: String, summary: String, tenant: Bool = true, tenantFromToken: Bool = false, secured: Bool = true,
                                  idempotent: Bool = false, request: String? = nil, extraParameters: [JSONValue] = [], responses: JSONObject,
                                  errors: [String]) -> JSONValue {
        var parameters: [JSONValue] = tenant ? [["$ref": .string(tenantFromToken ? "#/components/parameters/TenantIdOrToken" : "#/components/parameters/TenantId")]] : []
        if idempotent { parameters.append(["$ref": "#/components/parameters/IdempotencyKey"]) }
        parameters += extraParameters
        var allResponses = responses
        for status in errors { allResponses[status] = ["$ref": .string("#/components/responses/Error\(status)")] }
        if secured || tenant { allResponses["500"] = ["$ref": "#/components/responses/Error500"] }
        var object: JSONObject = ["operationId": .string(id), "summary": .string(summary), "responses": .object(allResponses)]
        if !parameters.isEmpty { object["parameters"] = .array(parameters) }
        if !secured { object["security"] = [] }
        if let request {
            object["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(request)")]]]]
        }
        return .object(object)
    }

    /// A JSON answer of `schema`; `links` name operations whose `id` is this answer's `id`.
    static func body(_ schema: String, links: [String] = []) -> JSONValue {
        var response: JSONObject = ["description": .string(schema),
                                    "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(schema)")]]]]
        if !links.isEmpty {
            response["links"] = .object(JSONObject(links.map { operation in
                (operation, ["operationId": .string(operation), "parameters": ["id": "$response.body#/id"]])
            }))
        }
        return .object(response)
    }

    static func list(_ schema: String) -> JSONValue {
        ["description": .string("A list of \(schema)"),
         "content": ["application/json": ["schema": ["type": "array", "items": ["$ref": .string("#/components/schemas/\(schema)")]]]]]
    }

    // MARK: - Components

    private static let errorDescriptions: [(String, String)] = [
        ("400", "The request is malformed or names something invalid"), ("401", "No valid bearer token"),
        ("403", "The token does not grant this tenant or permission"), ("404", "No such thing for this tenant"),
        ("409", "The request conflicts with the current state"), ("413", "The body is larger than 1 MiB (an upload: larger than the service's --max-upload-size)"),
        ("500", "The service failed; details are in its log"),
    ]

    private static var components: JSONObject {
        var responses = JSONObject()
        for (status, description) in errorDescriptions {
            var response: JSONObject = ["description": .string(description),
                                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
            if status == "401" {
                response["headers"] = ["WWW-Authenticate": ["schema": ["type": "string"], "description": #"Bearer error="invalid_token""#]]
            }
            responses["Error\(status)"] = .object(response)
        }
        return [
            "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
            "parameters": [
                "TenantId": ["name": "X-Tenant-Id", "in": "header", "required": true, "description": "One of the token's tenants",
                             "schema": ["type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"]],
                "TenantIdOrToken": ["name": "X-Tenant-Id", "in": "header", "required": false,
                                    "description": "One of the token's tenants; may be left out when the token names only one",
                                    "schema": ["type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"]],
                "JobId": ["name": "id", "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]],
                "IdempotencyKey": ["name": "Idempotency-Key", "in": "header", "required": false,
                                   "description": "The same key within 24 h returns the first successful answer instead of acting again",
                                   "schema": ["type": "string", "minLength": 1, "maxLength": 255]],
                "Id": ["name": "id", "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]],
            ],
            "responses": .object(joined(responses, ["IngestError400": [
                "description": "The request is malformed or a field is invalid; `error` names the field",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/IngestError"]]],
            ]])),
            "schemas": .object(schemas),
        ]
    }

    static func object(_ properties: JSONObject, required: [String], additional: Bool = false) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string)),
         "additionalProperties": .bool(additional)]
    }

    static let string: JSONValue = ["type": "string"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let timestamp: JSONValue = ["type": "string", "format": "date-time"]
    static let nullableTimestamp: JSONValue = ["type": ["string", "null"], "format": "date-time"]
    static let nullableStrings: JSONValue = ["type": ["array", "null"], "items": ["type": "string"]]

    private static var connectionFields: JSONObject {
        [
            "name": ["type": "string", "minLength": 1], "destinationType": ["type": "string", "enum": ["iceberg"], "default": "iceberg"],
            "syncSchedule": ["type": ["string", "null"], "description": "5-field cron, or @hourly @daily @weekly @monthly @quarterly @yearly; null: no schedule"],
            "timeZone": ["type": ["string", "null"], "description": "An IANA time zone for the schedule; default UTC"],
            "selectedStreams": ["type": ["array", "null"], "items": ["type": "string"], "description": "null: every stream"],
            "syncMode": ["type": "string", "enum": ["FULL_REFRESH", "INCREMENTAL", "CDC"], "default": "FULL_REFRESH"],
            "targetSchema": ["type": "string", "pattern": "^[A-Za-z0-9_]+$", "default": "raw"],
            "writeMode": ["type": ["string", "null"], "enum": ["append", "overwrite", "merge", .null]],
            "mergeKeys": ["description": "Comma-separated, or a list", "oneOf": [["type": "string"], ["type": "array", "items": ["type": "string"]], ["type": "null"]]],
            "columnTransformations": ["type": "array", "items": ["type": "object"]],
            "archiveStaging": ["type": "boolean", "default": true], "addIngestionMetadata": ["type": "boolean", "default": true],
        ]
    }

    /// `first`'s members, then `second`'s that `first` does not have.
    static func joined(_ first: JSONObject, _ second: JSONObject) -> JSONObject {
        var result = first
        for (key, value) in second where result[key] == nil { result[key] = value }
        return result
    }

    private static var schemas: JSONObject {
        let failureReason = object(["type": ["type": "string", "enum": ["config_error", "system_error", "transient_error"]],
                                    "origin": ["type": "string", "enum": ["source", "destination", "service"]], "message": string],
                                   required: ["type", "message"])
        var sourceProperties: JSONObject = [
            "id": string, "name": string, "description": nullableString, "connectorType": string,
            "status": ["type": "string", "enum": ["INACTIVE", "ACTIVE", "ERROR"]], "lastTestedAt": nullableTimestamp, "createdAt": timestamp,
            "failureReason": ["$ref": "#/components/schemas/FailureReason"],
        ]
        let sourceRequired = ["id", "name", "description", "connectorType", "status", "lastTestedAt", "createdAt"]
        let source = object(sourceProperties, required: sourceRequired)
        sourceProperties["connectionConfig"] = ["type": "object", "description": "Secrets (airbyte_secret fields) as **********"]
        let sourceDetail = object(sourceProperties, required: sourceRequired + ["connectionConfig"])
        var connectionCreate = connectionFields
        connectionCreate["sourceId"] = string
        var connectionProperties = connectionFields
        for (key, value) in [("id", string), ("sourceId", string), ("sourceName", string), ("status", ["type": "string", "enum": ["PENDING", "ACTIVE", "FAILED"]]),
                             ("lastSyncAt", nullableTimestamp), ("createdAt", timestamp), ("mergeKeys", nullableStrings),
                             ("writeMode", ["type": ["string", "null"]]) as (String, JSONValue)] {
            connectionProperties[key] = value
        }
        let syncStatus: JSONValue = ["type": "string", "enum": ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]]
        let nullableInteger: JSONValue = ["type": ["integer", "null"]]
        let sync = object([
            "id": string, "connectionId": string, "connectionName": string, "status": syncStatus, "recordsSynced": nullableInteger,
            "bytesSynced": nullableInteger, "startedAt": timestamp, "completedAt": nullableTimestamp, "durationMs": nullableInteger,
            "streams": ["type": "array", "items": object(["name": string, "recordsSynced": ["type": "integer"], "bytesSynced": ["type": "integer"],
                                                           "status": string], required: ["name", "recordsSynced", "bytesSynced", "status"])],
            "failureReason": ["$ref": "#/components/schemas/FailureReason"],
        ], required: ["id", "connectionId", "connectionName", "status", "recordsSynced", "bytesSynced", "startedAt", "completedAt", "durationMs", "streams"])
        let column = object(["name": string, "type": ["type": "string", "enum": ["INTEGER", "DECIMAL", "DOUBLE", "STRING", "BOOLEAN", "DATE", "TIMESTAMP", "TIME", "ARRAY", "OBJECT"]],
                             "nullable": ["type": "boolean"], "sampleValues": ["type": "array"]], required: ["name", "type", "nullable", "sampleValues"])
        let base: JSONObject = [
            "Error": object(["timestamp": timestamp, "status": ["type": "integer"], "error": string, "message": string, "path": string],
                            required: ["timestamp", "status", "error", "message", "path"]),
            "Health": object(["status": string], required: ["status"]),
            "FailureReason": failureReason,
            "ConnectorType": object(["name": string, "kind": ["type": "string", "enum": ["manifest", "process", "native", "package"]]], required: ["name", "kind"]),
            "Source": source,
            "SourceDetail": sourceDetail,
            "SourceCreate": object(["name": ["type": "string", "minLength": 1], "description": nullableString, "connectorType": string,
                                    "connectionConfig": ["type": "object"]], required: ["name", "connectorType", "connectionConfig"]),
            "SourceUpdate": object(["name": ["type": "string", "minLength": 1], "description": nullableString, "connectorType": string,
                                    "connectionConfig": ["type": "object", "description": "Merged over the stored config; null removes a member"]], required: []),
            "Discovery": object(["streams": ["type": "array", "items": object([
                "name": string, "columns": ["type": "array", "items": column],
                "supportedSyncModes": ["type": "array", "items": ["type": "string", "enum": ["FULL_REFRESH", "INCREMENTAL", "CDC"]]],
            ], required: ["name", "columns", "supportedSyncModes"])]], required: ["streams"]),
            "Connection": object(connectionProperties, required: ["id", "sourceId", "sourceName", "name", "destinationType", "syncSchedule",
                                                                  "syncMode", "status", "lastSyncAt", "createdAt"]),
            "ConnectionCreate": object(connectionCreate, required: ["sourceId", "name"]),
            "ConnectionUpdate": object(connectionCreate, required: []),
            "Sync": sync,
            "SyncPage": object(["content": ["type": "array", "items": ["$ref": "#/components/schemas/Sync"]], "totalElements": ["type": "integer"],
                                "totalPages": ["type": "integer"], "number": ["type": "integer"], "size": ["type": "integer"]],
                               required: ["content", "totalElements", "totalPages", "number", "size"]),
            "SyncLog": object(["syncId": string, "lines": ["type": "array", "items": string]], required: ["syncId", "lines"]),
        ]
        return joined(joined(base, jobSchemas(sync: sync)), fileSchemas)
    }
}
