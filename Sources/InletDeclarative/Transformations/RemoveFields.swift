import InletJSON

public import InletInterpolation

/// Removes the fields at the given paths (`*` matches any key), optionally only when `condition` holds.
public struct RemoveFields: ManifestComponent {
    public static let typeName = "RemoveFields"

    public let fieldPointers: [[String]]
    public let condition: InterpolatedBoolean?

    public init(from node: ManifestNode) throws(ManifestError) {
        let pointers = try node.required("field_pointers")
        var paths: [[String]] = []
        for element in try pointers.elements() {
            switch element.value {
            case .array(let parts): paths.append(parts.map { $0.stringValue ?? $0.description })
            case .string(let single): paths.append([single])
            default: throw element.error("each field pointer must be a list of keys")
            }
        }
        fieldPointers = paths
        condition = try node.interpolatedBoolean("condition")
    }
}
