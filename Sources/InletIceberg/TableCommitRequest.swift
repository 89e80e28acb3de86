import InletJSON

/// The body of a REST catalog commit (`CommitTableRequest`): the changes that take a table from the
/// metadata a writer started from to the metadata it built, and the requirements that make the
/// commit apply only if no other writer changed what those changes rest on.
struct TableCommitRequest {
    var requirements: [JSONValue] = []
    var updates: [JSONValue] = []

    /// The changes an Inlet writer makes: new schemas and the current schema, new snapshots and the
    /// main branch, and table properties.
    init(from base: TableMetadata, to next: TableMetadata) {
        requirements.append(["type": "assert-table-uuid", "uuid": base.json["table-uuid"] ?? .null])

        let baseSchemaIDs = Set(base.json["schemas"]?.arrayValue?.compactMap { $0["schema-id"]?.intValue } ?? [])
        let addedSchemas = next.json["schemas"]?.arrayValue?.filter { !baseSchemaIDs.contains($0["schema-id"]?.intValue ?? -1) } ?? []
        let currentSchemaChanged = next.json["current-schema-id"] != base.json["current-schema-id"]
        if !addedSchemas.isEmpty || currentSchemaChanged {
            requirements.append(["type": "assert-current-schema-id", "current-schema-id": base.json["current-schema-id"] ?? .null])
            requirements.append(["type": "assert-last-assigned-field-id", "last-assigned-field-id": base.json["last-column-id"] ?? .null])
        }
        for schema in addedSchemas {
            updates.append(["action": "add-schema", "schema": schema, "last-column-id": next.json["last-column-id"] ?? .null])
        }
        if currentSchemaChanged {
            let current = next.json["current-schema-id"] ?? .null
            // -1 is "the schema this commit added", whatever id the server gives it.
            let addedCurrent = addedSchemas.contains { $0["schema-id"] == current }
            updates.append(["action": "set-current-schema", "schema-id": addedCurrent ? -1 : current])
        }

        let baseSnapshotIDs = Set(base.json["snapshots"]?.arrayValue?.compactMap { $0["snapshot-id"]?.intValue } ?? [])
        let addedSnapshots = next.json["snapshots"]?.arrayValue?.filter { !baseSnapshotIDs.contains($0["snapshot-id"]?.intValue ?? -1) } ?? []
        for snapshot in addedSnapshots { updates.append(["action": "add-snapshot", "snapshot": snapshot]) }
        if let head = next.currentSnapshotID, head != base.currentSnapshotID {
            requirements.append(["type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": base.currentSnapshotID.map { .int($0) } ?? .null])
            updates.append(["action": "set-snapshot-ref", "ref-name": "main", "type": "branch", "snapshot-id": .int(head)])
        }

        let baseProperties = base.json["properties"]?.objectValue ?? [:]
        let nextProperties = next.json["properties"]?.objectValue ?? [:]
        var changed: JSONObject = [:]
        for (key, value) in nextProperties where baseProperties[key] != value { changed[key] = value }
        if !changed.isEmpty { updates.append(["action": "set-properties", "updates": .object(changed)]) }
        let removed = baseProperties.keys.filter { nextProperties[$0] == nil }
        if !removed.isEmpty { updates.append(["action": "remove-properties", "removals": .array(removed.map { .string($0) })]) }
    }

    /// Whether `table` (loaded after a commit whose answer was lost) already holds this commit's
    /// changes: its snapshots, or its schema.
    static func landed(_ next: TableMetadata, over base: TableMetadata, in table: TableMetadata) -> Bool {
        let request = TableCommitRequest(from: base, to: next)
        let tableSnapshotIDs = Set(table.json["snapshots"]?.arrayValue?.compactMap { $0["snapshot-id"]?.intValue } ?? [])
        var sawChange = false
        for update in request.updates {
            switch update["action"]?.stringValue {
            case "add-snapshot":
                sawChange = true
                guard let id = update["snapshot"]?["snapshot-id"]?.intValue, tableSnapshotIDs.contains(id) else { return false }
            case "set-current-schema":
                sawChange = true
                let nextFields = (try? next.currentSchema)?.json["fields"]
                guard nextFields != nil, (try? table.currentSchema)?.json["fields"] == nextFields else { return false }
            default:
                continue
            }
        }
        return sawChange
    }
}
