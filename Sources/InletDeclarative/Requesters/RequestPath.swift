import InletJSON

/// Puts the page token in the request path: the next page is requested at the URL the token names.
public struct RequestPath: ManifestComponent {
    public static let typeName = "RequestPath"

    public init(from node: ManifestNode) throws(ManifestError) {}
}
