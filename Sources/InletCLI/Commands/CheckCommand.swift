import InletSetup
import ArgumentParser
import InletProtocol

struct CheckCommand: ParsableCommand, ConnectorCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that a config can connect (a CONNECTION_STATUS message; exit 0 even when it fails)."
    )

    @Option(name: .long, help: "Path to the JSON config file.")
    var config: String

    var configFile: String? { config }

    @OptionGroup var connectorOptions: ConnectorSelectionOptions
    var connectorSelection: ConnectorSelection { connectorOptions.selection }

    func messages(from connector: any Connector) throws(CLIError) -> AirbyteMessageStream {
        connector.check(config: try InputFiles.config(at: config))
    }
}
