import InletSetup
import InletCLI
import InletJSON
import InletProtocol

/// A connector whose answers the test decides, to exercise the CLI's relaying and exit codes.
struct TestConnector: Connector {
    var name: String { "test-connector" }
    var specification = ConnectorSpecification(connectionSpecification: ["type": "object"])
    var checkOutcome: [AirbyteMessage] = [.connectionStatus(.succeeded)]
    var readMessages: [AirbyteMessage] = []
    var readFailure: ConnectorError?
    /// What `read` was called with, for the test to look at.
    let observedRead = ObservedRead()

    func spec() -> AirbyteMessageStream { AirbyteMessageStream([AirbyteMessage(.spec(specification))]) }

    func check(config: JSONObject) -> AirbyteMessageStream { AirbyteMessageStream(checkOutcome) }

    func discover(config: JSONObject) -> AirbyteMessageStream {
        let stream = AirbyteStream(name: "items", jsonSchema: ["type": "object"], supportedSyncModes: [.fullRefresh])
        return AirbyteMessageStream([AirbyteMessage(.catalog(AirbyteCatalog(streams: [stream])))])
    }

    func read(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) -> AirbyteMessageStream {
        observedRead.record(config: config, catalog: catalog, state: state)
        return AirbyteMessageStream(readMessages, failure: readFailure)
    }
}

final class ObservedRead: @unchecked Sendable {
    private(set) var config: JSONObject?
    private(set) var catalog: ConfiguredAirbyteCatalog?
    private(set) var state: [AirbyteStateMessage]?

    func record(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) {
        self.config = config
        self.catalog = catalog
        self.state = state
    }
}

struct FixedResolver: ConnectorResolver {
    var connector: TestConnector

    func connector(for selection: ConnectorSelection) throws(CLIError) -> any Connector {
        connector
    }
}
