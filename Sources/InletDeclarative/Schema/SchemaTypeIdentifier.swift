public import InletInterpolation

/// Where a `DynamicSchemaLoader` finds the field definitions in its record, and each one's name and
/// type, with the types it maps to Airbyte's.
public struct SchemaTypeIdentifier: ManifestComponent {
    public static let typeName = "SchemaTypeIdentifier"

    public let schemaPointer: [InterpolatedString]
    public let keyPointer: [InterpolatedString]
    public let typePointer: [InterpolatedString]?
    public let typesMapping: [TypesMap]

    public init(from node: ManifestNode) throws(ManifestError) {
        schemaPointer = try Self.pointer(node, "schema_pointer") ?? []
        guard let key = try Self.pointer(node, "key_pointer") else { throw node.error("the required field 'key_pointer' is missing") }
        keyPointer = key
        typePointer = try Self.pointer(node, "type_pointer")
        var mappings: [TypesMap] = []
        for element in try node.member("types_mapping")?.elements() ?? [] { mappings.append(try element.decode(as: TypesMap.self)) }
        typesMapping = mappings
    }

    private static func pointer(_ node: ManifestNode, _ key: String) throws(ManifestError) -> [InterpolatedString]? {
        guard let parts = try node.stringList(key) else { return nil }
        var templates: [InterpolatedString] = []
        for part in parts {
            do { templates.append(try InterpolatedString(part, parameters: node.parameters)) } catch {
                throw ManifestError("invalid template: \(error)", path: node.path.appending(key), file: node.context.file)
            }
        }
        return templates
    }
}
