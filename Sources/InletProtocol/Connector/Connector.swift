public import InletJSON

/// A source of data that speaks the Airbyte protocol: a declarative manifest, an external executable
/// or a native plugin. The CLI, the pipeline and the service see connectors only through this protocol.
///
/// Every operation returns the connector's messages as a stream with back-pressure. A stream ends
/// normally when the operation succeeded (for `check` that includes a `FAILED` status: the check ran),
/// and throws a `ConnectorError` when it failed.
public protocol Connector: Sendable {
    /// Names the connector in logs and errors, e.g. `source-github (manifest)`.
    var name: String { get }

    func spec() -> AirbyteMessageStream
    func check(config: JSONObject) -> AirbyteMessageStream
    func discover(config: JSONObject) -> AirbyteMessageStream
    func read(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) -> AirbyteMessageStream
}

extension Connector {
    /// The `SPEC` answer. Other messages (logs) go to `otherMessage`.
    public func specification(
        otherMessage: (AirbyteMessage) -> Void = { _ in }
    ) async throws -> ConnectorSpecification {
        try await single(of: spec(), operation: "spec", otherMessage: otherMessage) { content in
            if case .spec(let spec) = content { return spec }
            return nil
        }
    }

    /// The `CONNECTION_STATUS` answer to `check`.
    public func connectionStatus(
        config: JSONObject,
        otherMessage: (AirbyteMessage) -> Void = { _ in }
    ) async throws -> AirbyteConnectionStatus {
        try await single(of: check(config: config), operation: "check", otherMessage: otherMessage) { content in
            if case .connectionStatus(let status) = content { return status }
            return nil
        }
    }

    /// The `CATALOG` answer to `discover`.
    public func catalog(
        config: JSONObject,
        otherMessage: (AirbyteMessage) -> Void = { _ in }
    ) async throws -> AirbyteCatalog {
        try await single(of: discover(config: config), operation: "discover", otherMessage: otherMessage) { content in
            if case .catalog(let catalog) = content { return catalog }
            return nil
        }
    }

    private func single<Answer>(
        of stream: AirbyteMessageStream,
        operation: String,
        otherMessage: (AirbyteMessage) -> Void,
        answer: (AirbyteMessage.Content) -> Answer?
    ) async throws -> Answer {
        var result: Answer?
        for try await message in stream {
            if result == nil, let found = answer(message.content) {
                result = found
            } else {
                otherMessage(message)
            }
        }
        guard let result else {
            throw ConnectorError(
                failureType: .systemError,
                message: "The connector \(name) finished \(operation) without answering it.",
                internalMessage: "no \(operation) answer message in the connector's output"
            )
        }
        return result
    }
}
