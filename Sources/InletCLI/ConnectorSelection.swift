import ArgumentParser

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

/// The command-line options that select a connector; the same as the Airbyte CDK entry point's.
struct ConnectorSelectionOptions: ParsableArguments {
    @Option(name: .customLong("manifest-path"), help: "Path to a declarative YAML manifest (Airbyte low-code format).")
    var manifestPath: String?

    @Option(name: .customLong("components-path"), help: "Path to a manifest's custom Python components (cannot run natively).")
    var componentsPath: String?

    @Option(name: .long, help: "A connector by name, NAME[@VERSION]: manifests/NAME, connectors/NAME.yaml, else airbyte-NAME from PyPI.")
    var connector: String?

    @Flag(name: .long, help: "Emit detailed debug logs.")
    var debug = false

    var selection: ConnectorSelection {
        ConnectorSelection(manifestPath: manifestPath, componentsPath: componentsPath, connector: connector, debug: debug)
    }
}
