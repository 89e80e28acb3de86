import InletJSON

public import InletInterpolation

/// The next page token comes from the response (`cursor_value`), until `stop_condition` holds or the
/// token is empty.
public struct CursorPagination: ManifestComponent {
    public static let typeName = "CursorPagination"

    public let cursorValue: InterpolatedString
    public let pageSize: InterpolatedInteger?
    public let stopCondition: InterpolatedBoolean?
    public let decoder: (any ManifestComponent)?

    public init(from node: ManifestNode) throws(ManifestError) {
        cursorValue = try node.requiredInterpolatedString("cursor_value")
        pageSize = try InterpolatedInteger.decode(node, key: "page_size")
        stopCondition = try node.interpolatedBoolean("stop_condition")
        decoder = try node.component("decoder", among: DecoderTypes.all)
    }
}
