import InletSetup
import ArgumentParser
import InletProtocol

struct ReadCommand: ParsableCommand, ConnectorCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read the catalog's streams and output records, state and status messages."
    )

    @Option(name: .long, help: "Path to the JSON config file.")
    var config: String

    var configFile: String? { config }

    @Option(name: .long, help: "Path to the configured catalog (JSON).")
    var catalog: String

    @Option(name: .long, help: "Path to the input state: a JSON list of state messages.")
    var state: String?

    @OptionGroup var connectorOptions: ConnectorSelectionOptions
    var connectorSelection: ConnectorSelection { connectorOptions.selection }

    var countsRecordsInState: Bool { true }

    func messages(from connector: any Connector) throws(CLIError) -> AirbyteMessageStream {
        let config = try InputFiles.config(at: config)
        let catalog = try InputFiles.catalog(at: catalog)
        let state = try state.map { path throws(CLIError) in try InputFiles.state(at: path) } ?? []
        return connector.read(config: config, catalog: catalog, state: state)
    }
}
