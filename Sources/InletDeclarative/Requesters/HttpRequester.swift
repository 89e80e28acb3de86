public import InletInterpolation
public import InletJSON

/// Builds and sends a stream's HTTP requests: URL (`url_base` + `path`, or `url`), method, query
/// parameters, headers and body, authenticated and with error handling.
public struct HttpRequester: ManifestComponent {
    public static let typeName = "HttpRequester"

    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    /// The request body, in one of the manifest's forms.
    public enum Body: Sendable {
        case json(InterpolatedNestedMapping)
        case jsonTemplate(InterpolatedString)
        case form(InterpolatedMappingField)
        case text(InterpolatedString)
        case graphQL(JSONValue)
    }

    public let urlBase: InterpolatedString?
    public let url: InterpolatedString?
    public let path: InterpolatedString?
    public let httpMethod: Method
    public let authenticator: (any ManifestComponent)?
    public let requestParameters: InterpolatedMappingField?
    /// The request parameter whose value is a `QueryProperties`, and that component.
    public let queryProperties: (parameter: String, properties: QueryProperties)?
    public let requestHeaders: InterpolatedMappingField?
    public let body: Body?
    public let errorHandler: (any ManifestComponent)?
    /// Nil when the manifest does not say: parent streams are then cached, others not.
    public let useCache: Bool?
    public let connectTimeoutInSeconds: Double?
    public let readTimeoutInSeconds: Double?
    /// The stream name, from `$parameters.name`, for messages.
    public let name: String?

    public init(from node: ManifestNode) throws(ManifestError) {
        urlBase = try node.interpolatedString("url_base")
        url = try node.interpolatedString("url")
        path = try node.interpolatedString("path")
        if urlBase == nil && url == nil {
            throw node.error("an HttpRequester needs 'url' or 'url_base'")
        }
        let method = (try node.string("http_method") ?? "GET").uppercased()
        guard let httpMethod = Method(rawValue: method) else { throw node.error("'http_method' must be GET or POST, found '\(method)'") }
        self.httpMethod = httpMethod
        authenticator = try node.component("authenticator", among: AuthenticatorTypes.all)
        if case .object(let parameters)? = node.value["request_parameters"],
           let key = parameters.first(where: { $0.value["type"]?.stringValue == QueryProperties.typeName })?.key,
           let properties = try node.member("request_parameters")?.component(key, as: QueryProperties.self) {
            guard parameters.filter({ $0.value["type"]?.stringValue == QueryProperties.typeName }).count == 1 else {
                throw node.error("request_parameters only supports defining one QueryProperties field")
            }
            queryProperties = (key, properties)
            requestParameters = try node.interpolatedMapping("request_parameters", excluding: key)
        } else {
            queryProperties = nil
            requestParameters = try node.interpolatedMapping("request_parameters")
        }
        requestHeaders = try node.interpolatedMapping("request_headers")
        body = try Self.decodeBody(node)
        errorHandler = try node.component("error_handler", among: ErrorHandlerTypes.handlers)
        useCache = try node.bool("use_cache")
        connectTimeoutInSeconds = try node.number("connect_timeout_in_seconds")
        readTimeoutInSeconds = try node.number("read_timeout_in_seconds")
        name = try node.string("name")
    }

    private static func decodeBody(_ node: ManifestNode) throws(ManifestError) -> Body? {
        if let typed = node.member("request_body") {
            let kind = typed.typeName ?? ""
            switch kind {
            case "RequestBodyJsonObject":
                guard let value = try typed.interpolatedNestedMapping("value") else { throw typed.error("the required field 'value' is missing") }
                return .json(value)
            case "RequestBodyUrlEncodedForm":
                guard let value = try typed.interpolatedMapping("value") else { throw typed.error("the required field 'value' is missing") }
                return .form(value)
            case "RequestBodyPlainText":
                return .text(try typed.requiredInterpolatedString("value"))
            case "RequestBodyGraphQL":
                return .graphQL(typed.value["value"] ?? .null)
            default:
                throw typed.error("'request_body' must be RequestBodyJsonObject, RequestBodyUrlEncodedForm, RequestBodyPlainText or RequestBodyGraphQL")
            }
        }
        if let json = node.member("request_body_json") {
            if case .string = json.value { return .jsonTemplate(try node.requiredInterpolatedString("request_body_json")) }
            if let mapping = try node.interpolatedNestedMapping("request_body_json") { return .json(mapping) }
        }
        if let data = try node.interpolatedMapping("request_body_data") {
            return .form(data)
        }
        return nil
    }
}
