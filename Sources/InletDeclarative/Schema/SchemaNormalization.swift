import InletJSON

/// How records are normalised against the stream's schema: `None` (as they come) or `Default`
/// (values cast to the declared types).
public struct SchemaNormalization: ManifestComponent {
    public static let typeName = "SchemaNormalization"

    public enum Mode: String, Sendable {
        case none = "None"
        case `default` = "Default"
    }

    public let mode: Mode

    public init(mode: Mode) {
        self.mode = mode
    }

    public init(from node: ManifestNode) throws(ManifestError) {
        mode = .none
    }

    /// The field holds either a component or the plain names `None` / `Default`.
    static func decode(_ node: ManifestNode, key: String) throws(ManifestError) -> SchemaNormalization? {
        guard let member = node.member(key) else { return nil }
        if case .string(let name) = member.value {
            guard let mode = Mode(rawValue: name) else { throw member.error("schema_normalization must be None or Default, found '\(name)'") }
            return SchemaNormalization(mode: mode)
        }
        return try member.decode(as: SchemaNormalization.self)
    }
}
