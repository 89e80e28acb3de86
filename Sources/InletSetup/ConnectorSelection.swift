/// Which connector a command runs.
public struct ConnectorSelection: Sendable, Equatable {
    /// A declarative YAML manifest.
    public var manifestPath: String?
    /// A manifest's custom Python components, which cannot run natively.
    public var componentsPath: String?
    /// A connector by name (`source-faker`, `source-faker@7.2.1`).
    public var connector: String?
    public var debug: Bool

    public init(manifestPath: String? = nil, componentsPath: String? = nil, connector: String? = nil, debug: Bool = false) {
        self.manifestPath = manifestPath
        self.connector = connector
        self.componentsPath = componentsPath
        self.debug = debug
    }
}
