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
        stream = try DeclarativeStream.reading(retriever: try node.required("retriever").value,
                                               named: "properties of \(node.parameters["name"]?.stringValue ?? "a stream")", path: node.path, context: node.context)
    }
}
