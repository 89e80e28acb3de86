public import InletJSON

/// A shared request budget: call-rate policies matched against requests, and the headers that
/// report what is left.
public struct HTTPAPIBudget: ManifestComponent {
    public static let typeName = "HTTPAPIBudget"

    public let policies: [any ManifestComponent]
    public let rateLimitResetHeader: String
    public let rateLimitRemainingHeader: String
    public let statusCodesForRateLimitHit: [Int]

    public init(from node: ManifestNode) throws(ManifestError) {
        policies = try node.components("policies", among: [
            MovingWindowCallRatePolicy.self, FixedWindowCallRatePolicy.self, UnlimitedCallRatePolicy.self,
        ]) ?? []
        rateLimitResetHeader = try node.string("ratelimit_reset_header") ?? "ratelimit-reset"
        rateLimitRemainingHeader = try node.string("ratelimit_remaining_header") ?? "ratelimit-remaining"
        statusCodesForRateLimitHit = (node.value["status_codes_for_ratelimit_hit"]?.arrayValue ?? [.int(429)]).compactMap { $0.intValue.map(Int.init) }
    }
}

/// Which requests a policy counts: by method, URL base, path pattern, parameters and headers.
public struct HttpRequestRegexMatcher: ManifestComponent {
    public static let typeName = "HttpRequestRegexMatcher"

    public let method: String?
    public let urlBase: String?
    public let urlPathPattern: String?
    public let parameters: JSONObject?
    public let headers: JSONObject?

    public init(from node: ManifestNode) throws(ManifestError) {
        method = try node.string("method")
        urlBase = try node.string("url_base")
        urlPathPattern = try node.string("url_path_pattern")
        parameters = try node.object("params")
        headers = try node.object("headers")
    }
}

/// A limit of `limit` calls per `interval` (an ISO 8601 duration).
public struct Rate: ManifestComponent {
    public static let typeName = "Rate"

    public let limit: InterpolatedInteger
    public let interval: String

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let limit = try InterpolatedInteger.decode(node, key: "limit") else { throw node.error("the required field 'limit' is missing") }
        self.limit = limit
        interval = try node.requiredString("interval")
    }
}

/// At most `rates` calls in any sliding window.
public struct MovingWindowCallRatePolicy: ManifestComponent {
    public static let typeName = "MovingWindowCallRatePolicy"

    public let rates: [Rate]
    public let matchers: [HttpRequestRegexMatcher]

    public init(from node: ManifestNode) throws(ManifestError) {
        rates = try Self.list(node, "rates", as: Rate.self)
        matchers = try Self.list(node, "matchers", as: HttpRequestRegexMatcher.self)
    }

    static func list<Element: ManifestComponent>(_ node: ManifestNode, _ key: String, as type: Element.Type) throws(ManifestError) -> [Element] {
        guard let member = node.member(key) else { return [] }
        var result: [Element] = []
        for element in try member.elements() { result.append(try element.decode(as: Element.self)) }
        return result
    }
}

/// At most `call_limit` calls per fixed `period`.
public struct FixedWindowCallRatePolicy: ManifestComponent {
    public static let typeName = "FixedWindowCallRatePolicy"

    public let period: String
    public let callLimit: InterpolatedInteger
    public let matchers: [HttpRequestRegexMatcher]

    public init(from node: ManifestNode) throws(ManifestError) {
        period = try node.requiredString("period")
        guard let limit = try InterpolatedInteger.decode(node, key: "call_limit") else { throw node.error("the required field 'call_limit' is missing") }
        callLimit = limit
        matchers = try MovingWindowCallRatePolicy.list(node, "matchers", as: HttpRequestRegexMatcher.self)
    }
}

/// No limit for the matched requests.
public struct UnlimitedCallRatePolicy: ManifestComponent {
    public static let typeName = "UnlimitedCallRatePolicy"

    public let matchers: [HttpRequestRegexMatcher]

    public init(from node: ManifestNode) throws(ManifestError) {
        matchers = try MovingWindowCallRatePolicy.list(node, "matchers", as: HttpRequestRegexMatcher.self)
    }
}

/// How many partitions are read at once.
public struct ConcurrencyLevel: ManifestComponent {
    public static let typeName = "ConcurrencyLevel"

    public let defaultConcurrency: InterpolatedInteger
    public let maxConcurrency: Int?

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let concurrency = try InterpolatedInteger.decode(node, key: "default_concurrency") else {
            throw node.error("the required field 'default_concurrency' is missing")
        }
        defaultConcurrency = concurrency
        maxConcurrency = try node.integer("max_concurrency")
    }
}
