import InletJSON

public import InletInterpolation

/// An API key in a header (`header`, the legacy form) or wherever `inject_into` says.
public struct ApiKeyAuthenticator: ManifestComponent {
    public static let typeName = "ApiKeyAuthenticator"

    public let apiToken: InterpolatedString
    public let header: InterpolatedString?
    public let injectInto: RequestOption?

    public init(from node: ManifestNode) throws(ManifestError) {
        apiToken = try node.interpolatedString("api_token") ?? InterpolatedString("")
        header = try node.interpolatedString("header")
        injectInto = try node.component("inject_into", as: RequestOption.self)
        if header == nil && injectInto == nil {
            throw node.error("an ApiKeyAuthenticator needs 'inject_into' (or the legacy 'header')")
        }
    }
}

extension InterpolatedString {
    /// A constant string that needs no template parsing.
    init(_ text: String) {
        try! self.init(text, parameters: [:], fallback: .none)
    }
}
