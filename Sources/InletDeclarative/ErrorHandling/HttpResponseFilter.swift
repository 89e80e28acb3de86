import InletJSON

public import InletInterpolation

/// Matches responses (by status code, error message or a predicate) and says what to do with them.
public struct HttpResponseFilter: ManifestComponent {
    public static let typeName = "HttpResponseFilter"

    public enum Action: String, Sendable {
        case success = "SUCCESS"
        case fail = "FAIL"
        case retry = "RETRY"
        case ignore = "IGNORE"
        case rateLimited = "RATE_LIMITED"
        case resetPagination = "RESET_PAGINATION"
        case reducePageSize = "REDUCE_PAGE_SIZE"
    }

    public let action: Action?
    public let failureType: String?
    public let errorMessage: InterpolatedString?
    public let errorMessageContains: String?
    public let httpCodes: Set<Int>
    public let predicate: InterpolatedBoolean?

    public init(from node: ManifestNode) throws(ManifestError) {
        if let actionName = try node.string("action") {
            guard let action = Action(rawValue: actionName) else {
                throw node.error("'action' must be one of SUCCESS, FAIL, RETRY, IGNORE, RATE_LIMITED, RESET_PAGINATION, REDUCE_PAGE_SIZE; found '\(actionName)'")
            }
            self.action = action
        } else {
            action = nil
        }
        failureType = try node.string("failure_type")
        if let failureType, !["config_error", "system_error", "transient_error"].contains(failureType) {
            throw node.error("'failure_type' must be config_error, system_error or transient_error; found '\(failureType)'")
        }
        errorMessage = try node.interpolatedString("error_message")
        errorMessageContains = try node.string("error_message_contains")
        httpCodes = Set((node.value["http_codes"]?.arrayValue ?? []).compactMap { $0.intValue.map(Int.init) })
        predicate = try node.interpolatedBoolean("predicate")
        if action == nil && failureType == nil {
            throw node.error("an HttpResponseFilter needs an 'action' or a 'failure_type'")
        }
    }
}
