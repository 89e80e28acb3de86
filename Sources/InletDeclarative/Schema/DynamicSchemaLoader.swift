import InletJSON

/// A stream's schema built from an API's answer (Salesforce's describe, a spreadsheet's header):
/// the first record the retriever reads holds the field definitions, each giving a property name and
/// a type mapped to an Airbyte type.
public struct DynamicSchemaLoader: ManifestComponent {
    public static let typeName = "DynamicSchemaLoader"

    public let schemaTypeIdentifier: SchemaTypeIdentifier
    /// The retriever, wrapped in a stream of its own to be read like one.
    let stream: DeclarativeStream

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let identifier = try node.component("schema_type_identifier", as: SchemaTypeIdentifier.self) else {
            throw node.error("the required field 'schema_type_identifier' is missing")
        }
        schemaTypeIdentifier = identifier
        for unsupported in ["schema_transformations", "schema_filter"] where node.member(unsupported) != nil {
            throw node.error("'\(unsupported)' of a DynamicSchemaLoader is not supported by Inlet yet")
        }
        stream = try DeclarativeStream.reading(retriever: try node.required("retriever").value,
                                               named: "schema of \(node.parameters["name"]?.stringValue ?? "a stream")", path: node.path, context: node.context)
    }
}
