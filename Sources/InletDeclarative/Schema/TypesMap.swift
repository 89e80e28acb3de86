public import InletInterpolation
public import InletJSON

/// A field type an API uses (`current_type`) and the Airbyte type it stands for (`target_type`),
/// when `condition` (which sees the field's definition as `raw_schema`) holds.
public struct TypesMap: ManifestComponent {
    public static let typeName = "TypesMap"

    /// A type name, or a list of two for `oneOf`.
    public let targetType: JSONValue
    public let currentType: JSONValue
    public let condition: InterpolatedBoolean?

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let target = node.value["target_type"], !target.isNull else { throw node.error("the required field 'target_type' is missing") }
        guard let current = node.value["current_type"], !current.isNull else { throw node.error("the required field 'current_type' is missing") }
        if case .object = target { throw node.error("a ComplexFieldType 'target_type' is not supported by Inlet yet") }
        targetType = target
        currentType = current
        condition = try node.interpolatedBoolean("condition")
    }
}
