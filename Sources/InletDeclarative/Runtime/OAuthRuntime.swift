import InletHTTP
import InletInterpolation
import InletJSON
import InletProtocol

/// OAuth 2.0 tokens: obtained on first use, refreshed when expired (or rejected), one refresh at a
/// time however many streams share the authenticator. A rotated refresh token is kept and reported in a CONTROL message with the new config, so
/// a single-use refresh token is never lost.
actor OAuthRuntime: AuthenticatorRuntime {
    let definition: OAuthAuthenticator
    private var accessToken: String?
    private var expiresAt: Int64 = .min
    private var configOverride: JSONObject?
    /// The refresh token the server handed back last. Kept for the rest of the run even without a
    /// `refresh_token_updater`, so a provider that rotates single-use refresh tokens does not make
    /// the next refresh fail (the CDK would send the spent token again).
    private var rotatedRefreshToken: String?
    /// The refresh under way: requests that find the token expired meanwhile wait for it rather
    /// than send a second refresh (with a single-use refresh token, the second would be refused).
    private var refreshInFlight: Task<Result<String, DeclarativeError>, Never>?

    init(definition: OAuthAuthenticator) {
        self.definition = definition
    }

    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions {
        let token = try await currentToken(session: session)
        var options = AuthOptions()
        options.headers["Authorization"] = .string("Bearer \(token)")
        return options
    }

    func invalidate() {
        if definition.tokenRefreshEndpoint != nil { expiresAt = .min }
    }

    private func currentToken(session: ReadSession) async throws(DeclarativeError) -> String {
        let now = SystemClock.microsecondsSinceEpoch()
        if let accessToken, now < expiresAt { return accessToken }
        var context = session.context(hasToken: false)
        if let configOverride { context[.config] = .jsonObject(configOverride) }
        if definition.tokenRefreshEndpoint == nil, let fixed = definition.accessTokenValue {
            let token = PythonValueText.str(try evaluate(fixed, context, at: "access_token_value"))
            accessToken = token
            expiresAt = .max
            return token
        }
        if accessToken == nil, let fixed = definition.accessTokenValue, let expiry = definition.tokenExpiryDate {
            // A token from the config stays in use until its expiry date.
            let token = PythonValueText.str(try evaluate(fixed, context, at: "access_token_value"))
            let expiryText = PythonValueText.str(try evaluate(expiry, context, at: "token_expiry_date"))
            if !token.isEmpty, let date = try? ISODateParser.parse(expiryText), date.utcMicroseconds > now {
                accessToken = token
                expiresAt = date.utcMicroseconds
                return token
            }
        }
        if let refreshInFlight { return try await refreshInFlight.value.get() }
        let refresh = Task { () async -> Result<String, DeclarativeError> in
            do throws(DeclarativeError) {
                return .success(try await self.refresh(session: session, context: context))
            } catch {
                return .failure(error)
            }
        }
        refreshInFlight = refresh
        let result = await refresh.value
        refreshInFlight = nil
        return try result.get()
    }

    private func refresh(session: ReadSession, context: InterpolationContext) async throws(DeclarativeError) -> String {
        guard let endpointTemplate = definition.tokenRefreshEndpoint else {
            throw DeclarativeError.config("OAuthAuthenticator has no token_refresh_endpoint and no access token")
        }
        let endpoint = PythonValueText.str(try evaluate(endpointTemplate, context, at: "token_refresh_endpoint"))
        guard !endpoint.isEmpty else { throw Self.refreshFailed("token_refresh_endpoint", template: endpointTemplate) }
        var headers = JSONObject()
        if let refreshHeaders = definition.refreshRequestHeaders {
            headers = try evaluate(refreshHeaders, context, at: "refresh_request_headers") ?? [:]
        }
        var payload = JSONObject()
        payload[text(definition.grantTypeName, context)] = .string(text(definition.grantType, context))
        if headers["Authorization"] == nil {
            // As the CDK: an empty client_id fails before anything is sent; an empty client_secret is
            // sent empty (some APIs allow it), with a warning.
            let clientID = definition.clientID.map { text($0, context) } ?? ""
            guard !clientID.isEmpty else { throw Self.refreshFailed("client_id", template: definition.clientID) }
            let clientSecret = definition.clientSecret.map { text($0, context) } ?? ""
            if clientSecret.isEmpty {
                await session.log(.warn, "OAuthAuthenticator was unable to evaluate client_secret parameter hence it'll be empty"
                    + Self.emptyTemplateHint(definition.clientSecret))
            }
            payload[text(definition.clientIDName, context)] = .string(clientID)
            payload[text(definition.clientSecretName, context)] = definition.clientSecret == nil ? .null : .string(clientSecret)
        }
        payload[text(definition.refreshTokenName, context)] = rotatedRefreshToken.map(JSONValue.string)
            ?? definition.refreshToken.map { .string(text($0, context)) } ?? .null
        if let scopes = definition.scopes, !scopes.isEmpty { payload["scopes"] = .array(scopes.map(JSONValue.string)) }
        if let body = definition.refreshRequestBody, let extra = try evaluate(body, context, at: "refresh_request_body") {
            for (key, value) in extra where payload[key] == nil { payload[key] = value }
        }
        let pairs = FormEncoding.pairs(payload)
        var request = HTTPRequest(method: "POST", url: endpoint)
        for (name, value) in headers { request.setHeader(name, PythonValueText.str(value)) }
        if definition.sendRefreshRequestAsQueryParameters {
            request.url = URLEncoding.requote(endpoint) + (endpoint.contains("?") ? "&" : "?") + URLEncoding.formEncode(pairs)
        } else {
            request.body = Array(URLEncoding.formEncode(pairs).utf8)
            request.setHeader("Content-Type", "application/x-www-form-urlencoded")
        }
        let response = try await sendRefresh(request, session: session)
        guard let body = try? JSONParser.parse(response.body, options: .pythonCompatible) else {
            throw DeclarativeError.system("OAuth access token refresh request failed.", internalMessage: "the token endpoint answered with a body that is not JSON")
        }
        let tokenName = text(definition.accessTokenName, context)
        guard let tokenValue = Self.find(tokenName, in: body), !tokenValue.isNull, tokenValue != .string("") else {
            throw DeclarativeError.system("OAuth access token refresh request failed.", internalMessage: "Token refresh API response was missing access token \(tokenName)")
        }
        let token = PythonValueText.str(tokenValue)
        accessToken = token
        let refreshName = definition.refreshTokenUpdater?.refreshTokenName ?? "refresh_token"
        if let rotated = Self.find(refreshName, in: body), case .string(let value) = rotated, !value.isEmpty {
            rotatedRefreshToken = value
        }
        let expiresIn = Self.find(text(definition.expiresInName, context), in: body)
        expiresAt = try expiry(from: expiresIn, context: context)
        try await updateConfig(body: body, token: token, session: session)
        return token
    }

    /// The CDK's failure for a refresh that cannot be built, naming the value that rendered empty.
    private static func refreshFailed(_ parameter: String, template: InterpolatedString?) -> DeclarativeError {
        DeclarativeError.system("OAuth access token refresh request failed.",
                                internalMessage: "Unexpected error during OAuth token refresh: OAuthAuthenticator was unable to evaluate \(parameter) parameter"
                                    + emptyTemplateHint(template))
    }

    /// ` ('{{ config['client_id'] }}' rendered empty)`: where the empty value came from.
    private static func emptyTemplateHint(_ template: InterpolatedString?) -> String {
        guard let template else { return " (not set in the manifest)" }
        return " ('\(template.string)' rendered empty: check the config value it reads)"
    }

    private func expiry(from value: JSONValue?, context: InterpolationContext) throws(DeclarativeError) -> Int64 {
        let now = SystemClock.microsecondsSinceEpoch()
        guard let value, !value.isNull else { return now + 3_600_000_000 }
        if let format = definition.tokenExpiryDateFormat {
            // The CDK parses the expiry date leniently (ISO 8601 or a Unix timestamp); the format
            // (often a pendulum pattern) only says that the value is a date, not seconds.
            let text = PythonValueText.str(value)
            if let date = try? ISODateParser.parse(text) { return date.utcMicroseconds }
            if let seconds = Double(text) { return Int64(seconds * 1_000_000) }
            if let date = try? DatetimeFormat.parse(text, format: format) { return date.utcMicroseconds }
            throw DeclarativeError.system("Invalid token expiry date format: \(text)")
        }
        let text = PythonValueText.str(value)
        guard let seconds = Double(text) else {
            throw DeclarativeError.system("Invalid expires_in value: \(text). Expected number of seconds when no format specified.")
        }
        return now + Int64(seconds) * 1_000_000
    }

    private func sendRefresh(_ request: HTTPRequest, session: ReadSession) async throws(DeclarativeError) -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await session.http.send(request)
                if response.status == 429 || response.status >= 500, attempt < 5 {
                    try? await session.sleep(Backoff.pow2(attempt - 1))
                    continue
                }
                guard response.isSuccess else {
                    let body = SecretMask.mask(String(response.bodyText.prefix(1000)), session.secrets)
                    let failure: FailureType = (400..<500).contains(response.status) && response.status != 429 ? .configError : .transientError
                    throw DeclarativeError(failure, "OAuth token refresh request is rejected by the token endpoint.",
                                           internalMessage: "HTTP \(response.status): \(body)")
                }
                return response
            } catch let error as HTTPTransportError {
                if attempt < 5 {
                    try? await session.sleep(Backoff.pow2(attempt - 1))
                    continue
                }
                throw DeclarativeError(.transientError, "OAuth access token refresh request failed due to a network error.", internalMessage: error.description)
            } catch let error as DeclarativeError {
                throw error
            } catch {
                throw DeclarativeError.system("OAuth access token refresh request failed.", internalMessage: String(describing: error))
            }
        }
    }

    /// With a `refresh_token_updater`, a rotated refresh token (and the new access token and its
    /// expiry) go into the config, which a CONTROL message hands to the platform to persist.
    private func updateConfig(body: JSONValue, token: String, session: ReadSession) async throws(DeclarativeError) {
        guard let updater = definition.refreshTokenUpdater else { return }
        var config = configOverride ?? session.config
        if let newRefreshToken = Self.find(updater.refreshTokenName, in: body), !newRefreshToken.isNull {
            config = Self.setting(config, updater.refreshTokenConfigPath, newRefreshToken)
        }
        config = Self.setting(config, updater.accessTokenConfigPath, .string(token))
        let expiry = PyDateTime(utcMicroseconds: expiresAt == .max ? SystemClock.microsecondsSinceEpoch() : expiresAt)
        config = Self.setting(config, updater.tokenExpiryDateConfigPath, .string(expiry.isoformat()))
        configOverride = config
        let control = AirbyteControlMessage(type: .connectorConfig, emittedAt: Double(SystemClock.microsecondsSinceEpoch()) / 1000, connectorConfig: config)
        await session.notify(AirbyteMessage(.control(control)))
    }

    static func setting(_ object: JSONObject, _ path: [String], _ value: JSONValue) -> JSONObject {
        guard let first = path.first else { return object }
        var copy = object
        if path.count == 1 {
            copy[first] = value
        } else {
            copy[first] = .object(setting(copy[first]?.objectValue ?? [:], Array(path.dropFirst()), value))
        }
        return copy
    }

    /// The value of `key` anywhere in the response, as the CDK searches nested responses.
    static func find(_ key: String, in value: JSONValue) -> JSONValue? {
        switch value {
        case .object(let object):
            if let found = object[key] { return found }
            for (_, member) in object {
                if let found = find(key, in: member) { return found }
            }
            return nil
        case .array(let elements):
            for element in elements {
                if let found = find(key, in: element) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    private func text(_ template: InterpolatedString, _ context: InterpolationContext) -> String {
        (try? template.eval(context)).map(PythonValueText.str) ?? template.string
    }
}

/// Form fields as `requests` encodes a dict: `None` values left out, lists repeated.
enum FormEncoding {
    static func pairs(_ object: JSONObject) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for (key, value) in object {
            switch value {
            case .null: continue
            case .array(let elements):
                for element in elements where !element.isNull { pairs.append((key, PythonValueText.str(element))) }
            default:
                pairs.append((key, PythonValueText.str(value)))
            }
        }
        return pairs
    }
}
