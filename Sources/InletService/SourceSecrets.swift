import InletJSON
import InletJSONSchema
import InletPipeline

/// A source config's secrets (the spec's `airbyte_secret` values): sealed with the key store at
/// rest, masked in every answer, opened only to run the connector.
struct SourceSecrets {
    static let mask = "**********"
    static let keyName = "service-secrets"

    let specification: JSONValue
    let keyStore: KeyStore

    func sealed(_ config: JSONObject) throws(ServiceError) -> JSONObject {
        try map(config) { value throws(ServiceError) in
            if case .string(let text) = value, text.hasPrefix("inlet:v1:") { return value }
            do { return .string(try keyStore.encrypt(value, keyName: Self.keyName)) } catch {
                throw ServiceError(.internal, "sealing a secret failed: \(error)")
            }
        }
    }

    func opened(_ config: JSONObject) throws(ServiceError) -> JSONObject {
        try map(config) { value throws(ServiceError) in
            guard case .string(let text) = value, text.hasPrefix("inlet:v1:") else { return value }
            do { return try keyStore.decrypt(text) } catch {
                throw ServiceError(.internal, "a stored secret cannot be opened (was the key store replaced?)")
            }
        }
    }

    func masked(_ config: JSONObject) -> JSONObject {
        map(config) { _ in .string(Self.mask) }
    }

    /// `update` over `stored` (both open): members it omits are kept, a secret sent back masked
    /// keeps the stored secret, and `null` removes a member.
    func merged(_ update: JSONObject, over stored: JSONObject) -> JSONObject {
        let kept = AirbyteSecrets.mapSecrets(in: .object(update), specification: specification) { value in
            value == .string(Self.mask) ? .string(Self.keepMarker) : value
        }
        return Self.merge(kept.objectValue ?? update, over: stored)
    }

    /// A value no config holds, standing for "the stored secret" while merging.
    private static let keepMarker = "\u{0}inlet-keep-stored-secret\u{0}"

    private static func merge(_ update: JSONObject, over stored: JSONObject) -> JSONObject {
        var result = stored
        for (key, value) in update {
            switch value {
            case .null:
                result.removeValue(forKey: key)
            case .string(keepMarker):
                if stored[key] == nil { result.removeValue(forKey: key) }
            case .object(let object):
                if case .object(let storedObject)? = stored[key] {
                    result[key] = .object(merge(object, over: storedObject))
                } else {
                    result[key] = .object(merge(object, over: [:]))
                }
            default:
                result[key] = value
            }
        }
        return result
    }

    private func map<Failure: Error>(_ config: JSONObject, _ transform: (JSONValue) throws(Failure) -> JSONValue) throws(Failure) -> JSONObject {
        try AirbyteSecrets.mapSecrets(in: .object(config), specification: specification, transform).objectValue ?? config
    }
}
