import InletHTTP
import InletInterpolation
import InletJSON
import InletProtocol

/// What to do with a response, as the CDK's error handlers decide it.
enum ResponseAction: String, Sendable {
    case success = "SUCCESS"
    case retry = "RETRY"
    case fail = "FAIL"
    case ignore = "IGNORE"
    case rateLimited = "RATE_LIMITED"
    case resetPagination = "RESET_PAGINATION"
    case reducePageSize = "REDUCE_PAGE_SIZE"
}

struct ErrorResolution: Sendable {
    var action: ResponseAction
    var failureType: FailureType?
    var message: String?
}

/// A response, or the transport failure that stood in for one.
enum ResponseOutcome: Sendable {
    case response(HTTPResponse)
    case failure(HTTPTransportError)

    var response: HTTPResponse? {
        if case .response(let response) = self { return response }
        return nil
    }

    /// `. Cause: connection refused by 127.0.0.1:1 (...)` for a request that got no response; empty otherwise.
    var causeSuffix: String {
        if case .failure(let error) = self { return ". Cause: \(error.detail)" }
        return ""
    }
}

/// The CDK's `DEFAULT_ERROR_MAPPING`.
enum DefaultErrorMapping {
    static func resolution(for outcome: ResponseOutcome) -> ErrorResolution? {
        switch outcome {
        case .failure(let error):
            if error.kind == .invalidURL {
                return ErrorResolution(action: .retry, failureType: .transientError,
                                       message: "Invalid URL specified or DNS error occurred: The endpoint that data is being requested from is not a valid URL. Exception: requests.exceptions.InvalidURL")
            }
            return ErrorResolution(action: .retry, failureType: .transientError,
                                   message: "An exception occurred when making the request. Exception: requests.exceptions.RequestException")
        case .response(let response):
            switch response.status {
            case 400: return ErrorResolution(action: .fail, failureType: .systemError, message: "HTTP Status Code: 400. Error: Bad request. Please check your request parameters.")
            case 401: return ErrorResolution(action: .fail, failureType: .configError, message: "HTTP Status Code: 401. Error: Unauthorized. Please ensure you are authenticated correctly.")
            case 403: return ErrorResolution(action: .fail, failureType: .configError, message: "HTTP Status Code: 403. Error: Forbidden. You don't have permission to access this resource.")
            case 404: return ErrorResolution(action: .fail, failureType: .systemError, message: "HTTP Status Code: 404. Error: Not found. The requested resource was not found on the server.")
            case 405: return ErrorResolution(action: .fail, failureType: .systemError, message: "HTTP Status Code: 405. Error: Method not allowed. Please check your request method.")
            case 408: return ErrorResolution(action: .retry, failureType: .transientError, message: "HTTP Status Code: 408. Error: Request timeout.")
            case 429: return ErrorResolution(action: .rateLimited, failureType: .transientError, message: "HTTP Status Code: 429. Error: Too many requests.")
            case 500: return ErrorResolution(action: .retry, failureType: .transientError, message: "HTTP Status Code: 500. Error: Internal server error.")
            case 502: return ErrorResolution(action: .retry, failureType: .transientError, message: "HTTP Status Code: 502. Error: Bad gateway.")
            case 503: return ErrorResolution(action: .retry, failureType: .transientError, message: "HTTP Status Code: 503. Error: Service unavailable.")
            case 504: return ErrorResolution(action: .retry, failureType: .transientError, message: "HTTP Status Code: 504. Error: Gateway timeout.")
            default: return nil
            }
        }
    }

    /// Anything unmapped is retried, as the CDK's fallback does.
    static func fallback(for outcome: ResponseOutcome) -> ErrorResolution {
        switch outcome {
        case .failure(let error):
            return ErrorResolution(action: .retry, failureType: .systemError, message: "RequestException: \(error.detail)")
        case .response(let response):
            return ErrorResolution(action: .retry, failureType: .systemError,
                                   message: "Response was not ok: `\(response.status)`. Response content is: \(response.bodyText.prefix(500))")
        }
    }
}

/// The message an API gives in its error body, found as the CDK's `JsonErrorMessageParser` finds it.
enum ErrorMessageParser {
    static let keys = ["message", "messages", "error", "errors", "failures", "failure", "detail", "err", "error_message", "msg", "reason", "status_message"]

    static func message(in response: HTTPResponse) -> String? {
        guard let body = try? JSONParser.parse(response.body, options: .pythonCompatible) else {
            return response.bodyText
        }
        return message(in: body)
    }

    static func message(in value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .array(let elements):
            return elements.compactMap { message(in: $0) }.joined(separator: ", ")
        case .object(let object):
            for key in keys {
                if let member = object[key], ComponentTransformer.isTruthy(member) { return message(in: member) }
            }
            return nil
        default:
            return nil
        }
    }
}

/// An error handler of the manifest, ready to judge responses.
struct ErrorHandlerRuntime: Sendable {
    private enum Kind: Sendable {
        case handler(DefaultErrorHandler)
        case composite([ErrorHandlerRuntime])
    }

    private let kind: Kind
    let maxRetries: Int
    let backoffStrategies: [any ManifestComponent]

    init(_ component: (any ManifestComponent)?) {
        switch component {
        case let composite as CompositeErrorHandler:
            let handlers = composite.errorHandlers.map { ErrorHandlerRuntime($0) }
            kind = .composite(handlers)
            maxRetries = handlers.first?.maxRetries ?? 5
            backoffStrategies = handlers.flatMap(\.backoffStrategies)
        case let handler as DefaultErrorHandler:
            kind = .handler(handler)
            maxRetries = handler.maxRetries
            backoffStrategies = handler.backoffStrategies
        default:
            kind = .handler(DefaultErrorHandler())
            maxRetries = 5
            backoffStrategies = []
        }
    }

    func interpret(_ outcome: ResponseOutcome, session: ReadSession) throws(DeclarativeError) -> ErrorResolution {
        switch kind {
        case .composite(let handlers):
            var last: ErrorResolution?
            for handler in handlers {
                let resolution = try handler.interpret(outcome, session: session)
                if [.success, .retry, .ignore, .resetPagination, .reducePageSize].contains(resolution.action) { return resolution }
                last = resolution
            }
            return last ?? DefaultErrorMapping.fallback(for: outcome)
        case .handler(let handler):
            for filter in handler.responseFilters {
                if let resolution = try filter.resolution(for: outcome, session: session) { return resolution }
            }
            if let response = outcome.response, response.isSuccess {
                return ErrorResolution(action: .success)
            }
            return DefaultErrorMapping.resolution(for: outcome) ?? DefaultErrorMapping.fallback(for: outcome)
        }
    }
}

extension HttpResponseFilter {
    func resolution(for outcome: ResponseOutcome, session: ReadSession) throws(DeclarativeError) -> ErrorResolution? {
        guard let action, let response = outcome.response else { return nil }
        let context = Self.context(for: response, session: session)
        var matched = httpCodes.contains(response.status)
        if !matched, let predicate {
            matched = try evaluate(predicate, context, at: "error handler predicate")
        }
        if !matched, let needle = errorMessageContains, let message = ErrorMessageParser.message(in: response) {
            matched = message.contains(needle)
        }
        guard matched else { return nil }
        let mapped = DefaultErrorMapping.resolution(for: outcome)
        var message: String?
        if let errorMessage {
            let evaluated = try evaluate(errorMessage, context, at: "error_message")
            if case .string(let text) = evaluated { message = text.isEmpty ? nil : text } else if !evaluated.isNull { message = PythonValueText.str(evaluated) }
        }
        let resolvedAction = ResponseAction(rawValue: action.rawValue) ?? .fail
        let failure: FailureType
        if let failureType, resolvedAction == .fail {
            failure = FailureType(rawValue: failureType)
        } else {
            failure = mapped?.failureType ?? .systemError
        }
        return ErrorResolution(action: resolvedAction, failureType: failure, message: message ?? mapped?.message ?? "")
    }

    /// Predicates and messages see the decoded body (`{}` when it is not JSON) and the headers.
    static func context(for response: HTTPResponse, session: ReadSession) -> InterpolationContext {
        var context = session.context(hasToken: false)
        let body = (try? JSONParser.parse(response.body, options: .pythonCompatible)) ?? .object([:])
        context[.response] = JinjaValue(body)
        context[.headers] = .object(JinjaMappingObject(typeName: "CaseInsensitiveDict", mapping: headerObject(response), caseInsensitiveKeys: true))
        context.set("request_url", to: .string(response.url))
        return context
    }

    static func headerObject(_ response: HTTPResponse) -> JSONObject {
        var object = JSONObject()
        for (name, value) in response.headers where object[name] == nil {
            object[name] = .string(value)
        }
        return object
    }
}

/// Backoff strategies: how long to wait before retry number `attempt`.
enum Backoff {
    static func time(for strategies: [any ManifestComponent], outcome: ResponseOutcome, attempt: Int,
                     session: ReadSession) throws(DeclarativeError) -> Double? {
        let context = session.context(hasToken: false)
        for strategy in strategies {
            var seconds: Double?
            switch strategy {
            case let constant as ConstantBackoffStrategy:
                seconds = try constant.backoffTimeInSeconds.value(context, at: "backoff_time_in_seconds")
            case let exponential as ExponentialBackoffStrategy:
                let factor = try exponential.factor.value(context, at: "factor") ?? 5
                seconds = factor * pow2(attempt)
            case let header as WaitTimeFromHeader:
                seconds = try waitTime(header: header.header, regex: header.regex, outcome: outcome, context: context)
                if let seconds, let cap = try header.maxWaitingTimeInSeconds?.value(context, at: "max_waiting_time_in_seconds"), seconds >= cap {
                    throw DeclarativeError(.transientError, "Rate limit wait time \(seconds)s is greater than or equal to the maximum of \(cap)s this stream is allowed to wait. Stopping the sync.")
                }
            case let until as WaitUntilTimeFromHeader:
                let minimum = try until.minWait?.value(context, at: "min_wait")
                if let target = try waitTime(header: until.header, regex: until.regex, outcome: outcome, context: context) {
                    let wait = target - Double(SystemClock.microsecondsSinceEpoch()) / 1_000_000
                    seconds = minimum.map { max(wait, $0) } ?? (wait < 0 ? nil : wait)
                } else {
                    seconds = minimum
                }
                if let value = seconds, let cap = try until.maxWaitingTimeInSeconds?.value(context, at: "max_waiting_time_in_seconds"), value >= cap {
                    throw DeclarativeError(.transientError, "Rate limit wait time \(value)s is greater than or equal to the maximum of \(cap)s this stream is allowed to wait. Stopping the sync.")
                }
            default:
                break
            }
            if let seconds, seconds > 0 { return seconds }
        }
        return nil
    }

    private static func waitTime(header: InterpolatedString, regex: String?, outcome: ResponseOutcome,
                                 context: InterpolationContext) throws(DeclarativeError) -> Double? {
        guard let response = outcome.response else { return nil }
        let name = PythonValueText.str(try evaluate(header, context, at: "header"))
        guard var value = response.header(name), !value.isEmpty else { return nil }
        if let regex, let compiled = try? Regex(regex), let match = try? compiled.prefixMatch(in: value) {
            value = String(value[match.range])
        }
        return Double(value.trimmingCharacters(in: " "))
    }

    /// `Retry-After` in seconds or as an HTTP date, which Inlet honours even without a backoff strategy.
    static func retryAfter(_ response: HTTPResponse) -> Double? {
        guard let value = response.header("Retry-After") else { return nil }
        if let seconds = Double(value.trimmingCharacters(in: " ")) { return max(0, seconds) }
        return nil
    }

    static func pow2(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<max(0, exponent) { value *= 2 }
        return value
    }
}

extension String {
    func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
