import InletJSON
import InletProtocol

/// A connector that reads a script of messages, then ends or fails: the pipeline's input, with the
/// checkpoints it would resume from recorded for the test.
struct ScriptedConnector: Connector {
    var name: String { "scripted" }
    var messages: [AirbyteMessage]
    var failure: ConnectorError?
    /// Messages emitted at once, as a connector emits a page of records.
    var pageSize = 1
    let observed = ObservedStates()

    init(messages: [AirbyteMessage], failure: ConnectorError? = nil, pageSize: Int = 1) {
        self.messages = messages
        self.failure = failure
        self.pageSize = pageSize
    }

    func spec() -> AirbyteMessageStream { AirbyteMessageStream([]) }
    func check(config: JSONObject) -> AirbyteMessageStream { AirbyteMessageStream([]) }
    func discover(config: JSONObject) -> AirbyteMessageStream { AirbyteMessageStream([]) }

    func read(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) -> AirbyteMessageStream {
        observed.states = state
        let messages = self.messages
        let failure = self.failure
        let pageSize = self.pageSize
        return AirbyteMessageStream(bufferCapacity: 16) { emitter in
            for start in stride(from: 0, to: messages.count, by: pageSize) {
                try await emitter.emit(contentsOf: messages[start..<min(start + pageSize, messages.count)])
            }
            if let failure { throw failure }
        }
    }

    /// Records of `stream` with ids in `ids`, then a STATE saying the cursor reached the last id.
    static func page(_ stream: String, _ ids: Range<Int>, extra: (Int) -> JSONObject = { _ in [:] }) -> [AirbyteMessage] {
        ids.map { id in
            var data: JSONObject = ["id": .int(Int64(id)), "name": .string("item \(id)"), "updated": .int(Int64(id))]
            for (key, value) in extra(id) { data[key] = value }
            return AirbyteMessage.record(stream: stream, data: data)
        } + [AirbyteMessage(.state(.stream(StreamDescriptor(name: stream), state: ["cursor": .int(Int64(ids.upperBound))])))]
    }
}

final class ObservedStates: @unchecked Sendable {
    var states: [AirbyteStateMessage] = []
}
