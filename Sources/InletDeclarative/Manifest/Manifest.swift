import Foundation
public import InletJSON

/// A declarative manifest, loaded and checked: YAML read, references resolved, types and parameters
/// propagated, and every component decoded into its Swift type.
public struct Manifest: Sendable {
    public let source: DeclarativeSource
    /// The manifest after reference resolution and parameter propagation, as the CDK builds it.
    public let resolved: JSONValue
    public let file: String?
    /// The folder the manifest's relative paths (schema files) are read from.
    public let baseDirectory: String
    /// Components implemented in Python, which cannot run here.
    public let customComponents: [ComponentReference]
    /// Components of schema types that this version of Inlet does not run.
    public let unsupportedComponents: [ComponentReference]

    /// Where a component that cannot run is, and what it is.
    public struct ComponentReference: Sendable, CustomStringConvertible {
        public var type: String
        public var className: String?
        public var path: ManifestPath

        public var description: String {
            "\(path): \(type)\(className.map { " (\($0))" } ?? "")"
        }
    }

    public static func load(path: String, baseDirectory: String? = nil) throws(ManifestError) -> Manifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ManifestError("the manifest file does not exist or cannot be read", file: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ManifestError("the manifest file is not UTF-8 text", file: path)
        }
        let folder = baseDirectory ?? FileManager.default.currentDirectoryPath
        return try load(yaml: text, file: path, baseDirectory: folder)
    }

    public static func load(yaml text: String, file: String? = nil, baseDirectory: String) throws(ManifestError) -> Manifest {
        let transformed = try preprocess(yaml: text, file: file)
        let context = ManifestContext(file: file, baseDirectory: baseDirectory)
        let root = ManifestNode(value: transformed.value, path: .root, sources: transformed.sources, context: context)
        let source = try root.decode(as: DeclarativeSource.self)
        var custom: [ComponentReference] = []
        var unsupported: [ComponentReference] = []
        collectNonNative(transformed.value, path: .root, custom: &custom, unsupported: &unsupported)
        return Manifest(source: source, resolved: transformed.value, file: file, baseDirectory: baseDirectory,
                        customComponents: custom, unsupportedComponents: unsupported)
    }

    /// The manifest as the CDK preprocesses it before building components: YAML loaded, references
    /// resolved, implicit types filled in and `$parameters` propagated.
    public static func resolve(yaml text: String, file: String? = nil) throws(ManifestError) -> JSONValue {
        try preprocess(yaml: text, file: file).value
    }

    static func preprocess(yaml text: String, file: String?) throws(ManifestError) -> YAMLLoader.Loaded {
        let loaded = try YAMLLoader.load(text, file: file)
        guard case .object = loaded.value else {
            throw ManifestError("the manifest must be a mapping at the top level", location: loaded.sources.location, file: file)
        }
        var resolver = ReferenceResolver(manifest: loaded.value, sources: loaded.sources, file: file)
        return ComponentTransformer.transform(try resolver.resolve())
    }

    private static func collectNonNative(_ value: JSONValue, path: ManifestPath, custom: inout [ComponentReference],
                                         unsupported: inout [ComponentReference]) {
        switch value {
        case .object(let object):
            if case .string(let type) = object["type"] {
                let className = object["class_name"]?.stringValue
                if type.hasPrefix("Custom") || className != nil {
                    custom.append(ComponentReference(type: type, className: className, path: path))
                } else if !ManifestComponentTypes.implemented.contains(type) && ManifestComponentTypes.known.contains(type) {
                    unsupported.append(ComponentReference(type: type, className: nil, path: path))
                }
            }
            for (key, member) in object where key != "$parameters" && key != "definitions" && key != "schema" && key != "connection_specification" {
                collectNonNative(member, path: path.appending(key), custom: &custom, unsupported: &unsupported)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                collectNonNative(element, path: path.appending(index: index), custom: &custom, unsupported: &unsupported)
            }
        default:
            break
        }
    }
}
