import InletSetup
import ArgumentParser
import InletProtocol

struct DiscoverCommand: ParsableCommand, ConnectorCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Output the streams the connector offers (a CATALOG message)."
    )

    @Option(name: .long, help: "Path to the JSON config file.")
    var config: String

    var configFile: String? { config }

    @OptionGroup var connectorOptions: ConnectorSelectionOptions
    var connectorSelection: ConnectorSelection { connectorOptions.selection }

    func messages(from connector: any Connector) throws(CLIError) -> AirbyteMessageStream {
        connector.discover(config: try InputFiles.config(at: config))
    }
}
