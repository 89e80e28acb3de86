import InletHTTP
import InletInterpolation
import InletJSON
import InletProtocol

/// Sends an `HttpRequester`'s requests: builds the URL, parameters, headers and body from the
/// manifest and the options the retriever adds, authenticates, and retries as the error handler says.
struct RequesterRuntime: Sendable {
    let definition: HttpRequester
    let authenticator: any AuthenticatorRuntime
    let errorHandler: ErrorHandlerRuntime
    let streamName: String
    /// Whether answers come from, and go to, the read's response cache.
    let usesCache: Bool

    init(definition: HttpRequester, streamName: String, session: ReadSession) throws(DeclarativeError) {
        self.definition = definition
        self.streamName = streamName
        usesCache = definition.useCache ?? session.parentStreamNames.contains(streamName)
        authenticator = try Authenticators.runtime(for: definition.authenticator, urlBase: definition.urlBase, session: session)
        errorHandler = ErrorHandlerRuntime(definition.errorHandler)
    }

    /// The maximum total time retries may take, as the CDK's default.
    static let maximumRetryTime: Double = 600

    /// Sends the request for one page. `nil` when the error handler said to ignore a failed request.
    func send(slice: StreamSlice, nextPageToken: JSONValue?, pathOverride: String?, extra: RequestOptions,
              session: ReadSession) async throws(DeclarativeError) -> HTTPResponse? {
        let context = session.context(slice: slice, nextPageToken: nextPageToken)
        let first = try await build(context: context, pathOverride: pathOverride, extra: extra, session: session)
        guard usesCache, let key = ResponseCache.key(for: first) else {
            return try await sendWithRetries(first, context: context, pathOverride: pathOverride, extra: extra, cacheKey: nil, session: session)
        }
        if let cached = session.responseCache.response(forKey: key) { return cached }
        await session.responseCache.claim(key)
        defer { session.responseCache.release(key) }
        // Another stream may have sent it while this one waited for the claim.
        if let cached = session.responseCache.response(forKey: key) { return cached }
        return try await sendWithRetries(first, context: context, pathOverride: pathOverride, extra: extra, cacheKey: key, session: session)
    }

    /// Sends `first`, and rebuilt requests for the retries (a refreshed token goes into them).
    private func sendWithRetries(_ first: HTTPRequest, context: InterpolationContext, pathOverride: String?, extra: RequestOptions,
                                 cacheKey: String?, session: ReadSession) async throws(DeclarativeError) -> HTTPResponse? {
        let started = SystemClock.microsecondsSinceEpoch()
        var attempt = 0
        while true {
            attempt += 1
            let request = attempt == 1 ? first : try await build(context: context, pathOverride: pathOverride, extra: extra, session: session)
            if let budget = session.budget {
                do {
                    // Real waits, not the retry sleep tests shorten: a budget exists to space requests out.
                    try await budget.acquire(for: request) { seconds in
                        if seconds >= 1 {
                            await session.log(.info, "Waiting \(Int(seconds.rounded(.up))) s for the API budget before '\(request.method)' request to '\(SecretMask.mask(request.url, session.secrets))'")
                        }
                        try await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up))))
                    }
                } catch {
                    throw DeclarativeError(.transientError, "The read was cancelled while waiting for the API budget.")
                }
            }
            let outcome: ResponseOutcome
            do {
                outcome = try await session.requests.withSlot { () async -> ResponseOutcome in
                    do throws(HTTPTransportError) { return .response(try await session.http.send(request)) } catch { return .failure(error) }
                }
            } catch {
                throw DeclarativeError(.transientError, "The read was cancelled while waiting to send a request.")
            }
            if let budget = session.budget, let response = outcome.response {
                await budget.update(from: response, for: request)
            }
            let resolution = try errorHandler.interpret(outcome, session: session)
            switch resolution.action {
            case .success:
                if let cacheKey, let response = outcome.response { session.responseCache.store(response, forKey: cacheKey) }
                return outcome.response
            case .ignore:
                await session.log(.info, resolution.message.flatMap { $0.isEmpty ? nil : $0 }
                    ?? "Ignoring response for '\(request.method)' request to '\(request.url)' with response code '\(outcome.response?.status ?? 0)'")
                return outcome.response
            case .fail, .resetPagination:
                throw failure(resolution, request: request, outcome: outcome, session: session)
            case .reducePageSize:
                var error = failure(resolution, request: request, outcome: outcome, session: session)
                error.asksForSmallerPage = true
                throw error
            case .retry, .rateLimited:
                if resolution.action == .rateLimited {
                    await session.notify(.streamStatus(.running, for: StreamDescriptor(name: streamName), reasons: [AirbyteStreamStatusReason(type: .rateLimited)]))
                }
                let elapsed = Double(SystemClock.microsecondsSinceEpoch() - started) / 1_000_000
                guard attempt <= errorHandler.maxRetries, elapsed < Self.maximumRetryTime else {
                    throw exhausted(resolution, request: request, outcome: outcome, session: session)
                }
                let wait = try retryDelay(outcome: outcome, attempt: attempt, session: session)
                await session.log(.info, SecretMask.mask("Retrying '\(request.method)' request to '\(request.url)' in \(wait) seconds (attempt \(attempt) of \(errorHandler.maxRetries)): \(resolution.message ?? "")\(outcome.causeSuffix)", session.secrets))
                if outcome.response?.status == 401 { await authenticator.invalidate() }
                do {
                    if resolution.action == .rateLimited {
                        try await session.requests.holdingOthersBack { try await session.sleep(wait) }
                    } else {
                        try await session.sleep(wait)
                    }
                } catch {
                    throw DeclarativeError(.transientError, "The read was cancelled while waiting to retry a request.")
                }
            }
        }
    }

    /// A user-defined backoff (plus the CDK's extra second), else `Retry-After`, else 1, 2, 4, … seconds.
    private func retryDelay(outcome: ResponseOutcome, attempt: Int, session: ReadSession) throws(DeclarativeError) -> Double {
        if let seconds = try Backoff.time(for: errorHandler.backoffStrategies, outcome: outcome, attempt: attempt, session: session) {
            return seconds + 1
        }
        if let response = outcome.response, let seconds = Backoff.retryAfter(response) {
            return seconds
        }
        return Backoff.pow2(attempt - 1)
    }

    private func failure(_ resolution: ErrorResolution, request: HTTPRequest, outcome: ResponseOutcome, session: ReadSession) -> DeclarativeError {
        let detail: String
        switch outcome {
        case .response(let response):
            let parsed = ErrorMessageParser.message(in: response) ?? ""
            detail = "'\(request.method)' request to '\(request.url)' failed with status code '\(response.status)' and error message: '\(parsed)'."
        case .failure(let error):
            detail = "'\(request.method)' request to '\(request.url)' failed with exception: '\(error.detail)'"
        }
        let message = resolution.message.flatMap { $0.isEmpty ? nil : $0 } ?? detail
        return DeclarativeError(resolution.failureType ?? .systemError, SecretMask.mask(message, session.secrets),
                                internalMessage: SecretMask.mask(detail, session.secrets))
    }

    private func exhausted(_ resolution: ErrorResolution, request: HTTPRequest, outcome: ResponseOutcome, session: ReadSession) -> DeclarativeError {
        if outcome.response?.status == 429 {
            return DeclarativeError(.transientError, "API rate limit exceeded.",
                                    internalMessage: "Rate limit retry budget exhausted. Last response: \(resolution.message ?? "")")
        }
        // The CDK's words, then what actually went wrong when no response came (refused, host not found).
        let message = "Exhausted available request attempts. Please see logs for more details. Exception: \(resolution.message ?? "")\(outcome.causeSuffix)"
        return DeclarativeError(resolution.failureType ?? .systemError, SecretMask.mask(message, session.secrets),
                                internalMessage: SecretMask.mask("Exhausted available request attempts for '\(request.method)' \(request.url)\(outcome.causeSuffix)", session.secrets))
    }

    // MARK: - Building the request

    func build(context: InterpolationContext, pathOverride: String?, extra: RequestOptions, session: ReadSession) async throws(DeclarativeError) -> HTTPRequest {
        let url = try resolveURL(context: context, pathOverride: pathOverride)
        var options = RequestOptions()
        if let parameters = definition.requestParameters,
           let evaluated = try evaluate(parameters, context, at: "request_parameters", validValueTypes: [.string, .list]) {
            options.parameters = evaluated
        }
        if let headers = definition.requestHeaders, let evaluated = try evaluate(headers, context, at: "request_headers") {
            options.headers = evaluated
        }
        try applyBody(context: context, into: &options)
        let auth = try await authenticator.options(session: session)
        var merged = RequestOptions()
        for source in [options, RequestOptions(auth), extra] {
            try RequestOptions.combine(&merged.parameters, source.parameters, allowSameValue: false)
            try RequestOptions.combine(&merged.headers, source.headers, allowSameValue: false)
            try RequestOptions.combine(&merged.bodyData, source.bodyData, allowSameValue: false)
            try RequestOptions.combine(&merged.bodyJSON, source.bodyJSON, allowSameValue: true)
            if let text = source.bodyText {
                guard merged.bodyText == nil, merged.bodyData.isEmpty else { throw DeclarativeError.config("Cannot combine multiple options if one is a string") }
                merged.bodyText = text
            }
        }
        for (key, value) in merged.parameters {
            if case .object = value {
                throw DeclarativeError.config("Invalid value for `\(key)` parameter. The values of request params cannot be an object.")
            }
        }
        let request = try Self.request(method: definition.httpMethod.rawValue, url: url, options: merged)
        try RequestURLCheck.check(request.url)
        return request
    }

    private func resolveURL(context: InterpolationContext, pathOverride: String?) throws(DeclarativeError) -> String {
        let base = try definition.urlBase.map { template throws(DeclarativeError) in PythonValueText.str(try evaluate(template, context, at: "url_base")) } ?? ""
        let url = try definition.url.map { template throws(DeclarativeError) in PythonValueText.str(try evaluate(template, context, at: "url")) } ?? ""
        var path = pathOverride
        if path == nil, let template = definition.path {
            path = String(PythonValueText.str(try evaluate(template, context, at: "path")).drop { $0 == "/" })
        }
        func join(_ base: String, _ path: String?) -> String {
            guard let path, !path.isEmpty else { return base }
            return URLEncoding.join(base.hasSuffix("/") ? base : base + "/", path)
        }
        if !base.isEmpty { return join(base, path) }
        if let path, !path.isEmpty { return join(url, path) }
        guard !url.isEmpty else { throw DeclarativeError.config("The requester's URL is empty: check url_base, url and path") }
        return url
    }

    private func applyBody(context: InterpolationContext, into options: inout RequestOptions) throws(DeclarativeError) {
        switch definition.body {
        case nil: break
        case .json(let mapping):
            do {
                let value = try mapping.eval(context)
                if case .object(let object) = value { options.bodyJSON = object }
            } catch {
                throw DeclarativeError.interpolation(error, at: "request_body_json")
            }
        case .jsonTemplate(let template):
            let value = try evaluate(template, context, at: "request_body_json")
            if case .object(let object) = value {
                options.bodyJSON = object
            } else if case .string(let text) = value, !text.isEmpty {
                throw DeclarativeError.config("Request body json cannot be a string")
            }
        case .form(let mapping):
            switch mapping {
            case .mapping:
                options.bodyData = try evaluate(mapping, context, at: "request_body_data", validValueTypes: [.string, .list]) ?? [:]
            case .template(let template):
                let value = try evaluate(template, context, at: "request_body_data")
                if case .object(let object) = value { options.bodyData = object } else if case .string(let text) = value, !text.isEmpty { options.bodyText = text }
            }
        case .text(let template):
            options.bodyText = PythonValueText.str(try evaluate(template, context, at: "request_body"))
        case .graphQL(let value):
            if case .object(let object) = value { options.bodyJSON = object.filter { !$0.value.isNull } }
        }
    }

    /// The wire request, encoded as `requests` encodes it.
    static func request(method: String, url: String, options: RequestOptions) throws(DeclarativeError) -> HTTPRequest {
        var fullURL = URLEncoding.requote(url)
        // Parameters already in the URL with the same value are not repeated.
        let existing = URLEncoding.queryPairs(of: fullURL)
        var parameters = options.parameters
        for (key, value) in existing where parameters[key].map(PythonValueText.str) == value {
            parameters.removeValue(forKey: key)
        }
        let query = URLEncoding.formEncode(FormEncoding.pairs(parameters))
        if !query.isEmpty {
            if let hash = fullURL.firstIndex(of: "#") { fullURL = String(fullURL[..<hash]) }
            fullURL += fullURL.contains("?") ? (fullURL.hasSuffix("?") || fullURL.hasSuffix("&") ? "" : "&") + query : "?" + query
        }
        var request = HTTPRequest(method: method, url: fullURL)
        for (name, value) in options.headers where !value.isNull {
            request.headers.append((name, PythonValueText.str(value)))
        }
        if !options.bodyJSON.isEmpty {
            guard options.bodyData.isEmpty && options.bodyText == nil else {
                throw DeclarativeError.config("At the same time only one of the 'request_body_data' and 'request_body_json' functions can return data")
            }
            let text = (try? PythonJSON.dumps(JinjaValue(.object(options.bodyJSON)))) ?? JSONWriter.string(from: .object(options.bodyJSON))
            request.body = Array(text.utf8)
            if request.header("Content-Type") == nil { request.headers.append(("Content-Type", "application/json")) }
        } else if let text = options.bodyText {
            request.body = Array(text.utf8)
        } else if !options.bodyData.isEmpty {
            request.body = Array(URLEncoding.formEncode(FormEncoding.pairs(options.bodyData)).utf8)
            if request.header("Content-Type") == nil { request.headers.append(("Content-Type", "application/x-www-form-urlencoded")) }
        }
        return request
    }
}

extension RequestOptions {
    init(_ auth: AuthOptions) {
        self.init()
        parameters = auth.parameters
        headers = auth.headers
        bodyData = auth.bodyData
        bodyJSON = auth.bodyJSON
    }
}
