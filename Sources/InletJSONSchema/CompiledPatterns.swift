import InletJSON

/// The regular expressions of a schema (`pattern`, `patternProperties`), compiled once.
///
/// Patterns are matched with Python's `re.search` semantics: unanchored, over Unicode scalars.
final class CompiledPatterns: @unchecked Sendable {
    // Regex values are immutable once built; this class only reads them after `init`.
    private var regexes: [String: Regex<AnyRegexOutput>] = [:]

    init(collectingFrom schema: JSONValue, warnings: inout [String]) {
        collect(schema, path: .root, warnings: &warnings)
    }

    /// `nil` when the pattern could not be compiled (it was reported as a schema warning).
    func matches(_ pattern: String, _ string: String) -> Bool? {
        guard let regex = regexes[pattern] else { return nil }
        return (try? regex.firstMatch(in: string)) != nil
    }

    private func collect(_ schema: JSONValue, path: JSONPath, warnings: inout [String]) {
        switch schema {
        case .object(let object):
            for (key, value) in object {
                if key == "pattern", case .string(let pattern) = value {
                    compile(pattern, at: path.appending(key), warnings: &warnings)
                } else if key == "patternProperties", case .object(let properties) = value {
                    for pattern in properties.keys {
                        compile(pattern, at: path.appending(key), warnings: &warnings)
                    }
                }
                if key != "enum" && key != "const" && key != "default" && key != "examples" {
                    collect(value, path: path.appending(key), warnings: &warnings)
                }
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                collect(element, path: path.appending(index: index), warnings: &warnings)
            }
        default:
            break
        }
    }

    private func compile(_ pattern: String, at path: JSONPath, warnings: inout [String]) {
        guard regexes[pattern] == nil else { return }
        do {
            regexes[pattern] = try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            warnings.append("\(path): the pattern \(PythonRepr.describe(pattern)) is not supported here and is not checked (\(error))")
        }
    }
}
