import InletJSON

/// Pages by a record offset that grows by the number of records read.
public struct OffsetIncrement: ManifestComponent {
    public static let typeName = "OffsetIncrement"

    public let pageSize: InterpolatedInteger?
    public let injectOnFirstRequest: Bool

    public init(from node: ManifestNode) throws(ManifestError) {
        pageSize = try InterpolatedInteger.decode(node, key: "page_size")
        injectOnFirstRequest = try node.bool("inject_on_first_request") ?? false
    }
}
