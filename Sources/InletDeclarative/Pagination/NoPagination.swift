import InletJSON

/// One request, one page.
public struct NoPagination: ManifestComponent {
    public static let typeName = "NoPagination"

    public init() {}
    public init(from node: ManifestNode) throws(ManifestError) {}
}
