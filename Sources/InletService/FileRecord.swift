public import InletJSON

/// A file a tenant uploaded, how it is to land (the schema the client set), and its import.
public struct FileRecord: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case uploaded = "UPLOADED", importing = "IMPORTING", completed = "COMPLETED", failed = "FAILED"
    }

    public var id: String
    public var tenant: String
    /// The client's name for the file: data, never a path.
    public var fileName: String
    public var fileSize: Int64
    public var fileFormat: String
    /// Where the bytes are, relative to the service's data directory.
    public var storagePath: String
    public var sha256: String
    public var status: Status
    public var createdAt: String
    public var targetTableName: String?
    public var targetSchema: String?
    /// The file's column names to the table's.
    public var columnMappings: [String: String] = [:]
    /// Types chosen per column (`DECIMAL(10,2)`), by the file's column names.
    public var columnTypes: [String: String] = [:]
    public var sheet: String?
    public var onBadValue: String?
    public var mode: String?
    public var nullValues: [String] = []
    public var importStartedAt: String?
    public var recordsImported: Int?
    public var completedAt: String?
    /// Why the import failed: `{message, row?, column?, value?}` each.
    public var errors: [JSONValue] = []

    public init(id: String, tenant: String, fileName: String, fileSize: Int64, fileFormat: String, storagePath: String, sha256: String,
                status: Status, createdAt: String) {
        self.id = id
        self.tenant = tenant
        self.fileName = fileName
        self.fileSize = fileSize
        self.fileFormat = fileFormat
        self.storagePath = storagePath
        self.sha256 = sha256
        self.status = status
        self.createdAt = createdAt
    }

    var json: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "tenant": .string(tenant), "fileName": .string(fileName), "fileSize": .int(fileSize),
            "fileFormat": .string(fileFormat), "storagePath": .string(storagePath), "sha256": .string(sha256),
            "status": .string(status.rawValue), "createdAt": .string(createdAt),
            "columnMappings": .object(JSONObject(columnMappings.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            "columnTypes": .object(JSONObject(columnTypes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            "nullValues": .array(nullValues.map(JSONValue.string)), "errors": .array(errors),
        ]
        object["targetTableName"] = targetTableName.map(JSONValue.string)
        object["targetSchema"] = targetSchema.map(JSONValue.string)
        object["sheet"] = sheet.map(JSONValue.string)
        object["onBadValue"] = onBadValue.map(JSONValue.string)
        object["mode"] = mode.map(JSONValue.string)
        object["importStartedAt"] = importStartedAt.map(JSONValue.string)
        object["recordsImported"] = recordsImported.map { .int(Int64($0)) }
        object["completedAt"] = completedAt.map(JSONValue.string)
        return .object(object)
    }

    init(json: JSONValue) throws(ServiceError) {
        guard let id = json["id"]?.stringValue, let tenant = json["tenant"]?.stringValue, let fileName = json["fileName"]?.stringValue,
              let fileSize = json["fileSize"]?.intValue, let fileFormat = json["fileFormat"]?.stringValue,
              let storagePath = json["storagePath"]?.stringValue, let sha256 = json["sha256"]?.stringValue,
              let status = json["status"]?.stringValue.flatMap(Status.init(rawValue:)), let createdAt = json["createdAt"]?.stringValue else {
            throw ServiceError(.internal, "a stored file is malformed")
        }
        self.init(id: id, tenant: tenant, fileName: fileName, fileSize: fileSize, fileFormat: fileFormat, storagePath: storagePath,
                  sha256: sha256, status: status, createdAt: createdAt)
        targetTableName = json["targetTableName"]?.stringValue
        targetSchema = json["targetSchema"]?.stringValue
        columnMappings = Self.strings(json["columnMappings"])
        columnTypes = Self.strings(json["columnTypes"])
        sheet = json["sheet"]?.stringValue
        onBadValue = json["onBadValue"]?.stringValue
        mode = json["mode"]?.stringValue
        nullValues = json["nullValues"]?.arrayValue?.compactMap(\.stringValue) ?? []
        importStartedAt = json["importStartedAt"]?.stringValue
        recordsImported = json["recordsImported"]?.intValue.map { Int($0) }
        completedAt = json["completedAt"]?.stringValue
        errors = json["errors"]?.arrayValue ?? []
    }

    private static func strings(_ json: JSONValue?) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in json?.objectValue ?? [:] { if let text = value.stringValue { result[key] = text } }
        return result
    }
}
