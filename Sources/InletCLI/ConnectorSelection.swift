import ArgumentParser

/// Which connector a command runs.
public struct ConnectorSelection: Sendable, Equatable {
    /// A declarative YAML manifest.
    public var manifestPath: String?
    /// A manifest's custom Python components, which cannot run natively.
    public var componentsPath: String?
    public var debug: Bool

    public init(manifestPath: String? = nil, componentsPath: String? = nil, debug: Bool = false) {
        self.manifestPath = manifestPath
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

    @Flag(name: .long, help: "Emit detailed debug logs.")
    var debug = false

    var selection: ConnectorSelection {
        ConnectorSelection(manifestPath: manifestPath, componentsPath: componentsPath, debug: debug)
    }
}
