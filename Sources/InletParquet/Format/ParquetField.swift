/// One field of a file's schema tree: a primitive column, or a struct, list or map of fields.
/// Lists and maps are written in the format's standard three-level layout (`<name>.list.element`,
/// `<name>.key_value.key` / `.value`), which every reader understands.
public struct ParquetField: Sendable, Equatable {
    public indirect enum Kind: Sendable, Equatable {
        case primitive(ParquetPhysicalType, ParquetLogicalType?)
        case structure([ParquetField])
        case list(element: ParquetField)
        /// Keys are always required, as the format asks.
        case map(key: ParquetField, value: ParquetField)
    }

    public var name: String
    /// The Iceberg field id (the element, key and value ids for the inner fields of lists and maps).
    public var fieldID: Int32?
    public var isRequired: Bool
    public var kind: Kind
    /// The length of every value of a FIXED_LEN_BYTE_ARRAY primitive.
    public var typeLength: Int32?

    public init(name: String, fieldID: Int32?, isRequired: Bool = false, kind: Kind, typeLength: Int32? = nil) {
        self.name = name
        self.fieldID = fieldID
        self.isRequired = isRequired
        self.kind = kind
        self.typeLength = typeLength
    }

    /// A top-level primitive field from a flat column description.
    public init(_ column: ParquetColumn) {
        self.init(name: column.name, fieldID: column.fieldID, isRequired: column.isRequired,
                  kind: .primitive(column.physicalType, column.logicalType), typeLength: column.typeLength)
    }

    public var isPrimitive: Bool {
        if case .primitive = kind { return true }
        return false
    }

    /// The primitive columns of the field, depth first.
    public var leaves: [ParquetColumn] { leaves(parentPath: [], definitionLevel: 0, repetitionLevel: 0) }

    /// The primitive columns under this field, depth first, with their paths and level bounds,
    /// given the path and levels of the field's parent.
    func leaves(parentPath: [String], definitionLevel: Int, repetitionLevel: Int) -> [ParquetColumn] {
        let path = parentPath + [name]
        let definition = definitionLevel + (isRequired ? 0 : 1)
        switch kind {
        case .primitive(let physical, let logical):
            var column = ParquetColumn(name: name, fieldID: fieldID ?? -1, physicalType: physical, logicalType: logical, isRequired: isRequired,
                                       typeLength: typeLength)
            column.path = path
            column.maxDefinitionLevel = definition
            column.maxRepetitionLevel = repetitionLevel
            return [column]
        case .structure(let children):
            return children.flatMap {
                $0.leaves(parentPath: path, definitionLevel: definition, repetitionLevel: repetitionLevel)
            }
        case .list(let element):
            return element.leaves(parentPath: path + ["list"], definitionLevel: definition + 1, repetitionLevel: repetitionLevel + 1)
        case .map(let key, let value):
            return [key, value].flatMap {
                $0.leaves(parentPath: path + ["key_value"], definitionLevel: definition + 1, repetitionLevel: repetitionLevel + 1)
            }
        }
    }

    /// The field's schema elements, depth first, as the footer lists them.
    func schemaElements() -> [SchemaElement] {
        let repetition: SchemaElement.Repetition = isRequired ? .required : .optional
        switch kind {
        case .primitive(let physical, let logical):
            return [SchemaElement(name: name, repetition: repetition, physicalType: physical, typeLength: typeLength,
                                  logicalType: logical.map(SchemaElement.Annotation.value), fieldID: fieldID)]
        case .structure(let children):
            return [SchemaElement(name: name, repetition: repetition, childCount: children.count, fieldID: fieldID)]
                + children.flatMap { $0.schemaElements() }
        case .list(let element):
            return [SchemaElement(name: name, repetition: repetition, childCount: 1, logicalType: .list, fieldID: fieldID),
                    SchemaElement(name: "list", repetition: .repeated, childCount: 1)] + element.schemaElements()
        case .map(let key, let value):
            return [SchemaElement(name: name, repetition: repetition, childCount: 1, logicalType: .map, fieldID: fieldID),
                    SchemaElement(name: "key_value", repetition: .repeated, childCount: 2)] + key.schemaElements() + value.schemaElements()
        }
    }
}

/// One entry of the footer's flattened schema (the format's `SchemaElement`).
struct SchemaElement {
    enum Repetition: Int32 {
        case required = 0, optional = 1, repeated = 2
    }

    enum Annotation {
        case value(ParquetLogicalType)
        case list
        case map
    }

    var name: String
    var repetition: Repetition?
    var physicalType: ParquetPhysicalType?
    var typeLength: Int32?
    var childCount: Int?
    var logicalType: Annotation?
    var fieldID: Int32?

    func write(to writer: inout ThriftCompactWriter) {
        if let physicalType { writer.field(1, physicalType.rawValue) }
        if let typeLength { writer.field(2, typeLength) }
        if let repetition { writer.field(3, repetition.rawValue) }
        writer.field(4, name)
        if let childCount { writer.field(5, Int32(childCount)) }
        switch logicalType {
        case .value(let logical)?:
            if let converted = logical.convertedType { writer.field(6, converted) }
            if case .decimal(let precision, let scale) = logical {
                writer.field(7, scale)
                writer.field(8, precision)
            }
        case .list?: writer.field(6, Int32(3))   // LIST
        case .map?: writer.field(6, Int32(1))    // MAP
        case nil: break
        }
        if let fieldID { writer.field(9, fieldID) }
        switch logicalType {
        case .value(let logical)?: writer.field(10) { logical.write(to: &$0) }
        case .list?: writer.field(10) { $0.field(3, structure: { _ in }) }
        case .map?: writer.field(10) { $0.field(2, structure: { _ in }) }
        case nil: break
        }
    }
}
