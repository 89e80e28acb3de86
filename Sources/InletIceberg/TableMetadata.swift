import Foundation
public import InletJSON

/// A table's metadata file (format v2), kept as the JSON it was read from so that fields this writer
/// does not model survive its commits; accessors and changes cover what appends need.
public struct TableMetadata: Sendable {
    public internal(set) var json: JSONObject

    public init(json: JSONValue) throws(IcebergError) {
        guard case .object(let object) = json else { throw .invalidMetadata("the metadata file is not a JSON object") }
        guard object["format-version"]?.intValue == 2 else {
            throw .unsupported("table format version \(object["format-version"].map { JSONWriter.string(from: $0) } ?? "missing") (only 2)")
        }
        self.json = object
    }

    /// The metadata of a new, empty table.
    public static func new(location: String, schema: IcebergSchema, partitionSpec: IcebergPartitionSpec = .unpartitioned,
                           sortOrder: IcebergSortOrder = .unsorted, properties: JSONObject = [:], now: Int64) -> TableMetadata {
        let object: JSONObject = [
            "format-version": 2,
            "table-uuid": .string(UUIDText.random()),
            "location": .string(location),
            "last-sequence-number": 0,
            "last-updated-ms": .int(now),
            "last-column-id": .int(Int64(schema.highestFieldID)),
            "current-schema-id": .int(Int64(schema.schemaID)),
            "schemas": [schema.json],
            "default-spec-id": .int(Int64(partitionSpec.specID)),
            "partition-specs": [partitionSpec.json],
            "last-partition-id": .int(Int64(partitionSpec.fields.map(\.fieldID).max() ?? 999)),
            "default-sort-order-id": .int(Int64(sortOrder.orderID)),
            "sort-orders": .array(sortOrder.fields.isEmpty ? [IcebergSortOrder.unsorted.json] : [IcebergSortOrder.unsorted.json, sortOrder.json]),
            "properties": .object(properties),
            "current-snapshot-id": -1,
            "refs": [:],
            "snapshots": [],
            "snapshot-log": [],
            "metadata-log": [],
            "statistics": [],
            "partition-statistics": [],
        ]
        return TableMetadata(unchecked: object)
    }

    private init(unchecked json: JSONObject) {
        self.json = json
    }

    /// Milliseconds since the epoch, as table metadata records times.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// `00003-….metadata.json` → `00004`.
    static func nextVersion(after location: String) -> String {
        let file = location.split(separator: "/").last.map(String.init) ?? ""
        let version = Int(file.prefix { $0.isNumber }) ?? -1
        let text = String(version + 1)
        return String(repeating: "0", count: max(0, 5 - text.count)) + text
    }

    public var location: String { json["location"]?.stringValue ?? "" }
    public var lastSequenceNumber: Int64 { json["last-sequence-number"]?.intValue ?? 0 }

    public var currentSnapshotID: Int64? {
        guard let id = json["current-snapshot-id"]?.intValue, id != -1 else { return nil }
        return id
    }

    public var currentSnapshot: JSONObject? {
        guard let id = currentSnapshotID else { return nil }
        return json["snapshots"]?.arrayValue?.lazy.compactMap(\.objectValue).first { $0["snapshot-id"]?.intValue == id }
    }

    /// The current snapshot and its ancestors, newest first (the table's main line of history).
    public var snapshotLineage: [JSONObject] {
        let byID = Dictionary((json["snapshots"]?.arrayValue ?? []).compactMap(\.objectValue).compactMap { snapshot in
            snapshot["snapshot-id"]?.intValue.map { ($0, snapshot) }
        }, uniquingKeysWith: { first, _ in first })
        var lineage: [JSONObject] = []
        var next = currentSnapshotID
        while let id = next, let snapshot = byID[id], lineage.count < byID.count {
            lineage.append(snapshot)
            next = snapshot["parent-snapshot-id"]?.intValue
        }
        return lineage
    }

    public var currentSchema: IcebergSchema {
        get throws(IcebergError) {
            let id = json["current-schema-id"]?.intValue ?? 0
            guard let schema = json["schemas"]?.arrayValue?.first(where: { $0["schema-id"]?.intValue == id }) else {
                throw .invalidMetadata("no schema with the current schema id \(id)")
            }
            return try IcebergSchema(json: schema)
        }
    }

    /// The spec new data files are written with.
    public var defaultPartitionSpec: IcebergPartitionSpec {
        get throws(IcebergError) {
            let id = json["default-spec-id"]?.intValue ?? 0
            guard let spec = json["partition-specs"]?.arrayValue?.first(where: { $0["spec-id"]?.intValue == id }) else {
                throw .invalidMetadata("no partition spec with the default spec id \(id)")
            }
            return try IcebergPartitionSpec(json: spec)
        }
    }

    /// Makes `snapshot` the table's current snapshot on the main branch.
    mutating func add(snapshot: JSONObject, previousMetadataFile: String?, now: Int64) {
        let id = snapshot["snapshot-id"] ?? .null
        let previousUpdate = json["last-updated-ms"] ?? .int(now)
        json["snapshots"] = .array((json["snapshots"]?.arrayValue ?? []) + [.object(snapshot)])
        json["current-snapshot-id"] = id
        json["last-sequence-number"] = snapshot["sequence-number"] ?? .null
        json["last-updated-ms"] = .int(now)
        json["refs"] = .object(["main": ["snapshot-id": id, "type": "branch"]])
        json["snapshot-log"] = .array((json["snapshot-log"]?.arrayValue ?? []) + [["snapshot-id": id, "timestamp-ms": .int(now)]])
        if let previousMetadataFile {
            json["metadata-log"] = .array((json["metadata-log"]?.arrayValue ?? [])
                + [["metadata-file": .string(previousMetadataFile), "timestamp-ms": previousUpdate]])
        }
    }
}

enum UUIDText {
    /// A random (version 4) UUID in its lower-case text form.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
