public import InletInterpolation
public import InletJSON

/// A JSON Web Token signed with HMAC (HS256/384/512) or RSA (RS256/384/512), sent as a bearer token
/// or injected where `request_option` says.
public struct JwtAuthenticator: ManifestComponent {
    public static let typeName = "JwtAuthenticator"

    public let secretKey: InterpolatedString
    public let base64EncodeSecretKey: Bool
    public let algorithm: String
    public let tokenDuration: Int
    public let headerPrefix: InterpolatedString?
    public let jwtHeaders: JSONObject
    public let additionalJWTHeaders: JSONObject
    public let jwtPayload: JSONObject
    public let additionalJWTPayload: JSONObject
    public let passphrase: InterpolatedString?
    public let requestOption: RequestOption?

    static let supportedAlgorithms: Set<String> = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"]

    public init(from node: ManifestNode) throws(ManifestError) {
        secretKey = try node.requiredInterpolatedString("secret_key")
        base64EncodeSecretKey = try node.bool("base64_encode_secret_key") ?? false
        algorithm = try node.requiredString("algorithm")
        guard Self.supportedAlgorithms.contains(algorithm) else {
            throw node.error("unknown JWT algorithm '\(algorithm)'")
        }
        tokenDuration = try node.integer("token_duration") ?? 1200
        headerPrefix = try node.interpolatedString("header_prefix")
        jwtHeaders = try node.object("jwt_headers") ?? [:]
        additionalJWTHeaders = try node.object("additional_jwt_headers") ?? [:]
        jwtPayload = try node.object("jwt_payload") ?? [:]
        additionalJWTPayload = try node.object("additional_jwt_payload") ?? [:]
        passphrase = try node.interpolatedString("passphrase")
        requestOption = try node.component("request_option", as: RequestOption.self)
    }
}
