import Foundation
public import JWTKit
import Synchronization

/// Who a request comes from: the tenants its token names and the permissions it grants.
public struct Identity: Sendable {
    public var subject: String?
    public var tenants: [String]
    public var permissions: Set<String>
}

/// Why a token was refused (401); the message never quotes the token.
struct TokenRefused: Error, CustomStringConvertible {
    var description: String
}

/// Verifies bearer tokens: the signature with the configured keys (algorithms pinned per key, so a
/// token signed `none` or with another algorithm finds no key), then `exp`, `nbf`, `iss` and `aud`
/// with a leeway, then reads the tenant and permission claims.
public struct TokenVerifier: Sendable {
    public var issuer: String
    public var audience: String
    public var tenantClaim: String
    public var permissionsClaim: String
    public var leeway: Double
    let keys: JWTKeyCollection
    /// Tokens already verified, with what they grant: a client sends the same token many times, and
    /// checking its signature and claims each time would cost more than the request.
    private let verified = VerifiedTokens()
    /// Where public keys are fetched again from when a token names a key not yet known.
    let keySource: JWKSSource?

    public init(issuer: String, audience: String, keys: JWTKeyCollection, keySource: JWKSSource? = nil, tenantClaim: String = "tenant_id",
                permissionsClaim: String = "permissions", leeway: Double = 30) {
        self.keySource = keySource
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.tenantClaim = tenantClaim
        self.permissionsClaim = permissionsClaim
        self.leeway = leeway
    }

    func identity(bearer token: String, now: Date = Date()) async throws(TokenRefused) -> Identity {
        if let known = verified.identity(for: token, at: now.timeIntervalSince1970) { return known }
        let identity = try await verify(token, now: now)
        return identity
    }

    private func verify(_ token: String, now: Date) async throws(TokenRefused) -> Identity {
        let claims: ClaimSet
        do { claims = try await keys.verify(token, as: ClaimSet.self) } catch {
            // A key rotated in since the keys were fetched: fetch them again (at most so often) and retry once.
            guard let keySource, await keySource.refresh(into: keys),
                  let retried = try? await keys.verify(token, as: ClaimSet.self) else {
                throw TokenRefused(description: "the token's signature or form is invalid")
            }
            claims = retried
        }
        let time = now.timeIntervalSince1970
        guard let expiry = claims.values["exp"]?.number else { throw TokenRefused(description: "the token has no expiry (exp)") }
        guard expiry + leeway > time else { throw TokenRefused(description: "the token has expired") }
        if let notBefore = claims.values["nbf"]?.number, notBefore - leeway > time {
            throw TokenRefused(description: "the token is not valid yet (nbf)")
        }
        guard claims.values["iss"]?.string == issuer else { throw TokenRefused(description: "the token's issuer is not accepted") }
        guard claims.values["aud"]?.strings.contains(audience) == true else {
            throw TokenRefused(description: "the token is not meant for this service (aud)")
        }
        let tenants = claims.values[tenantClaim]?.strings ?? []
        var permissions = Set(claims.values[permissionsClaim]?.strings ?? [])
        if let scope = claims.values["scope"]?.string {
            permissions.formUnion(scope.split(separator: " ").map(String.init))
        }
        if permissionsClaim == "scope", let scope = claims.values["scope"]?.string {
            permissions = Set(scope.split(separator: " ").map(String.init))
        }
        let identity = Identity(subject: claims.values["sub"]?.string, tenants: tenants, permissions: permissions)
        verified.keep(token, identity, until: expiry + leeway)
        return identity
    }
}

/// Verified tokens until they expire, at most `capacity` of them (the oldest go first).
final class VerifiedTokens: Sendable {
    private struct Entry {
        var identity: Identity
        var expiry: Double
    }

    private static let capacity = 4096
    private let entries = Mutex<(byToken: [String: Entry], order: [String])>(([:], []))

    func identity(for token: String, at time: Double) -> Identity? {
        entries.withLock { entries in
            guard let entry = entries.byToken[token], entry.expiry > time else { return nil }
            return entry.identity
        }
    }

    func keep(_ token: String, _ identity: Identity, until expiry: Double) {
        entries.withLock { entries in
            if entries.byToken.updateValue(Entry(identity: identity, expiry: expiry), forKey: token) == nil { entries.order.append(token) }
            if entries.order.count > Self.capacity {
                let excess = entries.order.count - Self.capacity / 2
                for token in entries.order.prefix(excess) { entries.byToken[token] = nil }
                entries.order.removeFirst(excess)
            }
        }
    }
}

/// A token's claims, whatever their names.
struct ClaimSet: JWTPayload {
    var values: [String: ClaimValue]

    init(values: [String: ClaimValue]) {
        self.values = values
    }

    init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: ClaimValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    /// Claims are checked by `TokenVerifier`, with the service's issuer, audience and leeway.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// One claim's value.
enum ClaimValue: Codable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([ClaimValue])
    case other

    var string: String? { if case .string(let text) = self { text } else { nil } }
    var number: Double? { if case .number(let value) = self { value } else { nil } }
    /// A string, or the strings of a list.
    var strings: [String] {
        switch self {
        case .string(let text): [text]
        case .list(let items): items.compactMap(\.string)
        default: []
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let items = try? container.decode([ClaimValue].self) {
            self = .list(items)
        } else {
            self = .other
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let value): try container.encode(value)
        case .bool(let flag): try container.encode(flag)
        case .list(let items): try container.encode(items)
        case .other: try container.encodeNil()
        }
    }
}

/// A JWKS document at a URL: fetched at start, and again when a token names an unknown key, at
/// most once per `minimumInterval` (so that tokens with made-up keys cannot make the service
/// hammer the key server).
public actor JWKSSource {
    let url: String
    let minimumInterval: Double
    private var lastFetch: Double = 0
    private let fetch: @Sendable (String) async throws -> String

    public init(url: String, minimumInterval: Double, fetch: @escaping @Sendable (String) async throws -> String) {
        self.url = url
        self.minimumInterval = minimumInterval
        self.fetch = fetch
    }

    /// Fetches the keys into `keys`; false when it is too soon to fetch again, or the fetch failed.
    func refresh(into keys: JWTKeyCollection) async -> Bool {
        let now = Date().timeIntervalSince1970
        guard now - lastFetch >= minimumInterval else { return false }
        lastFetch = now
        guard let document = try? await fetch(url) else { return false }
        return (try? await keys.add(jwksJSON: document)) != nil
    }

    /// The first fetch, at start: its failure stops the service.
    func load(into keys: JWTKeyCollection) async throws {
        lastFetch = Date().timeIntervalSince1970
        try await keys.add(jwksJSON: try await fetch(url))
    }
}
