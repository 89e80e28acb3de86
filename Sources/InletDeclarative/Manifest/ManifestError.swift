import InletJSON

/// A manifest that cannot be loaded or run as written: what, where in the manifest, and where in
/// the YAML file.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The place after reference resolution, e.g. `streams[2].retriever.requester`.
    public var path: ManifestPath?
    /// Line and column in the YAML file, when known.
    public var location: SourceLocation?
    /// The manifest file, when loaded from one.
    public var file: String?

    public init(_ message: String, path: ManifestPath? = nil, location: SourceLocation? = nil, file: String? = nil) {
        self.message = message
        self.path = path
        self.location = location
        self.file = file
    }

    public var description: String {
        var prefix = file ?? "manifest"
        if let location { prefix += ":\(location)" }
        if let path, !path.components.isEmpty { return "\(prefix): \(path): \(message)" }
        return "\(prefix): \(message)"
    }
}
