import Foundation
import InletHTTP
import InletJSON
import JWTKit

/// `--auth-config`: who may call the service. `{"issuer", "audience", "hs256_secret"}`, or
/// `"jwks_file"` or `"jwks_url"` instead of the secret (RS256/ES256 public keys; the URL's keys are
/// fetched again when a token names an unknown key, at most every `jwks_refresh_seconds`, 60), with optional `tenant_claim`
/// (default `tenant_id`), `permissions_claim` (default `permissions`) and `leeway_seconds` (30).
public enum AuthSettings {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func verifier(configPath path: String) async throws(Invalid) -> TokenVerifier {
        let document: JSONValue
        do { document = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) } catch {
            throw Invalid(description: "auth config \(path) cannot be read as JSON: \(error)")
        }
        func text(_ key: String) -> String? { document[key]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
        guard let issuer = text("issuer"), let audience = text("audience") else {
            throw Invalid(description: "auth config \(path): 'issuer' and 'audience' are required")
        }
        let keys = JWTKeyCollection()
        var keySource: JWKSSource?
        if let secret = text("hs256_secret") {
            guard secret.utf8.count >= 32 else { throw Invalid(description: "auth config \(path): 'hs256_secret' must be at least 32 bytes") }
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        } else if let file = text("jwks_file") {
            let jwks: String
            do { jwks = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw Invalid(description: "auth config \(path): jwks_file \(file) cannot be read")
            }
            do { try await keys.add(jwksJSON: jwks) } catch {
                throw Invalid(description: "auth config \(path): jwks_file \(file) holds no usable keys: \(error)")
            }
        } else if let url = text("jwks_url") {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw Invalid(description: "auth config \(path): jwks_url must be an http(s) URL")
            }
            let source = JWKSSource(url: url, minimumInterval: document["jwks_refresh_seconds"]?.doubleValue ?? 60, fetch: Self.fetch)
            do { try await source.load(into: keys) } catch {
                throw Invalid(description: "auth config \(path): the keys at jwks_url \(url) cannot be loaded: \(error)")
            }
            keySource = source
        } else {
            throw Invalid(description: "auth config \(path): a key is required ('hs256_secret', 'jwks_file' or 'jwks_url')")
        }
        return TokenVerifier(issuer: issuer, audience: audience, keys: keys, keySource: keySource, tenantClaim: text("tenant_claim") ?? "tenant_id",
                             permissionsClaim: text("permissions_claim") ?? "permissions",
                             leeway: document["leeway_seconds"]?.doubleValue ?? 30)
    }

    /// A JWKS document by HTTP GET.
    @Sendable static func fetch(_ url: String) async throws -> String {
        let session = HTTPSession(timeouts: .init(connect: .seconds(10), read: .seconds(10)))
        let response: HTTPResponse
        do { response = try await session.send(HTTPRequest(url: url)) } catch {
            await session.shutdown()
            throw error
        }
        await session.shutdown()
        guard (200..<300).contains(response.status) else { throw Invalid(description: "HTTP \(response.status) from \(url)") }
        return String(decoding: response.body, as: UTF8.self)
    }

    /// For local use only: a fresh HS256 secret, and a token for `tenant` with every permission,
    /// valid for a day.
    public static func insecureDevelopment(tenant: String) async throws -> (verifier: TokenVerifier, secret: String, token: String) {
        let secret = (0..<4).map { _ in UUID().uuidString.replacingOccurrences(of: "-", with: "") }.joined()
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        let verifier = TokenVerifier(issuer: "inlet-dev", audience: "inlet", keys: keys)
        let now = Date().timeIntervalSince1970
        let token = try await keys.sign(ClaimSet(values: [
            "iss": .string("inlet-dev"), "aud": .string("inlet"), "sub": .string("developer"), "tenant_id": .string(tenant),
            "permissions": .list([.string(Permission.read), .string(Permission.manage)]),
            "iat": .number(now.rounded(.down)), "exp": .number((now + 86400).rounded(.down)),
        ]))
        return (verifier, secret, token)
    }
}

enum Permission {
    static let read = "data:ingestion:read"
    static let manage = "data:ingestion:manage"
    /// Runs jobs on an orchestrator's workers (`inlet run-job`): gets job tokens, nothing else.
    static let run = "data:ingestion:run"
}
