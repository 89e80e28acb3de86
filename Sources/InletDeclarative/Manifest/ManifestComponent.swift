import InletJSON

/// A manifest component: a Swift type named like its `type:`, which decodes its own node.
public protocol ManifestComponent: Sendable {
    static var typeName: String { get }
    init(from node: ManifestNode) throws(ManifestError)
}

extension ManifestComponent {
    /// Decodes through the metatype, for fields that accept several component types.
    static func decodeExistential(from node: ManifestNode) throws(ManifestError) -> any ManifestComponent {
        try Self(from: node)
    }
}

/// A component implemented in Python (`type: Custom…` or a `class_name`). It loads, so the rest of
/// the manifest can be checked and run, and it says clearly that it cannot run natively.
public struct CustomComponent: ManifestComponent {
    public static let typeName = "CustomComponent"

    public let declaredType: String
    public let className: String?
    public let path: ManifestPath
    public let location: SourceLocation?

    public init(from node: ManifestNode) throws(ManifestError) {
        declaredType = node.typeName ?? "Custom"
        className = try node.string("class_name")
        path = node.path
        location = node.location
    }

    /// Why this component cannot run, for the error a run reports.
    public var reason: String {
        let name = className.map { " (\($0))" } ?? ""
        return "\(path) is a custom Python component \(declaredType)\(name); Inlet runs manifests natively and cannot run custom Python code"
    }
}

/// A component type the Airbyte schema defines that this version of Inlet does not run yet. It loads,
/// and running it reports the type and where it is.
public struct UnsupportedComponent: ManifestComponent {
    public static let typeName = "UnsupportedComponent"

    public let declaredType: String
    public let path: ManifestPath
    public let location: SourceLocation?

    public init(from node: ManifestNode) throws(ManifestError) {
        declaredType = node.typeName ?? "?"
        path = node.path
        location = node.location
    }

    public var reason: String {
        "\(path) is a \(declaredType), which Inlet cannot run yet"
    }
}
