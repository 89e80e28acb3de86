import ArgumentParser
import InletSetup

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
