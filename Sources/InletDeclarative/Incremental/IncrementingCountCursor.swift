import InletJSON

public import InletInterpolation

/// Incremental reads by an ever-growing integer field.
public struct IncrementingCountCursor: ManifestComponent {
    public static let typeName = "IncrementingCountCursor"

    public let cursorField: InterpolatedString
    public let startValue: InterpolatedString?
    public let startValueOption: RequestOption?

    public init(from node: ManifestNode) throws(ManifestError) {
        cursorField = try node.requiredInterpolatedString("cursor_field")
        startValue = try node.interpolatedString("start_value")
        startValueOption = try node.component("start_value_option", as: RequestOption.self)
    }
}
