import InletJSON

public import InletInterpolation

/// Where a value goes in a request: a query parameter, a header, a form field or a JSON body field.
public struct RequestOption: ManifestComponent {
    public static let typeName = "RequestOption"

    public enum Target: String, Sendable {
        case requestParameter = "request_parameter"
        case header
        case bodyData = "body_data"
        case bodyJSON = "body_json"
    }

    public let injectInto: Target
    public let fieldName: InterpolatedString?
    /// For `body_json`: a nested path, each part a template.
    public let fieldPath: [InterpolatedString]?

    public init(from node: ManifestNode) throws(ManifestError) {
        let target = try node.requiredString("inject_into")
        guard let injectInto = Target(rawValue: target) else {
            throw node.error("'inject_into' must be one of request_parameter, header, body_data, body_json; found '\(target)'")
        }
        self.injectInto = injectInto
        fieldName = try node.interpolatedString("field_name")
        if let parts = try node.stringList("field_path") {
            var compiled: [InterpolatedString] = []
            for part in parts {
                do {
                    compiled.append(try InterpolatedString(part, parameters: node.parameters, cache: node.context.templates))
                } catch {
                    throw node.error("invalid template in field_path: \(error)")
                }
            }
            fieldPath = compiled
        } else {
            fieldPath = nil
        }
        if fieldName == nil && fieldPath == nil {
            throw node.error("a RequestOption needs 'field_name' or 'field_path'")
        }
        if fieldPath != nil && injectInto != .bodyJSON {
            throw node.error("'field_path' is only allowed with inject_into: body_json")
        }
    }
}
