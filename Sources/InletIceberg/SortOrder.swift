public import InletJSON
public import InletParquet

/// How a table's rows are ordered within its data files: by source columns, each ascending or
/// descending with nulls first or last (identity transforms). Inlet writes each data file sorted
/// by the table's default order, and records the order on the file's manifest entry.
public struct IcebergSortOrder: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var sourceID: Int32
        public var isDescending: Bool
        public var nullsFirst: Bool

        /// Iceberg's defaults: ascending with nulls first, descending with nulls last.
        public init(sourceID: Int32, descending: Bool = false, nullsFirst: Bool? = nil) {
            self.sourceID = sourceID
            isDescending = descending
            self.nullsFirst = nullsFirst ?? !descending
        }

        var json: JSONValue {
            ["transform": "identity", "source-id": .int(Int64(sourceID)), "direction": isDescending ? "desc" : "asc",
             "null-order": nullsFirst ? "nulls-first" : "nulls-last"]
        }
    }

    public var orderID: Int32
    public var fields: [Field]

    public init(orderID: Int32 = 1, fields: [Field]) {
        self.orderID = orderID
        self.fields = fields
    }

    public static let unsorted = IcebergSortOrder(orderID: 0, fields: [])

    var json: JSONValue {
        ["order-id": .int(Int64(orderID)), "fields": .array(fields.map(\.json))]
    }

    /// Reads an order from table metadata; nil when it uses a transform Inlet does not sort by
    /// (files are then written unsorted and say so).
    init?(json: JSONValue) {
        guard let id = json["order-id"]?.intValue else { return nil }
        var fields: [Field] = []
        for field in json["fields"]?.arrayValue ?? [] {
            guard field["transform"]?.stringValue == "identity", let source = field["source-id"]?.intValue else { return nil }
            let descending = field["direction"]?.stringValue == "desc"
            fields.append(Field(sourceID: Int32(source), descending: descending,
                                nullsFirst: field["null-order"]?.stringValue.map { $0 == "nulls-first" }))
        }
        self.init(orderID: Int32(id), fields: fields)
    }

    /// Checks that every field sorts a primitive column of `schema`.
    func validate(against schema: IcebergSchema) throws(IcebergError) {
        for field in fields {
            guard let column = schema.fields.first(where: { $0.id == field.sourceID }) else {
                throw .invalidMetadata("sort order field \(field.sourceID) has no source column")
            }
            guard column.type.isPrimitive else { throw .invalidMetadata("cannot sort by '\(column.name)': not a primitive column") }
        }
    }

    /// Whether row `a` comes before row `b` (values in schema order) in this order.
    func comparator(for schema: IcebergSchema) -> ([ParquetValue?], [ParquetValue?]) -> Bool {
        let keys = fields.compactMap { field in
            schema.fields.firstIndex { $0.id == field.sourceID }.map { (position: $0, field: field) }
        }
        return { a, b in
            for key in keys {
                switch (a[key.position], b[key.position]) {
                case (nil, nil): continue
                case (nil, _): return key.field.nullsFirst
                case (_, nil): return !key.field.nullsFirst
                case (let x?, let y?):
                    if x.precedes(y) { return !key.field.isDescending }
                    if y.precedes(x) { return key.field.isDescending }
                }
            }
            return false
        }
    }
}

extension TableMetadata {
    /// The order new data files are sorted by (unsorted when the default order cannot be applied).
    public var defaultSortOrder: IcebergSortOrder {
        let id = json["default-sort-order-id"]?.intValue ?? 0
        guard let order = json["sort-orders"]?.arrayValue?.first(where: { $0["order-id"]?.intValue == id }) else { return .unsorted }
        return IcebergSortOrder(json: order) ?? .unsorted
    }
}
