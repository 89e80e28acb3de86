import Foundation
import InletJSON
import Yams

/// Loads YAML into `JSONValue` the way PyYAML's `SafeLoader` (the CDK's loader) reads it: YAML 1.1
/// scalars (`yes`/`no`/`on`/`off` are booleans, `0755` is octal, `1e3` is a string), merge keys
/// (`<<`), anchors, and a repeated key keeping its last value. Every node's line and column are kept.
enum YAMLLoader {
    struct Loaded {
        var value: JSONValue
        var sources: SourceTree
    }

    static func load(_ text: String, file: String?) throws(ManifestError) -> Loaded {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw describe(error, file: file)
        } catch {
            throw ManifestError("not valid YAML: \(error)", file: file)
        }
        guard let root else { throw ManifestError("the manifest is empty", file: file) }
        return try convert(root, file: file)
    }

    private static func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(line: 0, column: 0) }
        return SourceLocation(line: mark.line, column: mark.column)
    }

    private static func convert(_ node: Node, file: String?) throws(ManifestError) -> Loaded {
        switch node {
        case .scalar(let scalar):
            return Loaded(value: try resolveScalar(scalar, file: file, location: location(of: node)), sources: SourceTree(location: location(of: node)))
        case .sequence(let sequence):
            var values: [JSONValue] = []
            var sources: [SourceTree] = []
            for element in sequence {
                let loaded = try convert(element, file: file)
                values.append(loaded.value)
                sources.append(loaded.sources)
            }
            return Loaded(value: .array(values), sources: SourceTree(location: location(of: node), elements: sources))
        case .mapping(let mapping):
            // PyYAML puts merged members (`<<`) first, earlier mappings winning, then the mapping's own.
            var merged: [(JSONObject, [String: SourceTree])] = []
            var own: [(String, Loaded)] = []
            for (keyNode, valueNode) in mapping {
                let key = try keyText(keyNode, file: file)
                if key == "<<", case .scalar(let scalar) = keyNode, scalar.style == .plain {
                    merged += try mergeSources(valueNode, file: file)
                    continue
                }
                own.append((key, try convert(valueNode, file: file)))
            }
            var object = JSONObject(minimumCapacity: mapping.count)
            var sources: [String: SourceTree] = [:]
            for (mergedObject, mergedSources) in merged {
                for (key, value) in mergedObject where !object.contains(key: key) {
                    object[key] = value
                    if let source = mergedSources[key] { sources[key] = source }
                }
            }
            for (key, loaded) in own {
                object[key] = loaded.value
                sources[key] = loaded.sources
            }
            return Loaded(value: .object(object), sources: SourceTree(location: location(of: node), members: sources))
        }
    }

    private static func mergeSources(_ node: Node, file: String?) throws(ManifestError) -> [(JSONObject, [String: SourceTree])] {
        let candidates: [Node]
        if case .sequence(let sequence) = node { candidates = Array(sequence) } else { candidates = [node] }
        var result: [(JSONObject, [String: SourceTree])] = []
        for candidate in candidates {
            let loaded = try convert(candidate, file: file)
            guard case .object(let object) = loaded.value else {
                throw ManifestError("a merge key (<<) needs a mapping or a list of mappings", location: location(of: candidate), file: file)
            }
            result.append((object, loaded.sources.members))
        }
        return result
    }

    /// Mapping keys become strings, as JSON needs; PyYAML would keep `1` or `true` as such, and the
    /// CDK's lookups compare them with strings, so the text is what matters.
    private static func keyText(_ node: Node, file: String?) throws(ManifestError) -> String {
        guard case .scalar(let scalar) = node else {
            throw ManifestError("mapping keys must be scalars", location: location(of: node), file: file)
        }
        switch try resolveScalar(scalar, file: file, location: location(of: node)) {
        case .string(let text): return text
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        default: return scalar.string
        }
    }

    // MARK: - Scalars, as PyYAML's SafeLoader resolves and constructs them

    private static func resolveScalar(_ scalar: Node.Scalar, file: String?, location: SourceLocation) throws(ManifestError) -> JSONValue {
        let text = scalar.string
        switch scalar.tag.description {
        case "":
            return scalar.style == .plain ? implicitValue(text) : .string(text)
        case "!", "tag:yaml.org,2002:str":
            return .string(text)
        case "tag:yaml.org,2002:int":
            guard let value = integer(text) else { throw ManifestError("'\(text)' is not an integer", location: location, file: file) }
            return value
        case "tag:yaml.org,2002:float":
            guard let value = float(text) else { throw ManifestError("'\(text)' is not a float", location: location, file: file) }
            return value
        case "tag:yaml.org,2002:bool":
            guard let value = boolean(text) else { throw ManifestError("'\(text)' is not a boolean", location: location, file: file) }
            return .bool(value)
        case "tag:yaml.org,2002:null":
            return .null
        default:
            return .string(text)
        }
    }

    static func implicitValue(_ text: String) -> JSONValue {
        if let flag = boolean(text) { return .bool(flag) }
        if ["", "~", "null", "Null", "NULL"].contains(text) { return .null }
        guard let first = text.unicodeScalars.first, "-+0123456789.".unicodeScalars.contains(first) else { return .string(text) }
        if matchesFloat(text), let value = float(text) { return value }
        if matchesInteger(text), let value = integer(text) { return value }
        // Timestamps stay as their text: that is what str() of the date PyYAML builds prints for dates.
        return .string(text)
    }

    private static func boolean(_ text: String) -> Bool? {
        switch text {
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return true
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    // Regex values are immutable once built.
    nonisolated(unsafe) private static let floatPattern = try! Regex(#"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"#)
    nonisolated(unsafe) private static let integerPattern = try! Regex(#"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"#)

    private static func matchesFloat(_ text: String) -> Bool { (try? floatPattern.wholeMatch(in: text)) != nil }
    private static func matchesInteger(_ text: String) -> Bool { (try? integerPattern.wholeMatch(in: text)) != nil }

    private static func integer(_ text: String) -> JSONValue? {
        var body = text.replacingOccurrences(of: "_", with: "")
        var negative = false
        if body.hasPrefix("-") || body.hasPrefix("+") {
            negative = body.hasPrefix("-")
            body.removeFirst()
        }
        var magnitude: Int64?
        if body == "0" {
            magnitude = 0
        } else if body.hasPrefix("0b") {
            magnitude = Int64(body.dropFirst(2), radix: 2)
        } else if body.hasPrefix("0x") {
            magnitude = Int64(body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("0") {
            magnitude = Int64(body.dropFirst(), radix: 8)
        } else if body.contains(":") {
            magnitude = body.split(separator: ":").reduce(Int64(0)) { total, part in total * 60 + (Int64(part) ?? 0) }
        } else {
            guard let value = Int64(body) else { return .bigNumber((negative ? "-" : "") + body) }
            magnitude = value
        }
        guard let magnitude else { return nil }
        return .int(negative ? -magnitude : magnitude)
    }

    private static func float(_ text: String) -> JSONValue? {
        var body = text.replacingOccurrences(of: "_", with: "").lowercased()
        var sign = 1.0
        if body.hasPrefix("-") || body.hasPrefix("+") {
            if body.hasPrefix("-") { sign = -1 }
            body.removeFirst()
        }
        if body == ".inf" { return .double(sign * .infinity) }
        if body == ".nan" { return .double(.nan) }
        if body.contains(":") {
            let parts = body.split(separator: ":").map { Double($0) ?? 0 }
            return .double(sign * parts.reduce(0) { $0 * 60 + $1 })
        }
        guard let value = Double(body) else { return nil }
        return .double(sign * value)
    }

    // MARK: - Errors

    private static func describe(_ error: YamlError, file: String?) -> ManifestError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return ManifestError("not valid YAML: \(detail)", location: SourceLocation(line: mark.line, column: mark.column), file: file)
        case .reader(let problem, let offset, _, _):
            return ManifestError("not valid YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")", file: file)
        default:
            return ManifestError("not valid YAML: \(error)", file: file)
        }
    }
}
