import InletHTTP
import InletInterpolation
import InletJSON
import InletProtocol

/// Logs in with the manifest's login requester, keeps the session token until it expires, and
/// sends it as an API key or bearer token.
actor SessionTokenRuntime: AuthenticatorRuntime {
    let definition: SessionTokenAuthenticator
    private var token: String?
    private var expiresAt: Int64 = .min

    init(definition: SessionTokenAuthenticator) {
        self.definition = definition
    }

    func invalidate() {
        expiresAt = .min
    }

    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions {
        let current = try await currentToken(session: session)
        var options = AuthOptions()
        switch definition.requestAuthentication {
        case let apiKey as SessionTokenRequestApiKeyAuthenticator:
            try options.add(apiKey.injectInto, .string(current), context: session.context(hasToken: false))
        default:
            options.headers["Authorization"] = .string("Bearer \(current)")
        }
        return options
    }

    private func currentToken(session: ReadSession) async throws(DeclarativeError) -> String {
        let now = SystemClock.microsecondsSinceEpoch()
        if let token, now < expiresAt { return token }
        let requester = try RequesterRuntime(definition: definition.loginRequester, streamName: "session token login", session: session)
        guard let response = try await requester.send(slice: .empty, nextPageToken: nil, pathOverride: nil, extra: RequestOptions(), session: session),
              let body = try? JSONParser.parse(response.body, options: .pythonCompatible)
        else {
            throw DeclarativeError.config("The session token login did not return a JSON body.")
        }
        var value: JSONValue? = body
        for key in definition.sessionTokenPath { value = value?[key] }
        guard let found = value, !found.isNull else {
            throw DeclarativeError.config("The session token login response has nothing at \(definition.sessionTokenPath.joined(separator: "."))")
        }
        let newToken = PythonValueText.str(found)
        token = newToken
        if let duration = definition.expirationDuration, let delta = try? ISODuration.parse(duration) {
            expiresAt = now + delta.microseconds
        } else {
            expiresAt = .max
        }
        return newToken
    }
}

/// The older session-token flow with a login URL, a validation URL and a header.
actor LegacySessionTokenRuntime: AuthenticatorRuntime {
    let definition: LegacySessionTokenAuthenticator
    let urlBase: InterpolatedString?
    private var token: String?

    init(definition: LegacySessionTokenAuthenticator, urlBase: InterpolatedString?) {
        self.definition = definition
        self.urlBase = urlBase
    }

    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions {
        let context = session.context(hasToken: false)
        let header = PythonValueText.str(try evaluate(definition.header, context, at: "header"))
        if token == nil {
            token = try await obtainToken(header: header, context: context, session: session)
        }
        var options = AuthOptions()
        options.headers[header] = .string(token ?? "")
        return options
    }

    /// The CDK's flow: a configured session token if the validation URL accepts it (a 401 means
    /// "log in instead"), else a new token from logging in with username and password.
    private func obtainToken(header: String, context: InterpolationContext, session: ReadSession) async throws(DeclarativeError) -> String {
        let apiURL = try urlBase.map { template throws(DeclarativeError) in PythonValueText.str(try evaluate(template, context, at: "url_base")) } ?? ""
        if let given = definition.sessionToken {
            let value = try evaluate(given, context, at: "session_token")
            if ComponentTransformer.isTruthy(value) {
                let text = PythonValueText.str(value)
                let url = apiURL + PythonValueText.str(try evaluate(definition.validateSessionURL, context, at: "validate_session_url"))
                let request = HTTPRequest(method: "GET", url: URLEncoding.requote(url), headers: [(header, text)])
                let response: HTTPResponse
                do {
                    response = try await session.http.send(request)
                } catch {
                    throw DeclarativeError.config("Error while validating session token: \(error.detail)")
                }
                if response.isSuccess { return text }
                if response.status != 401 {
                    throw DeclarativeError.config("Error while validating session token: HTTP \(response.status) from \(url)")
                }
                await session.log(.info, "Unable to connect by session token from config: HTTP 401")
            }
        }
        let username = try definition.username.map { template throws(DeclarativeError) in try evaluate(template, context, at: "username") } ?? .null
        let password = try definition.password.map { template throws(DeclarativeError) in try evaluate(template, context, at: "password") } ?? .null
        guard ComponentTransformer.isTruthy(username), ComponentTransformer.isTruthy(password) else {
            throw DeclarativeError.config("Invalid credentials: session token is not valid or provide username and password")
        }
        let url = apiURL + PythonValueText.str(try evaluate(definition.loginURL, context, at: "login_url"))
        let body = JSONWriter.bytes(from: .object(["username": username, "password": password]))
        let request = HTTPRequest(method: "POST", url: URLEncoding.requote(url), headers: [("Content-Type", "application/json")], body: body)
        let response: HTTPResponse
        do {
            response = try await session.http.send(request)
        } catch {
            throw DeclarativeError(.transientError, "The session token login request failed.", internalMessage: error.description)
        }
        guard response.isSuccess, let parsed = try? JSONParser.parse(response.body, options: .pythonCompatible) else {
            throw DeclarativeError.config("The session token login was rejected (HTTP \(response.status)).")
        }
        let key = PythonValueText.str(try evaluate(definition.sessionTokenResponseKey, context, at: "session_token_response_key"))
        guard let value = parsed[key], !value.isNull else {
            throw DeclarativeError.config("The session token login response has no '\(key)'.")
        }
        return PythonValueText.str(value)
    }
}
