import InletJSON

/// The ingestion jobs' part of the OpenAPI document: `/api/airbyte/*` and `/api/jobs*`.
extension OpenAPIDocument {
    private static let jobErrors = ["400", "401", "403", "404"]

    private static var pageParameters: [JSONValue] {
        [
            ["name": "page", "in": "query", "required": false, "schema": ["type": "integer", "minimum": 0, "maximum": 10_000_000, "default": 0]],
            ["name": "size", "in": "query", "required": false,
             "schema": ["type": "integer", "minimum": 0, "default": 20, "description": "At most 100; more is read as 100"]],
        ]
    }

    static var jobPaths: JSONObject {
        let idParameter: JSONValue = [["$ref": "#/components/parameters/JobId"]]
        let idAndRun: JSONValue = [["$ref": "#/components/parameters/JobId"], ["name": "run", "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]]
        return [
            "/api/airbyte/sources": ["get": operation("listIngestSources", summary: "The sources this service runs", tenant: false,
                                                      responses: ["200": list("IngestSource")], errors: ["401"])],
            "/api/airbyte/sources/{source_name}": [
                "parameters": [["name": "source_name", "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]],
                "get": operation("getIngestSource", summary: "A source's spec (secrets marked) and, when a discover needs no config, its streams",
                                 tenant: false, responses: ["200": body("IngestSourceDetail")], errors: ["401", "404"]),
            ],
            "/api/airbyte/ingest": ["post": {
                guard case .object(var operation) = operation(
                    "ingest", summary: "Ingest an API: one job that lands the source's streams in an Iceberg namespace, now or on a schedule",
                    tenantFromToken: true, idempotent: true, request: "IngestRequest", responses: ["201": body("IngestAnswer")],
                    errors: ["401", "403", "409", "413"]),
                    case .object(var responses) = operation["responses"] else { return .null }
                responses["400"] = ["$ref": "#/components/responses/IngestError400"]
                operation["responses"] = .object(responses)
                return .object(operation)
            }()],
            "/api/jobs": [
                "get": operation("listJobs", summary: "The tenant's jobs, newest first", tenantFromToken: true, extraParameters: pageParameters + [
                    ["name": "type", "in": "query", "required": false,
                     "schema": ["type": "string", "enum": ["airflow.ingest", "airflow.dataeng", "airflow.nlp", "mirror"]]],
                    ["name": "status", "in": "query", "required": false,
                     "schema": ["type": "string", "enum": ["SCHEDULED", "RUNNING", "SUCCEEDED", "FAILED", "PAUSED", "DELETED"]]],
                ], responses: ["200": body("JobPage")], errors: ["400", "401", "403"]),
                "post": operation("createJob", summary: "Create a job", tenantFromToken: true, idempotent: true, request: "JobCreate",
                                  responses: ["201": body("Job", links: ["getJob", "listJobRuns", "triggerJob", "pauseJob", "resumeJob", "deleteJob"])],
                                  errors: ["400", "401", "403", "404", "409", "413"]),
            ],
            "/api/jobs/{id}": [
                "parameters": idParameter,
                "get": operation("getJob", summary: "A job: status, last run, next run, flow URL", tenantFromToken: true,
                                 responses: ["200": body("Job")], errors: jobErrors),
                "delete": operation("deleteJob", summary: "Delete a job: its schedule stops, its tables stay (again: no effect)",
                                    tenantFromToken: true, responses: ["204": ["description": "Deleted"]], errors: jobErrors + ["409"]),
            ],
            "/api/jobs/{id}/runs": [
                "parameters": idParameter,
                "get": operation("listJobRuns", summary: "The job's runs, a page at a time", tenantFromToken: true, extraParameters: pageParameters + [
                    ["name": "sort", "in": "query", "required": false,
                     "schema": ["type": "string", "default": "startedAt,desc",
                                "description": "FIELD[,asc|desc], FIELD one of startedAt, completedAt, status, recordsSynced, bytesSynced, durationMs, id"]],
                ], responses: ["200": body("JobRunPage")], errors: jobErrors),
            ],
            "/api/jobs/{id}/trigger": [
                "parameters": idParameter,
                "post": operation("triggerJob", summary: "Run the job now", tenantFromToken: true, idempotent: true,
                                  responses: ["202": body("JobRun")], errors: jobErrors + ["409"]),
            ],
            "/api/jobs/{id}/pause": [
                "parameters": idParameter,
                "post": operation("pauseJob", summary: "Pause the job's schedule", tenantFromToken: true,
                                  responses: ["200": body("Job")], errors: jobErrors + ["409"]),
            ],
            "/api/jobs/{id}/token": [
                "parameters": idParameter,
                "post": operation("issueJobToken", summary: "A token scoped to the job, for inlet run-job on an orchestrator's worker (needs data:ingestion:run or manage)",
                                  tenantFromToken: true, responses: ["200": body("JobToken")], errors: jobErrors),
            ],
            "/api/jobs/{id}/runs/start": [
                "parameters": idParameter,
                "post": operation("startJobRun", summary: "A worker starts a run (job token only): the run's definition, secrets opened",
                                  tenant: false, request: "JobRunStart", responses: ["200": ["description": "The run's definition",
                                                                                           "content": ["application/json": ["schema": ["type": "object"]]]]],
                                  errors: jobErrors + ["409", "413"]),
            ],
            "/api/jobs/{id}/runs/{run}/log": [
                "parameters": idAndRun,
                "post": operation("appendJobRunLog", summary: "A worker adds lines to its run's log (job token only); 409 when the service ended the run: the worker stops it",
                                  tenant: false, request: "JobRunLog", responses: ["204": ["description": "Kept"]], errors: jobErrors + ["409", "413"]),
            ],
            "/api/jobs/{id}/runs/{run}/finish": [
                "parameters": idAndRun,
                "post": operation("finishJobRun", summary: "A worker reports how its run ended (job token only)", tenant: false,
                                  request: "JobRunFinish", responses: ["204": ["description": "Kept"]], errors: jobErrors + ["413"]),
            ],
            "/api/jobs/{id}/resume": [
                "parameters": idParameter,
                "post": operation("resumeJob", summary: "Resume the job's schedule", tenantFromToken: true,
                                  responses: ["200": body("Job")], errors: jobErrors + ["409"]),
            ],
        ]
    }

    static func jobSchemas(sync: JSONValue) -> JSONObject {
        let strings: JSONValue = ["type": "array", "items": ["type": "string"]]
        let jobStatus: JSONValue = ["type": "string", "enum": ["SCHEDULED", "RUNNING", "SUCCEEDED", "FAILED", "PAUSED", "DELETED"]]
        let jobType: JSONValue = ["type": "string", "enum": ["airflow.ingest", "airflow.dataeng", "airflow.nlp", "mirror"]]
        var run = sync.objectValue ?? [:]
        if case .object(var properties)? = run["properties"] {
            properties["jobId"] = string
            run["properties"] = .object(properties)
        }
        let page: (String) -> JSONValue = { item in
            object(["content": ["type": "array", "items": ["$ref": .string("#/components/schemas/\(item)")]], "totalElements": ["type": "integer"],
                    "totalPages": ["type": "integer"], "number": ["type": "integer"], "size": ["type": "integer"]],
                   required: ["content", "totalElements", "totalPages", "number", "size"])
        }
        let availableSource: JSONObject = [
            "name": string, "kind": ["type": "string", "enum": ["manifest", "process", "native", "package"]], "version": nullableString,
            "installed": ["type": "boolean"],
        ]
        var detail = availableSource
        detail["spec"] = object(["connectionSpecification": ["type": "object"], "documentationUrl": nullableString],
                                required: ["connectionSpecification", "documentationUrl"])
        detail["secrets"] = ["type": "array", "items": string, "description": "Dotted paths of the members marked airbyte_secret"]
        detail["streams"] = ["type": ["array", "null"], "items": object([
            "name": string, "supported_sync_modes": strings,
            "source_defined_primary_key": ["type": ["array", "null"], "items": strings], "default_cursor_field": ["type": ["array", "null"], "items": string],
        ], required: ["name", "supported_sync_modes", "source_defined_primary_key", "default_cursor_field"])]
        detail["streams_unavailable"] = nullableString
        return [
            "IngestSource": object(availableSource, required: ["name", "kind", "version", "installed"]),
            "IngestSourceDetail": object(detail, required: ["name", "kind", "version", "installed", "spec", "secrets", "streams", "streams_unavailable"]),
            "IngestRequest": object([
                "name": ["type": "string", "minLength": 1], "source_name": string, "source_config": ["type": "object"],
                "schema_name": ["type": "string", "pattern": "^[A-Za-z0-9_]{1,128}$"], "mode": ["type": "string", "enum": ["append", "overwrite", "merge"]],
                "streams": ["type": ["array", "null"], "items": string, "description": "Empty or null: every stream"],
                "merge": ["type": ["string", "null"], "description": "Comma-separated merge keys; default each stream's primary key"],
                "schedule": ["type": ["string", "null"], "description": "5-field cron, a preset (@hourly … @yearly), or Run Once, Every 3 hours, Daily, Weekly, Monthly, Quarterly; null: run once, now"],
                "time_zone": ["type": ["string", "null"], "description": "IANA time zone of the schedule; default UTC"],
                "timezone": ["type": ["string", "null"], "description": "The same as time_zone"],
                "domain": nullableString, "tags": ["description": "A list, or comma-separated", "oneOf": [strings, ["type": "string"], ["type": "null"]]],
                "owner_id": nullableString,
                "column_transformations": ["type": ["array", "null"], "items": ["type": "object"],
                                           "description": "[{column, transformation_type: cast|drop|encrypt|rename, stream, target_type, new_name, encryption_key_name}]"],
                "archive_staging": ["type": ["boolean", "null"], "default": true],
                "add_ingestion_metadata": ["type": ["boolean", "null"], "default": true],
            ], required: ["name", "source_name", "source_config", "schema_name", "mode"]),
            "IngestAnswer": object(["flow_url": string, "job_id": string, "error": ["type": "null"]], required: ["flow_url", "job_id", "error"]),
            "IngestError": object(["timestamp": timestamp, "status": ["type": "integer"], "error": string, "message": string, "path": string,
                                   "flow_url": ["type": "null"], "job_id": ["type": "null"]],
                                  required: ["timestamp", "status", "error", "message", "path"]),
            "JobCreate": object([
                "job_type": jobType, "job_name": ["type": "string", "minLength": 1], "source": nullableString, "destination": nullableString,
                "properties_json": ["type": ["string", "object", "null"],
                                    "description": "A JSON object as text: the ingest request for airflow.ingest, else {dag_id, conf}"],
                "schedule": nullableString,
            ], required: ["job_type", "job_name"]),
            "Job": object([
                "id": string, "job_type": jobType, "job_name": string, "status": jobStatus, "created_at": timestamp, "source": nullableString,
                "destination": nullableString, "properties_json": ["type": "string", "description": "Secrets of the source's config masked"],
                "schedule": nullableString, "time_zone": string, "runner": ["type": "string", "enum": ["embedded", "airflow"]],
                "dag_id": nullableString, "source_id": nullableString, "connection_id": nullableString, "flow_url": string,
                "last_run": ["oneOf": [["$ref": "#/components/schemas/JobRun"], ["type": "null"]]], "last_run_at": nullableTimestamp,
                "next_run_at": nullableTimestamp, "domain": nullableString, "tags": strings, "owner_id": nullableString,
            ], required: ["id", "job_type", "job_name", "status", "created_at", "source", "destination", "properties_json", "schedule",
                          "time_zone", "runner", "flow_url", "last_run", "next_run_at"]),
            "JobPage": page("Job"),
            "JobToken": object(["token": string, "expires_at": ["type": "integer"]], required: ["token", "expires_at"]),
            "JobRunStart": object(["orchestrator_run_id": ["type": "string", "minLength": 1]], required: ["orchestrator_run_id"]),
            "JobRunLog": object(["lines": ["type": "array", "items": string]], required: ["lines"]),
            "JobRunFinish": object([
                "status": ["type": "string", "enum": ["SUCCEEDED", "FAILED", "CANCELLED"]],
                "streams": ["type": "array", "items": ["type": "object"]],
                "failureReason": ["$ref": "#/components/schemas/FailureReason"],
            ], required: ["status"], additional: true),
            "JobRun": .object(run),
            "JobRunPage": page("JobRun"),
        ]
    }
}
