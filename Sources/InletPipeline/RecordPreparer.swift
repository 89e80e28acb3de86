import Foundation
public import InletJSON
public import InletProtocol

/// Prepares one stream's records for its table: applies the stream's column transformations, adds
/// the ingestion metadata columns, and gives the schema the table is made from.
public struct RecordPreparer: Sendable {
    public struct Metadata: Sendable {
        public var runID: String
        public var mode: WriteMode
        public var dagJobID: String?

        public init(runID: String, mode: WriteMode, dagJobID: String?) {
            self.runID = runID
            self.mode = mode
            self.dagJobID = dagJobID
        }
    }

    /// The metadata columns, in the order they are added.
    public static let metadataColumns = ["ingestion_time", "ingestion_run_id", "ingestion_mode", "dag_job_id", "ingestion_changes"]

    private let transformations: [ColumnTransformation]
    private let metadata: Metadata?
    private let keyStore: KeyStore?

    /// Whether a column is encrypted: such records are staged only once prepared.
    public let encrypts: Bool

    public init(transformations: [ColumnTransformation], metadata: Metadata?, keyStore: KeyStore?) {
        self.transformations = transformations
        encrypts = transformations.contains { if case .encrypt = $0.kind { return true } else { return false } }
        self.metadata = metadata
        self.keyStore = keyStore
    }

    /// The stream's schema after the transformations, with the metadata columns.
    public func schema(from source: JSONObject) -> JSONObject {
        var schema = source
        var properties = source["properties"]?.objectValue ?? [:]
        for transformation in transformations {
            switch transformation.kind {
            case .drop: properties[transformation.column] = nil
            case .rename(let newName):
                if let property = properties[transformation.column] {
                    properties[transformation.column] = nil
                    properties[newName] = property
                }
            case .cast(let target): properties[transformation.column] = .object(Self.schema(of: target))
            case .encrypt: properties[transformation.column] = ["type": ["null", "string"]]
            }
        }
        if metadata != nil {
            properties["ingestion_time"] = ["type": ["null", "string"], "format": "date-time"]
            for name in Self.metadataColumns.dropFirst() { properties[name] = ["type": ["null", "string"]] }
        }
        schema["properties"] = .object(properties)
        return schema
    }

    /// A record's data for its table; `ingestionTime` is the ISO text of when its batch arrived.
    public func prepare(_ record: AirbyteRecordMessage, ingestionTime: String) throws(TransformationError) -> JSONObject {
        var data = record.data
        var changes: [JSONValue] = record.meta?.changes.map { $0.map(\.json) } ?? []
        for transformation in transformations where data[transformation.column] != nil {
            let column = transformation.column
            switch transformation.kind {
            case .drop:
                data[column] = nil
            case .rename(let newName):
                data[newName] = data[column]
                data[column] = nil
            case .cast(let target):
                guard let value = data[column], value != .null else { continue }
                if let cast = Self.cast(value, to: target) {
                    data[column] = cast
                } else {
                    data[column] = .null
                    changes.append(["field": .string(column), "change": "NULLED", "reason": "DESTINATION_TYPECAST_ERROR"])
                }
            case .encrypt(let keyName):
                guard let value = data[column], value != .null, let keyStore else { continue }
                data[column] = .string(try keyStore.encrypt(value, keyName: keyName))
            }
        }
        if let metadata {
            let values: [JSONValue] = [
                .string(ingestionTime), .string(metadata.runID), .string(metadata.mode.rawValue),
                metadata.dagJobID.map(JSONValue.string) ?? .null,
                changes.isEmpty ? .null : .string(JSONWriter.string(from: .array(changes))),
            ]
            // Records rarely carry a metadata column themselves: one look at their keys says so,
            // and the columns are then appended without searching for each.
            if Self.mayHoldMetadataColumn(data) {
                for (name, value) in zip(Self.metadataColumns, values) { data[name] = value }
            } else {
                for (name, value) in zip(Self.metadataColumns, values) { data.append(absentKey: name, value: value) }
            }
        }
        return data
    }

    /// Whether a key of the record could be a metadata column's (`ingestion_…` or `dag_job_id`).
    static func mayHoldMetadataColumn(_ data: JSONObject) -> Bool {
        data.contains { member in
            let key = member.key
            var utf8 = key.utf8.makeIterator()
            switch utf8.next() {
            case UInt8(ascii: "i")?: return key.hasPrefix("ingestion_")
            case UInt8(ascii: "d")?: return key == "dag_job_id"
            default: return false
            }
        }
    }

    static func schema(of target: ColumnTransformation.CastType) -> JSONObject {
        switch target {
        case .string: return ["type": ["null", "string"]]
        case .integer: return ["type": ["null", "integer"]]
        case .number: return ["type": ["null", "number"]]
        case .boolean: return ["type": ["null", "boolean"]]
        case .timestamp: return ["type": ["null", "string"], "format": "date-time"]
        case .date: return ["type": ["null", "string"], "format": "date"]
        }
    }

    /// The declared cast rules; nil when the value cannot be cast.
    /// - string: text as is, numbers and booleans as their JSON, objects and arrays as JSON text.
    /// - integer: integers, integral numbers, integer text, booleans as 1/0.
    /// - number: numbers, numeric text, booleans as 1/0.
    /// - boolean: booleans, 0/1, and the text true/false/yes/no/1/0 in any case.
    /// - timestamp: ISO 8601 text (kept), or seconds since the epoch (as ISO text, UTC).
    /// - date: ISO 8601 text of a date or date-time (its date).
    static func cast(_ value: JSONValue, to target: ColumnTransformation.CastType) -> JSONValue? {
        switch (target, value) {
        case (.string, .string): return value
        case (.string, .bigNumber(let digits)): return .string(digits)
        case (.string, _): return .string(JSONWriter.string(from: value))
        case (.integer, .int): return value
        case (.integer, .double(let number)): return number.rounded() == number ? Int64(exactly: number).map(JSONValue.int) : nil
        case (.integer, .string(let text)): return Int64(text.trimmingCharacters(in: .whitespaces)).map(JSONValue.int)
        case (.integer, .bool(let flag)): return .int(flag ? 1 : 0)
        case (.number, .int(let number)): return .double(Double(number))
        case (.number, .double): return value
        case (.number, .string(let text)), (.number, .bigNumber(let text)):
            return Double(text.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? JSONValue.double($0) : nil }
        case (.number, .bool(let flag)): return .double(flag ? 1 : 0)
        case (.boolean, .bool): return value
        case (.boolean, .int(let number)) where number == 0 || number == 1: return .bool(number == 1)
        case (.boolean, .string(let text)):
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: return nil
            }
        case (.timestamp, .string(let text)): return Self.isDateTime(text) ? value : nil
        case (.timestamp, .int(let seconds)):
            return .string(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
        case (.date, .string(let text)):
            let date = String(text.prefix(10))
            return Self.isDateTime(date) && (text.count == 10 || ["T", " "].contains(text.dropFirst(10).first)) ? .string(date) : nil
        default: return nil
        }
    }

    /// Whether text starts like an ISO 8601 date (`YYYY-MM-DD`).
    private static func isDateTime(_ text: String) -> Bool {
        let characters = Array(text.utf8.prefix(10))
        guard characters.count == 10 else { return false }
        return characters.enumerated().allSatisfy { index, byte in index == 4 || index == 7 ? byte == 45 : (48...57).contains(byte) }
    }
}
