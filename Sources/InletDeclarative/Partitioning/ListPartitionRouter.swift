public import InletInterpolation
public import InletJSON

/// One partition per value of a list (written in the manifest or read from the config).
public struct ListPartitionRouter: ManifestComponent {
    public static let typeName = "ListPartitionRouter"

    public enum Values: Sendable {
        case list([JSONValue])
        case template(InterpolatedString)
    }

    public let cursorField: InterpolatedString
    public let values: Values
    public let requestOption: RequestOption?

    public init(from node: ManifestNode) throws(ManifestError) {
        cursorField = try node.requiredInterpolatedString("cursor_field")
        switch node.value["values"] {
        case .some(.array(let elements)): values = .list(elements)
        case .some(.string): values = .template(try node.requiredInterpolatedString("values"))
        default: throw node.error("'values' must be a list or a template that renders one")
        }
        requestOption = try node.component("request_option", as: RequestOption.self)
    }
}
