/// One flat column of a Parquet file: its name, its Iceberg field id, how it is stored and what it means.
public struct ParquetColumn: Sendable, Equatable {
    public var name: String
    /// The Iceberg field id, written as the schema element's `field_id` (Iceberg readers need it).
    public var fieldID: Int32
    public var physicalType: ParquetPhysicalType
    public var logicalType: ParquetLogicalType?
    public var isRequired: Bool

    public init(name: String, fieldID: Int32, physicalType: ParquetPhysicalType, logicalType: ParquetLogicalType? = nil,
                isRequired: Bool = false) {
        self.name = name
        self.fieldID = fieldID
        self.physicalType = physicalType
        self.logicalType = logicalType
        self.isRequired = isRequired
    }

    func writeSchemaElement(to writer: inout ThriftCompactWriter) {
        writer.field(1, physicalType.rawValue)
        writer.field(3, isRequired ? Int32(0) : Int32(1))
        writer.field(4, name)
        if let logicalType { writer.field(6, logicalType.convertedType) }
        writer.field(9, fieldID)
        if let logicalType { writer.field(10) { logicalType.write(to: &$0) } }
    }
}
