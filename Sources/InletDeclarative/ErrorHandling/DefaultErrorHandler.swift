import InletJSON

/// Decides what each response means (retry, fail, ignore, rate limited) with its response filters and
/// the CDK's defaults, and how long to wait before a retry.
public struct DefaultErrorHandler: ManifestComponent {
    public static let typeName = "DefaultErrorHandler"

    public let backoffStrategies: [any ManifestComponent]
    public let maxRetries: Int
    public let responseFilters: [HttpResponseFilter]

    public init() {
        backoffStrategies = []
        maxRetries = 5
        responseFilters = []
    }

    public init(from node: ManifestNode) throws(ManifestError) {
        backoffStrategies = try node.components("backoff_strategies", among: ErrorHandlerTypes.backoffStrategies) ?? []
        maxRetries = try node.integer("max_retries") ?? 5
        var filters: [HttpResponseFilter] = []
        if let filterNodes = node.member("response_filters") {
            for element in try filterNodes.elements() {
                filters.append(try element.decode(as: HttpResponseFilter.self))
            }
        }
        responseFilters = filters
    }
}
