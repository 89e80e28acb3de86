import InletJSON

public import InletInterpolation

/// Adds (or replaces) fields computed from templates, optionally only when `condition` holds.
public struct AddFields: ManifestComponent {
    public static let typeName = "AddFields"

    public let fields: [AddedFieldDefinition]
    public let condition: InterpolatedBoolean?

    public init(from node: ManifestNode) throws(ManifestError) {
        var fields: [AddedFieldDefinition] = []
        for element in try node.required("fields").elements() {
            fields.append(try element.decode(as: AddedFieldDefinition.self))
        }
        self.fields = fields
        condition = try node.interpolatedBoolean("condition")
    }
}

/// One field `AddFields` adds: where, what, and optionally as which type.
public struct AddedFieldDefinition: ManifestComponent {
    public static let typeName = "AddedFieldDefinition"

    public enum ValueType: String, Sendable {
        case string, number, integer, boolean
    }

    public let path: [String]
    public let value: InterpolatedString
    public let valueType: ValueType?

    public init(from node: ManifestNode) throws(ManifestError) {
        path = try node.stringList("path") ?? []
        guard !path.isEmpty else { throw node.error("'path' must name at least one field") }
        value = try node.requiredInterpolatedString("value")
        if let type = try node.string("value_type") {
            guard let valueType = ValueType(rawValue: type) else { throw node.error("'value_type' must be string, number, integer or boolean") }
            self.valueType = valueType
        } else {
            valueType = nil
        }
    }
}
