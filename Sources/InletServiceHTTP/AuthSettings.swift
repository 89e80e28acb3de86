import Foundation
import InletJSON
public import JWTKit

/// `--auth-config`: who may call the service. `{"issuer", "audience", "hs256_secret"}` or
/// `{"issuer", "audience", "jwks_file"}` (RS256/ES256 public keys), with optional `tenant_claim`
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
        } else {
            throw Invalid(description: "auth config \(path): a key is required ('hs256_secret' or 'jwks_file')")
        }
        return TokenVerifier(issuer: issuer, audience: audience, keys: keys, tenantClaim: text("tenant_claim") ?? "tenant_id",
                             permissionsClaim: text("permissions_claim") ?? "permissions",
                             leeway: document["leeway_seconds"]?.doubleValue ?? 30)
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
}
