import InletJSON

/// Pages by a page number, from `start_from_page`.
public struct PageIncrement: ManifestComponent {
    public static let typeName = "PageIncrement"

    public let pageSize: InterpolatedInteger?
    public let startFromPage: Int
    public let injectOnFirstRequest: Bool

    public init(from node: ManifestNode) throws(ManifestError) {
        pageSize = try InterpolatedInteger.decode(node, key: "page_size")
        startFromPage = try node.integer("start_from_page") ?? 0
        injectOnFirstRequest = try node.bool("inject_on_first_request") ?? false
    }
}
