import InletJSON

/// Changes to a table's schema that need no data rewritten, as Iceberg allows them: new optional
/// columns (older files read them as null), int → long and float → double, required → optional.
public enum SchemaChange: Sendable, Equatable {
    case addColumn(name: String, type: IcebergType)
    case widen(column: String, to: IcebergType)
    case makeOptional(column: String)
}

extension IcebergSchema {
    /// The schema after `changes`, with a new schema id; new columns take ids after `lastColumnID`.
    func applying(_ changes: [SchemaChange], lastColumnID: Int32, schemaID: Int32) throws(IcebergError) -> IcebergSchema {
        var fields = self.fields
        var nextID = lastColumnID
        func index(of column: String) throws(IcebergError) -> Int {
            guard let index = fields.firstIndex(where: { $0.name == column }) else { throw .invalidMetadata("no column '\(column)'") }
            return index
        }
        for change in changes {
            switch change {
            case .addColumn(let name, let type):
                guard !fields.contains(where: { $0.name == name }) else { throw .invalidMetadata("column '\(name)' already exists") }
                nextID += 1
                let id = nextID
                // Ids inside a new nested column are assigned afresh after the column's own.
                fields.append(IcebergField(id: id, name: name, type: type.renumbered(after: &nextID), isRequired: false))
            case .widen(let column, let type):
                let position = try index(of: column)
                switch (fields[position].type, type) {
                case (.int, .long), (.float, .double): fields[position].type = type
                case (let current, _) where current == type: break
                case (let current, _): throw .invalidMetadata("column '\(column)' cannot change from \(current) to \(type)")
                }
            case .makeOptional(let column):
                let position = try index(of: column)
                guard !identifierFieldIDs.contains(fields[position].id) else {
                    throw .invalidMetadata("column '\(column)' identifies rows and must stay required")
                }
                fields[position].isRequired = false
            }
        }
        return IcebergSchema(schemaID: schemaID, fields: fields, identifierFieldIDs: identifierFieldIDs)
    }
}

extension TableMetadata {
    /// Makes `schema` the current schema (a metadata change, no snapshot).
    mutating func add(schema: IcebergSchema, now: Int64, previousMetadataFile: String) {
        let previousUpdate = json["last-updated-ms"] ?? .int(now)
        json["schemas"] = .array((json["schemas"]?.arrayValue ?? []) + [schema.json])
        json["current-schema-id"] = .int(Int64(schema.schemaID))
        json["last-column-id"] = .int(max(json["last-column-id"]?.intValue ?? 0, Int64(schema.highestFieldID)))
        json["last-updated-ms"] = .int(now)
        json["metadata-log"] = .array((json["metadata-log"]?.arrayValue ?? [])
            + [["metadata-file": .string(previousMetadataFile), "timestamp-ms": previousUpdate]])
    }

    var highestSchemaID: Int32 {
        Int32(json["schemas"]?.arrayValue?.compactMap { $0["schema-id"]?.intValue }.max() ?? 0)
    }

    var lastColumnID: Int32 { Int32(json["last-column-id"]?.intValue ?? 0) }
}

extension IcebergTable {
    /// Evolves the schema in one commit; data written afterwards uses the new schema.
    public mutating func updateSchema(_ changes: [SchemaChange]) throws(IcebergError) {
        for attempt in 0..<max(commitAttempts, 1) {
            let schema = try metadata.currentSchema.applying(changes, lastColumnID: metadata.lastColumnID,
                                                              schemaID: metadata.highestSchemaID + 1)
            var next = metadata
            next.add(schema: schema, now: TableMetadata.now(), previousMetadataFile: metadataLocation)
            if try commit(metadata: next) { return }
            try reloadAfterLostRace(attempt: attempt)
        }
        throw .commitConflict("\(namespace).\(name) kept changing under \(commitAttempts) attempts")
    }
}

extension IcebergType {
    /// The same type with every inner field id taken from `nextID` onwards, in depth-first order.
    func renumbered(after nextID: inout Int32) -> IcebergType {
        switch self {
        case .structure(let fields):
            return .structure(fields.map { field in
                nextID += 1
                let id = nextID
                return IcebergField(id: id, name: field.name, type: field.type.renumbered(after: &nextID), isRequired: field.isRequired)
            })
        case .list(_, let element, let elementRequired):
            nextID += 1
            let elementID = nextID
            return .list(elementID: elementID, element: element.renumbered(after: &nextID), elementRequired: elementRequired)
        case .map(_, let key, _, let value, let valueRequired):
            nextID += 2
            let (keyID, valueID) = (nextID - 1, nextID)
            return .map(keyID: keyID, key: key.renumbered(after: &nextID), valueID: valueID, value: value.renumbered(after: &nextID),
                        valueRequired: valueRequired)
        default:
            return self
        }
    }
}
