import Foundation
public import InletJSON
import InletPipeline

/// "Ingest an API" as one request (PyAirbyte-style): a connector and its config, which streams land
/// in which Iceberg namespace how, when, and with what governance. Read from
/// `POST /api/airbyte/ingest` or from an `airflow.ingest` job's `properties_json`.
public struct IngestRequest: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case append, overwrite, merge
    }

    public var name: String
    public var sourceName: String
    public var sourceConfig: JSONObject
    public var schemaName: String
    public var mode: Mode
    /// nil: every stream.
    public var streams: [String]?
    /// nil: each stream's primary key.
    public var mergeKeys: [String]?
    /// A cron expression or preset; nil: run once, now.
    public var schedule: String?
    public var timeZone: String?
    public var governance: Governance
    public var columnTransformations: JSONValue
    public var archiveStaging: Bool
    public var addIngestionMetadata: Bool

    static let fields: Set<String> = [
        "name", "source_name", "source_config", "schema_name", "mode", "streams", "merge", "schedule", "time_zone", "timezone", "domain",
        "tags", "owner_id", "column_transformations", "archive_staging", "add_ingestion_metadata",
    ]

    /// `prefix` names where the object sits in errors (e.g. `properties_json.`).
    public init(json object: JSONObject, prefix: String = "") throws(ServiceError) {
        let fields = RequestFields(object: object, prefix: prefix)
        try fields.only(Self.fields)
        name = try fields.string("name", required: true)!
        sourceName = try fields.string("source_name", required: true)!
        guard let config = object["source_config"]?.objectValue else {
            throw ServiceError(.invalid, "\(prefix)source_config: required, an object")
        }
        sourceConfig = config
        schemaName = try fields.string("schema_name", required: true)!
        guard schemaName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), schemaName.count <= 128 else {
            throw ServiceError(.invalid, "\(prefix)schema_name: '\(schemaName)' must be letters, digits and _ (an Iceberg namespace)")
        }
        let modeText = try fields.string("mode", required: true)!
        guard let mode = Mode(rawValue: modeText) else {
            throw ServiceError(.invalid, "\(prefix)mode: '\(modeText)' is not append, overwrite or merge")
        }
        self.mode = mode
        let streams = try fields.strings("streams")
        self.streams = streams?.isEmpty == false ? streams : nil
        mergeKeys = try fields.strings("merge", commaSeparated: true).flatMap { $0.isEmpty ? nil : $0 }
        schedule = try CronSchedule.normalized(try fields.string("schedule"), field: prefix + "schedule")
        if let given = try fields.string("time_zone") { timeZone = given } else { timeZone = try fields.string("timezone") }
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw ServiceError(.invalid, "\(prefix)time_zone: '\(timeZone)' is not a time zone name (e.g. Europe/Berlin)")
        }
        governance = Governance(domain: try fields.string("domain"), tags: try fields.strings("tags", commaSeparated: true) ?? [],
                                ownerID: try fields.string("owner_id"))
        let transformations = object["column_transformations"].flatMap { $0.isNull ? nil : $0 } ?? .array([])
        do throws(TransformationError) { _ = try ColumnTransformation.list(from: transformations) } catch {
            throw ServiceError(.invalid, "\(prefix)column_transformations\(error.path.dropFirst()): \(error.message)")
        }
        columnTransformations = transformations
        archiveStaging = try fields.bool("archive_staging") ?? true
        addIngestionMetadata = try fields.bool("add_ingestion_metadata") ?? true
    }

    /// The request as a job keeps it: everything but the source's config (the source keeps that, sealed).
    var properties: JSONObject {
        [
            "name": .string(name), "source_name": .string(sourceName), "schema_name": .string(schemaName), "mode": .string(mode.rawValue),
            "streams": streams.map { .array($0.map(JSONValue.string)) } ?? .null,
            "merge": mergeKeys.map { .string($0.joined(separator: ",")) } ?? .null,
            "schedule": schedule.map(JSONValue.string) ?? .null, "time_zone": .string(timeZone ?? "UTC"),
            "domain": governance.domain.map(JSONValue.string) ?? .null, "tags": .array(governance.tags.map(JSONValue.string)),
            "owner_id": governance.ownerID.map(JSONValue.string) ?? .null, "column_transformations": columnTransformations,
            "archive_staging": .bool(archiveStaging), "add_ingestion_metadata": .bool(addIngestionMetadata),
        ]
    }
}

/// Reads a request object's members, with errors naming the member.
struct RequestFields {
    var object: JSONObject
    var prefix: String

    func only(_ known: Set<String>) throws(ServiceError) {
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw ServiceError(.invalid, "\(prefix)\(unknown): not a known field (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ key: String, required: Bool = false) throws(ServiceError) -> String? {
        switch object[key] {
        case .string(let text)? where !text.trimmingCharacters(in: .whitespaces).isEmpty: return text
        case nil, .null?, .string?:
            if required { throw ServiceError(.invalid, "\(prefix)\(key): required, a non-empty string") }
            return nil
        default: throw ServiceError(.invalid, "\(prefix)\(key): must be a string")
        }
    }

    /// A list of strings; `commaSeparated`: also one string of comma-separated items.
    func strings(_ key: String, commaSeparated: Bool = false) throws(ServiceError) -> [String]? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)? where commaSeparated:
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .array(let items)?:
            var strings: [String] = []
            for item in items {
                guard let text = item.stringValue, !text.isEmpty else { throw ServiceError(.invalid, "\(prefix)\(key): must hold non-empty strings") }
                strings.append(text)
            }
            return strings
        default: throw ServiceError(.invalid, "\(prefix)\(key): must be a list of strings\(commaSeparated ? " or a comma-separated string" : "")")
        }
    }

    func bool(_ key: String) throws(ServiceError) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw ServiceError(.invalid, "\(prefix)\(key): must be true or false")
        }
    }
}
