public import InletJSON
public import InletInterpolation

/// One node of a resolved manifest, with where it is (manifest path, YAML line and column) and typed
/// accessors whose errors say so. Components decode themselves from their node.
public struct ManifestNode: Sendable {
    public let value: JSONValue
    public let path: ManifestPath
    let sources: SourceTree?
    let context: ManifestContext

    init(value: JSONValue, path: ManifestPath, sources: SourceTree?, context: ManifestContext) {
        self.value = value
        self.path = path
        self.sources = sources
        self.context = context
    }

    public var location: SourceLocation? { sources?.location }

    public func error(_ message: String) -> ManifestError {
        ManifestError(message, path: path, location: location, file: context.file)
    }

    /// The component's `type`.
    public var typeName: String? { value["type"]?.stringValue }

    /// The component's `$parameters` after propagation.
    public var parameters: JSONObject { value["$parameters"]?.objectValue ?? [:] }

    // MARK: - Members

    public func member(_ key: String) -> ManifestNode? {
        guard let child = value[key], !child.isNull else { return nil }
        return ManifestNode(value: child, path: path.appending(key), sources: sources?.member(key) ?? sources, context: context)
    }

    public func required(_ key: String) throws(ManifestError) -> ManifestNode {
        guard let child = member(key) else { throw error("the required field '\(key)' is missing") }
        return child
    }

    /// The elements of a list node.
    public func elements() throws(ManifestError) -> [ManifestNode] {
        guard case .array(let elements) = value else { throw error("expected a list, found \(describe(value))") }
        return elements.enumerated().map { index, element in
            ManifestNode(value: element, path: path.appending(index: index), sources: sources?.element(index) ?? sources, context: context)
        }
    }

    func mismatch(_ key: String, expected: String, found: JSONValue) -> ManifestError {
        ManifestError("'\(key)' must be \(expected), found \(describe(found))", path: path.appending(key),
                      location: sources?.member(key)?.location ?? location, file: context.file)
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "the string \(text.count > 40 ? String(text.prefix(40)) + "…" : text)"
        default: return value.typeName == "object" ? "a mapping" : (value.typeName == "array" ? "a list" : "\(value.typeName) \(value)")
        }
    }

    // MARK: - Scalars

    public func string(_ key: String) throws(ManifestError) -> String? {
        guard let child = value[key], !child.isNull else { return nil }
        switch child {
        case .string(let text): return text
        // YAML reads `123` or `true` where a string is meant; the CDK's models coerce them.
        case .int, .double, .bigNumber, .bool: return child.description
        default: throw mismatch(key, expected: "a string", found: child)
        }
    }

    public func requiredString(_ key: String) throws(ManifestError) -> String {
        guard let text = try string(key) else { throw error("the required field '\(key)' is missing") }
        return text
    }

    public func bool(_ key: String) throws(ManifestError) -> Bool? {
        guard let child = value[key], !child.isNull else { return nil }
        switch child {
        case .bool(let flag): return flag
        case .string(let text) where ["true", "false", "True", "False"].contains(text): return text.lowercased() == "true"
        default: throw mismatch(key, expected: "a boolean", found: child)
        }
    }

    public func integer(_ key: String) throws(ManifestError) -> Int? {
        guard let child = value[key], !child.isNull else { return nil }
        if let integer = child.intValue { return Int(integer) }
        if case .string(let text) = child, let integer = Int(text) { return integer }
        throw mismatch(key, expected: "an integer", found: child)
    }

    public func number(_ key: String) throws(ManifestError) -> Double? {
        guard let child = value[key], !child.isNull else { return nil }
        if let number = child.doubleValue { return number }
        if case .string(let text) = child, let number = Double(text) { return number }
        throw mismatch(key, expected: "a number", found: child)
    }

    public func object(_ key: String) throws(ManifestError) -> JSONObject? {
        guard let child = value[key], !child.isNull else { return nil }
        guard case .object(let object) = child else { throw mismatch(key, expected: "a mapping", found: child) }
        return object
    }

    /// A list of strings; a single string counts as a list of one.
    public func stringList(_ key: String) throws(ManifestError) -> [String]? {
        guard let child = value[key], !child.isNull else { return nil }
        switch child {
        case .string(let text): return [text]
        case .array(let elements):
            var strings: [String] = []
            for element in elements {
                switch element {
                case .string(let text): strings.append(text)
                case .int, .double, .bool: strings.append(element.description)
                default: throw mismatch(key, expected: "a list of strings", found: child)
                }
            }
            return strings
        default:
            throw mismatch(key, expected: "a list of strings", found: child)
        }
    }

    // MARK: - Interpolation

    public func interpolatedString(_ key: String) throws(ManifestError) -> InterpolatedString? {
        guard let text = try string(key) else { return nil }
        return try compile(key) { () throws(InterpolationError) in try InterpolatedString(text, parameters: parameters) }
    }

    public func requiredInterpolatedString(_ key: String) throws(ManifestError) -> InterpolatedString {
        guard let interpolated = try interpolatedString(key) else { throw error("the required field '\(key)' is missing") }
        return interpolated
    }

    /// A condition, which a manifest may give as a boolean or a template.
    public func interpolatedBoolean(_ key: String) throws(ManifestError) -> InterpolatedBoolean? {
        guard let child = value[key], !child.isNull else { return nil }
        if case .bool(let flag) = child { return InterpolatedBoolean(constant: flag) }
        guard case .string(let text) = child else { throw mismatch(key, expected: "a boolean or a template", found: child) }
        return try compile(key) { () throws(InterpolationError) in try InterpolatedBoolean(text, parameters: parameters) }
    }

    /// A mapping of templates, or a single template that renders one (`request_parameters: "{{ … }}"`).
    /// `excluding`: a member left out (a component among the values, such as QueryProperties).
    public func interpolatedMapping(_ key: String, excluding excluded: String? = nil) throws(ManifestError) -> InterpolatedMappingField? {
        guard let child = value[key], !child.isNull else { return nil }
        switch child {
        case .object(var object):
            if let excluded { object[excluded] = nil }
            return .mapping(try compile(key) { () throws(InterpolationError) in try InterpolatedMapping(object, parameters: parameters, cache: context.templates) })
        case .string(let text):
            return .template(try compile(key) { () throws(InterpolationError) in try InterpolatedString(text, parameters: parameters, cache: context.templates) })
        default:
            throw mismatch(key, expected: "a mapping or a template", found: child)
        }
    }

    public func interpolatedNestedMapping(_ key: String) throws(ManifestError) -> InterpolatedNestedMapping? {
        guard let child = value[key], !child.isNull else { return nil }
        return try compile(key) { () throws(InterpolationError) in try InterpolatedNestedMapping(child, parameters: parameters) }
    }

    private func compile<Result>(_ key: String, _ build: () throws(InterpolationError) -> Result) throws(ManifestError) -> Result {
        do {
            return try build()
        } catch {
            throw ManifestError("invalid template: \(error)", path: path.appending(key),
                                location: sources?.member(key)?.location ?? location, file: context.file)
        }
    }

    // MARK: - Components

    /// The component at `key`, decoded as one of `types` according to its `type:`.
    public func component(_ key: String, among types: [any ManifestComponent.Type]) throws(ManifestError) -> (any ManifestComponent)? {
        guard let child = member(key) else { return nil }
        return try child.decodeComponent(among: types)
    }

    public func requiredComponent(_ key: String, among types: [any ManifestComponent.Type]) throws(ManifestError) -> any ManifestComponent {
        guard let component = try component(key, among: types) else { throw error("the required field '\(key)' is missing") }
        return component
    }

    /// The component at `key`, which must be of type `Component`.
    public func component<Component: ManifestComponent>(_ key: String, as type: Component.Type) throws(ManifestError) -> Component? {
        guard let child = member(key) else { return nil }
        return try child.decode(as: Component.self)
    }

    /// A list of components at `key`, each one of `types`.
    public func components(_ key: String, among types: [any ManifestComponent.Type]) throws(ManifestError) -> [any ManifestComponent]? {
        guard let child = member(key) else { return nil }
        var result: [any ManifestComponent] = []
        for element in try child.elements() {
            result.append(try element.decodeComponent(among: types))
        }
        return result
    }

    public func decode<Component: ManifestComponent>(as type: Component.Type) throws(ManifestError) -> Component {
        guard case .object = value else { throw error("expected a \(Component.typeName) component, found \(describe(value))") }
        if let declared = typeName, declared != Component.typeName {
            throw error("expected a component of type \(Component.typeName), found type \(declared)")
        }
        return try Component(from: self)
    }

    public func decodeComponent(among types: [any ManifestComponent.Type]) throws(ManifestError) -> any ManifestComponent {
        guard case .object = value else { throw error("expected a component, found \(describe(value))") }
        guard let declared = typeName else {
            throw error("the component has no 'type' (expected one of: \(types.map { $0.typeName }.joined(separator: ", ")))")
        }
        if let match = types.first(where: { $0.typeName == declared }) {
            return try match.decodeExistential(from: self)
        }
        if declared.hasPrefix("Custom") || value["class_name"] != nil {
            return try CustomComponent(from: self)
        }
        if ManifestComponentTypes.implemented.contains(declared) {
            throw error("a \(declared) is not allowed here (expected one of: \(types.map { $0.typeName }.joined(separator: ", ")))")
        }
        if ManifestComponentTypes.known.contains(declared) {
            return try UnsupportedComponent(from: self)
        }
        throw error("unknown component type '\(declared)' (expected one of: \(types.map { $0.typeName }.joined(separator: ", ")))")
    }
}

/// A mapping field that the manifest may write as a mapping of templates or as one template.
public enum InterpolatedMappingField: Sendable {
    case mapping(InterpolatedMapping)
    case template(InterpolatedString)
}

/// What every node of one manifest shares.
struct ManifestContext: Sendable {
    var file: String?
    /// The folder relative paths (schema files) are read from.
    var baseDirectory: String
    /// Templates repeat across a manifest (references copy them): each is parsed once.
    var templates = JinjaTemplateCache()
}
