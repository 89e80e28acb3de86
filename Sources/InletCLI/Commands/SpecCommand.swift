import InletSetup
import ArgumentParser
import InletProtocol

struct SpecCommand: ParsableCommand, ConnectorCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "Output the connector's configuration specification (a SPEC message)."
    )

    @OptionGroup var connectorOptions: ConnectorSelectionOptions
    var connectorSelection: ConnectorSelection { connectorOptions.selection }

    func messages(from connector: any Connector) throws(CLIError) -> AirbyteMessageStream {
        connector.spec()
    }
}
