import InletHTTP
import InletInterpolation
import InletJSON
import InletProtocol

/// What an authenticator adds to a request.
struct AuthOptions: Sendable {
    var headers = JSONObject()
    var parameters = JSONObject()
    var bodyData = JSONObject()
    var bodyJSON = JSONObject()

    mutating func add(_ option: RequestOption, _ value: JSONValue, context: InterpolationContext) throws(DeclarativeError) {
        var scratch = RequestOptions()
        try scratch.inject(option, value: value, context: context)
        for (key, member) in scratch.headers { headers[key] = member }
        for (key, member) in scratch.parameters { parameters[key] = member }
        for (key, member) in scratch.bodyData { bodyData[key] = member }
        for (key, member) in scratch.bodyJSON { bodyJSON[key] = member }
    }
}

/// An authenticator of the manifest, ready to authenticate requests.
protocol AuthenticatorRuntime: Sendable {
    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions
    /// Forget a cached token (after the API rejected it), so the next request gets a fresh one.
    func invalidate() async
}

extension AuthenticatorRuntime {
    func invalidate() async {}
}

enum Authenticators {
    /// `urlBase` is the requester's, which the legacy session-token flow prefixes to its URLs.
    static func runtime(for component: (any ManifestComponent)?, urlBase: InterpolatedString? = nil,
                        session: ReadSession) throws(DeclarativeError) -> any AuthenticatorRuntime {
        switch component {
        case nil, is NoAuth: return NoAuthRuntime()
        case let apiKey as ApiKeyAuthenticator: return ApiKeyRuntime(definition: apiKey)
        case let bearer as BearerAuthenticator: return BearerRuntime(definition: bearer)
        case let basic as BasicHttpAuthenticator: return BasicRuntime(definition: basic)
        case let oauth as OAuthAuthenticator:
            let key = ["oauth", oauth.tokenRefreshEndpoint?.string, oauth.clientID?.string, oauth.refreshToken?.string,
                       oauth.grantType.string, oauth.accessTokenValue?.string].map { $0 ?? "" }.joined(separator: "\u{1}")
            return session.sharedAuthenticator(key) { OAuthRuntime(definition: oauth) }
        case let jwt as JwtAuthenticator: return JwtRuntime(definition: jwt)
        case let selective as SelectiveAuthenticator:
            var choices: [(String, any AuthenticatorRuntime)] = []
            for (name, authenticator) in selective.authenticators {
                choices.append((name, try runtime(for: authenticator, urlBase: urlBase, session: session)))
            }
            return try SelectiveRuntime(definition: selective, choices: choices, config: session.config)
        case let sessionToken as SessionTokenAuthenticator:
            let login = sessionToken.loginRequester
            let key = ["session", login.urlBase?.string, login.url?.string, login.path?.string, sessionToken.sessionTokenPath.joined(separator: "/")]
                .map { $0 ?? "" }.joined(separator: "\u{1}")
            return session.sharedAuthenticator(key) { SessionTokenRuntime(definition: sessionToken) }
        case let legacy as LegacySessionTokenAuthenticator:
            let key = ["legacy-session", urlBase?.string, legacy.loginURL.string, legacy.username?.string, legacy.sessionToken?.string]
                .map { $0 ?? "" }.joined(separator: "\u{1}")
            return session.sharedAuthenticator(key) { LegacySessionTokenRuntime(definition: legacy, urlBase: urlBase) }
        case let custom as CustomComponent: throw DeclarativeError.config(custom.reason)
        case let unsupported as UnsupportedComponent: throw DeclarativeError.config(unsupported.reason)
        default: throw DeclarativeError.system("unsupported authenticator \(type(of: component!))")
        }
    }
}

struct NoAuthRuntime: AuthenticatorRuntime {
    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions { AuthOptions() }
}

struct ApiKeyRuntime: AuthenticatorRuntime {
    let definition: ApiKeyAuthenticator

    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions {
        let context = session.context(hasToken: false)
        let token = PythonValueText.str(try evaluate(definition.apiToken, context, at: "api_token"))
        var options = AuthOptions()
        if let injectInto = definition.injectInto {
            try options.add(injectInto, .string(token), context: context)
        } else if let header = definition.header {
            options.headers[PythonValueText.str(try evaluate(header, context, at: "header"))] = .string(token)
        }
        return options
    }
}

struct BearerRuntime: AuthenticatorRuntime {
    let definition: BearerAuthenticator

    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions {
        let token = PythonValueText.str(try evaluate(definition.apiToken, session.context(hasToken: false), at: "api_token"))
        var options = AuthOptions()
        options.headers["Authorization"] = .string("Bearer \(token)")
        return options
    }
}

struct BasicRuntime: AuthenticatorRuntime {
    let definition: BasicHttpAuthenticator

    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions {
        let context = session.context(hasToken: false)
        let username = PythonValueText.str(try evaluate(definition.username, context, at: "username"))
        var password = ""
        if let template = definition.password {
            let value = try evaluate(template, context, at: "password")
            password = value.isNull ? "" : PythonValueText.str(value)
        }
        var options = AuthOptions()
        options.headers["Authorization"] = .string("Basic " + Base64.encode(Array("\(username):\(password)".utf8)))
        return options
    }
}

struct SelectiveRuntime: AuthenticatorRuntime {
    let selected: any AuthenticatorRuntime

    init(definition: SelectiveAuthenticator, choices: [(String, any AuthenticatorRuntime)], config: JSONObject) throws(DeclarativeError) {
        var value: JSONValue? = .object(config)
        for key in definition.authenticatorSelectionPath { value = value?[key] }
        guard let name = value?.stringValue ?? value.map(PythonValueText.str) else {
            throw DeclarativeError.config("The path from `authenticator_selection_path` is not found in the config.")
        }
        guard let choice = choices.first(where: { $0.0 == name }) else {
            throw DeclarativeError.config("The authenticator `\(name)` is not found.")
        }
        selected = choice.1
    }

    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions {
        try await selected.options(session: session)
    }

    func invalidate() async { await selected.invalidate() }
}
