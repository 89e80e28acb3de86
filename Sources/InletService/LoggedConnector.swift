import InletJSON
import InletJSONSchema
import InletProtocol

/// A connector whose LOG messages, and error traces, are also written to a sync's log, with the
/// config's secrets masked.
struct LoggedConnector: Connector {
    let wrapped: any Connector
    let secrets: [String]
    let log: @Sendable ([String]) -> Void

    var name: String { wrapped.name }

    func spec() -> AirbyteMessageStream { wrapped.spec() }
    func check(config: JSONObject) -> AirbyteMessageStream { wrapped.check(config: config) }
    func discover(config: JSONObject) -> AirbyteMessageStream { wrapped.discover(config: config) }

    func read(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) -> AirbyteMessageStream {
        let source = wrapped.read(config: config, catalog: catalog, state: state)
        let secrets = self.secrets
        let log = self.log
        return AirbyteMessageStream(bufferCapacity: 4096) { emitter in
            var iterator = source.makeAsyncIterator()
            while let batch = try await iterator.nextBatch() {
                var lines: [String] = []
                for message in batch {
                    switch message.content {
                    case .log(let entry):
                        lines.append("source \(entry.level.rawValue): " + AirbyteSecrets.mask(entry.message, secrets: secrets))
                    case .trace(let trace):
                        if let error = trace.error {
                            lines.append("source ERROR: " + AirbyteSecrets.mask(error.message, secrets: secrets))
                        }
                    default:
                        break
                    }
                }
                log(lines)
                try await emitter.emit(contentsOf: batch)
            }
        }
    }
}
