/// One primitive column of a Parquet file (a leaf of its schema): its name, its Iceberg field id,
/// how it is stored and what it means, where it sits in the schema tree and its level bounds.
public struct ParquetColumn: Sendable, Equatable {
    public var name: String
    /// The Iceberg field id, written as the schema element's `field_id` (Iceberg readers need it).
    public var fieldID: Int32
    public var physicalType: ParquetPhysicalType
    public var logicalType: ParquetLogicalType?
    public var isRequired: Bool
    /// The length of every value of a FIXED_LEN_BYTE_ARRAY column.
    public var typeLength: Int32?
    /// The names from the top-level field down to this column (the footer's `path_in_schema`).
    public internal(set) var path: [String]
    /// How many optional or repeated fields on the path are defined when the value is present.
    public internal(set) var maxDefinitionLevel: Int
    /// How many repeated fields (lists and maps) the path crosses.
    public internal(set) var maxRepetitionLevel: Int

    /// A top-level column.
    public init(name: String, fieldID: Int32, physicalType: ParquetPhysicalType, logicalType: ParquetLogicalType? = nil,
                isRequired: Bool = false, typeLength: Int32? = nil) {
        self.typeLength = typeLength
        self.name = name
        self.fieldID = fieldID
        self.physicalType = physicalType
        self.logicalType = logicalType
        self.isRequired = isRequired
        path = [name]
        maxDefinitionLevel = isRequired ? 0 : 1
        maxRepetitionLevel = 0
    }

    /// The column's dotted path, for messages.
    public var dottedPath: String { path.joined(separator: ".") }
}
