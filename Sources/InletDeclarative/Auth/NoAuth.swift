import InletJSON

/// Requests go out unauthenticated.
public struct NoAuth: ManifestComponent {
    public static let typeName = "NoAuth"

    public init() {}
    public init(from node: ManifestNode) throws(ManifestError) {}
}
