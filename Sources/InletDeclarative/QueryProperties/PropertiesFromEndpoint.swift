public import InletInterpolation
import InletJSON

/// Properties read from an API endpoint (HubSpot's `/crm/v3/properties/{object}`): each record the
/// retriever reads gives one, at `property_field_path`.
public struct PropertiesFromEndpoint: ManifestComponent {
    public static let typeName = "PropertiesFromEndpoint"

    public let propertyFieldPath: [InterpolatedString]
    /// The retriever, wrapped in a stream of its own to be read like one.
    let stream: DeclarativeStream

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let path = node.value["property_field_path"]?.arrayValue else { throw node.error("the required field 'property_field_path' is missing") }
        var fieldPath: [InterpolatedString] = []
        for (index, element) in path.enumerated() {
            guard case .string(let text) = element else { throw node.error("'property_field_path' must be a list of strings") }
            do { fieldPath.append(try InterpolatedString(text, parameters: node.parameters)) } catch {
                throw ManifestError("invalid template: \(error)", path: node.path.appending("property_field_path").appending(index: index), file: node.context.file)
            }
        }
        propertyFieldPath = fieldPath
        let retriever = try node.required("retriever")
        let streamNode = ManifestNode(value: ["type": "DeclarativeStream", "name": .string("properties of \(node.parameters["name"]?.stringValue ?? "a stream")"),
                                              "retriever": retriever.value, "schema_loader": ["type": "InlineSchemaLoader", "schema": [:]]],
                                      path: node.path, sources: nil, context: node.context)
        stream = try streamNode.decode(as: DeclarativeStream.self)
    }
}
