public import InletJSON

/// Finds the values of a config that its spec marks `airbyte_secret`, so they can be masked wherever
/// text leaves the process (logs, errors, traces).
public enum AirbyteSecrets {
    /// The secret string values present in `config`, longest first so that masking one never leaves
    /// a piece of a longer one visible.
    public static func values(in config: JSONValue, specification: JSONValue) -> [String] {
        var found: Set<String> = []
        collect(config, schema: specification, into: &found)
        return found.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// Replaces every occurrence of each secret in `text` with `****`.
    public static func mask(_ text: String, secrets: [String]) -> String {
        var masked = text
        for secret in secrets where !secret.isEmpty && masked.contains(secret) {
            masked = masked.replacing(secret, with: "****")
        }
        return masked
    }

    /// `config` with each value its spec marks `airbyte_secret` replaced by `transform`'s answer
    /// (sealed for storage, masked for display, opened for use).
    public static func mapSecrets<Failure: Error>(in config: JSONValue, specification: JSONValue,
                                                  _ transform: (JSONValue) throws(Failure) -> JSONValue) throws(Failure) -> JSONValue {
        guard case .object(let keywords) = specification else { return config }
        if keywords["airbyte_secret"] == .bool(true) { return config.isNull ? config : try transform(config) }
        var result = config
        if case .object(var object) = config, case .object(let properties) = keywords["properties"] {
            for (key, member) in object {
                if let propertySchema = properties[key] {
                    object[key] = try mapSecrets(in: member, specification: propertySchema, transform)
                }
            }
            result = .object(object)
        }
        if case .array(let elements) = result, let items = keywords["items"] {
            var mapped: [JSONValue] = []
            for element in elements { mapped.append(try mapSecrets(in: element, specification: items, transform)) }
            result = .array(mapped)
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            guard case .array(let branches) = keywords[combinator] else { continue }
            for branch in branches {
                result = try mapSecrets(in: result, specification: branch, transform)
            }
        }
        return result
    }

    /// The dotted paths of the members a spec marks `airbyte_secret` (through nested objects,
    /// array items as `[]`, and `oneOf`/`anyOf`/`allOf` branches), sorted.
    public static func paths(in specification: JSONValue) -> [String] {
        var found: Set<String> = []
        collectPaths(specification, at: "", into: &found)
        return found.sorted()
    }

    private static func collectPaths(_ schema: JSONValue, at path: String, into found: inout Set<String>) {
        guard case .object(let keywords) = schema else { return }
        if keywords["airbyte_secret"] == .bool(true), !path.isEmpty { found.insert(path) }
        if case .object(let properties) = keywords["properties"] {
            for (key, member) in properties { collectPaths(member, at: path.isEmpty ? key : path + "." + key, into: &found) }
        }
        if let items = keywords["items"] { collectPaths(items, at: path + "[]", into: &found) }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            guard case .array(let branches) = keywords[combinator] else { continue }
            for branch in branches { collectPaths(branch, at: path, into: &found) }
        }
    }

    private static func collect(_ value: JSONValue, schema: JSONValue, into found: inout Set<String>) {
        guard case .object(let keywords) = schema else { return }
        if keywords["airbyte_secret"] == .bool(true) {
            addStrings(of: value, into: &found)
            return
        }
        if case .object(let object) = value, case .object(let properties) = keywords["properties"] {
            for (key, member) in object {
                if let propertySchema = properties[key] {
                    collect(member, schema: propertySchema, into: &found)
                }
            }
        }
        if case .array(let elements) = value, let items = keywords["items"] {
            for element in elements {
                collect(element, schema: items, into: &found)
            }
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            guard case .array(let branches) = keywords[combinator] else { continue }
            for branch in branches {
                collect(value, schema: branch, into: &found)
            }
        }
    }

    private static func addStrings(of value: JSONValue, into found: inout Set<String>) {
        switch value {
        case .string(let string): found.insert(string)
        case .int, .double, .bigNumber: found.insert(value.description)
        case .array(let elements): elements.forEach { addStrings(of: $0, into: &found) }
        case .object(let object): object.values.forEach { addStrings(of: $0, into: &found) }
        default: break
        }
    }
}
