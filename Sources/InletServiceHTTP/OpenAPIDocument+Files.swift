import InletJSON

/// File imports' part of the OpenAPI document: `/api/v1/files*`.
extension OpenAPIDocument {
    private static let fileErrors = ["400", "401", "403", "404"]

    static var filePaths: JSONObject {
        let idParameter: JSONValue = [["$ref": "#/components/parameters/Id"]]
        var upload = operation("uploadFile", summary: "Upload a file (multipart/form-data, the file in the field 'file'), streamed to the tenant's upload area",
                               responses: ["201": body("FileUpload", links: ["getFile", "previewFile", "setFileSchema", "importFile", "getFileStatus", "deleteFile"])],
                               errors: ["400", "401", "403", "413"]).objectValue ?? [:]
        upload["requestBody"] = ["required": true, "content": ["multipart/form-data": ["schema": [
            "type": "object", "required": ["file"], "properties": ["file": ["type": "string", "format": "binary"]],
        ]]]]
        return [
            "/api/v1/files/formats": ["get": operation("listFileFormats", summary: "The formats files can be imported from", tenant: false,
                                                       responses: ["200": list("FileFormat")], errors: ["401"])],
            "/api/v1/files/upload": ["post": .object(upload)],
            "/api/v1/files": ["get": operation("listFiles", summary: "The tenant's uploads, newest first", responses: ["200": list("File")],
                                               errors: ["400", "401", "403"])],
            "/api/v1/files/{id}": [
                "parameters": idParameter,
                "get": operation("getFile", summary: "An upload and the schema set for it", responses: ["200": body("File")], errors: fileErrors),
                "delete": operation("deleteFile", summary: "Delete an upload (its tables stay); 409 while it is imported",
                                    responses: ["204": ["description": "Deleted"]], errors: fileErrors + ["409"]),
            ],
            "/api/v1/files/{id}/preview": [
                "parameters": idParameter,
                "get": operation("previewFile", summary: "The file's layout, columns with inferred types, first rows and row count",
                                 responses: ["200": body("FilePreview")], errors: fileErrors),
            ],
            "/api/v1/files/{id}/schema": [
                "parameters": idParameter,
                "put": operation("setFileSchema", summary: "Where and how the file lands: table, schema, column names and types",
                                 request: "FileSchema", responses: ["200": body("File")], errors: fileErrors + ["409", "413"]),
            ],
            "/api/v1/files/{id}/import": [
                "parameters": idParameter,
                "post": operation("importFile", summary: "Import the file into its table (after its schema is set)", idempotent: true,
                                  responses: ["202": body("FileImport")], errors: fileErrors + ["409"]),
            ],
            "/api/v1/files/{id}/status": [
                "parameters": idParameter,
                "get": operation("getFileStatus", summary: "The import's status, with errors (row, column, value) when it failed",
                                 responses: ["200": body("FileStatus")], errors: fileErrors),
            ],
        ]
    }

    static var fileSchemas: JSONObject {
        let status: JSONValue = ["type": "string", "enum": ["UPLOADED", "IMPORTING", "COMPLETED", "FAILED"]]
        let strings: JSONValue = ["type": "object", "additionalProperties": ["type": "string"]]
        let uploadProperties: JSONObject = [
            "id": string, "tenantId": string, "fileName": string, "fileSize": ["type": "integer", "minimum": 0],
            "fileFormat": ["$ref": "#/components/schemas/FileFormat"], "storagePath": string, "sha256": string, "status": status, "createdAt": timestamp,
        ]
        var fileProperties = uploadProperties
        fileProperties["targetTableName"] = nullableString
        fileProperties["targetSchema"] = nullableString
        fileProperties["columnMappings"] = strings
        fileProperties["columnTypes"] = strings
        fileProperties["sheet"] = nullableString
        fileProperties["onBadValue"] = ["type": "string", "enum": ["fail", "null"]]
        fileProperties["mode"] = ["type": "string", "enum": ["append", "overwrite"]]
        fileProperties["nullValues"] = ["type": "array", "items": string]
        let identifier: JSONValue = ["type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,127}$"]
        return [
            "FileFormat": ["type": "string", "enum": ["csv", "xlsx", "xls", "parquet", "json", "jsonl", "avro"]],
            "FileUpload": object(uploadProperties, required: Array(uploadProperties.keys)),
            "File": object(fileProperties, required: Array(uploadProperties.keys) + ["targetTableName", "targetSchema", "columnMappings", "columnTypes"]),
            "FileSchema": object([
                "targetTableName": identifier, "targetSchema": identifier, "columnMappings": strings, "columnTypes": strings,
                "sheet": ["type": "string"], "onBadValue": ["type": "string", "enum": ["fail", "null"]],
                "mode": ["type": "string", "enum": ["append", "overwrite"]], "nullValues": ["type": "array", "items": string],
            ], required: ["targetTableName"]),
            "FileImport": object(["id": string, "fileName": string, "targetTableName": nullableString, "targetSchema": string, "status": status,
                                  "createdAt": timestamp], required: ["id", "fileName", "targetTableName", "targetSchema", "status", "createdAt"]),
            "FileStatus": object([
                "id": string, "fileName": string, "status": status, "recordsImported": ["type": ["integer", "null"]], "completedAt": nullableTimestamp,
                "errors": ["type": "array", "items": object(["message": string, "row": ["type": "integer"], "column": string, "value": string],
                                                            required: ["message"])],
            ], required: ["id", "fileName", "status", "recordsImported", "completedAt"]),
            "FilePreview": [
                "type": "object", "additionalProperties": true,
                "required": ["fileId", "fileName", "format", "columns", "previewRows", "totalRows", "totalRowsExact", "inferredTypes"],
                "properties": [
                    "fileId": string, "fileName": string, "format": ["$ref": "#/components/schemas/FileFormat"],
                    "columns": ["type": "array", "items": object([
                        "name": string, "type": string, "nullable": ["type": "boolean"], "sampleValues": ["type": "array", "items": string],
                        "dateFormat": string, "thousandsSeparator": ["type": "boolean"], "warnings": ["type": "array", "items": string],
                    ], required: ["name", "type", "nullable", "sampleValues", "warnings"])],
                    "previewRows": ["type": "array", "items": ["type": "object"]], "totalRows": ["type": "integer"],
                    "totalRowsExact": ["type": "boolean"], "sampledRows": ["type": "integer"],
                    "inferredTypes": strings,
                ],
            ],
        ]
    }
}
