import Foundation
import InletHTTP
import InletJSON
import Synchronization

/// A bearer token from an OAuth2 token endpoint by the client-credentials grant, fetched when first
/// needed and again shortly before it expires, or when the server turned it down. The client
/// secret appears in no error and no log.
final class OAuthClientCredentials: Sendable {
    let tokenURL: String
    private let clientID: String
    private let clientSecret: String
    private let scope: String
    private let current = Mutex<(token: String, expires: Date)?>(nil)

    init(tokenURL: String, clientID: String, clientSecret: String, scope: String) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
    }

    /// A token valid for at least another minute (the server's clock and ours may differ a little).
    func token(using http: HTTPSession) throws(IcebergError) -> String {
        if let held = current.withLock({ $0 }), held.expires.timeIntervalSinceNow > 60 { return held.token }
        return try fetch(using: http)
    }

    /// Forgets the token the server turned down, so the next request fetches another.
    func discard(_ token: String) {
        current.withLock { held in
            if held?.token == token { held = nil }
        }
    }

    private func fetch(using http: HTTPSession) throws(IcebergError) -> String {
        let body = URLEncoding.formEncode([("grant_type", "client_credentials"), ("client_id", clientID),
                                           ("client_secret", clientSecret), ("scope", scope)])
        let request = HTTPRequest(method: "POST", url: tokenURL,
                                  headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                                  body: Array(body.utf8))
        let response: HTTPResponse
        do {
            response = try http.sendWaiting(request)
        } catch {
            throw .catalog("getting an OAuth2 token from \(tokenURL): \(error.detail)")
        }
        let json = try? JSONParser.parse(response.body)
        guard response.status == 200, let token = json?["access_token"]?.stringValue else {
            let reason = json?["error_description"]?.stringValue ?? json?["error"]?.stringValue
                ?? json?["error"]?["message"]?.stringValue ?? "no access_token in the answer"
            throw .catalog("getting an OAuth2 token from \(tokenURL) for client \(clientID): HTTP \(response.status): \(reason)")
        }
        // Without expires_in the token is used until the server turns it down.
        let lifetime = json?["expires_in"]?.intValue.map(Double.init) ?? 365 * 86_400
        current.withLock { $0 = (token, Date(timeIntervalSinceNow: lifetime)) }
        return token
    }
}
