import InletJSON
import InletProtocol
import Testing

@Suite("State record counts")
struct StateRecordCounterTests {
    func count(_ state: AirbyteMessage) -> Double? {
        guard case .state(let message) = state.content else { return nil }
        return message.sourceStats?.recordCount
    }

    @Test func countsRecordsPerStreamSinceItsLastState() {
        var counter = StateRecordCounter()
        var messages: [AirbyteMessage] = [
            .record(stream: "a", data: [:]),
            .record(stream: "b", data: [:]),
            .record(stream: "a", data: [:]),
            AirbyteMessage(.state(.stream(StreamDescriptor(name: "a"), state: ["c": 1]))),
            .record(stream: "a", data: [:]),
            AirbyteMessage(.state(.stream(StreamDescriptor(name: "b"), state: ["c": 1]))),
            AirbyteMessage(.state(.stream(StreamDescriptor(name: "a"), state: ["c": 2]))),
            AirbyteMessage(.state(.stream(StreamDescriptor(name: "a"), state: ["c": 2]))),
        ]
        for index in messages.indices { counter.process(&messages[index]) }
        #expect(count(messages[3]) == 2)
        #expect(count(messages[5]) == 1)
        #expect(count(messages[6]) == 1)
        #expect(count(messages[7]) == 0)
        #expect(messages[3].serialized.contains(#""sourceStats":{"recordCount":2.0}"#))
    }

    @Test func namespacesAreSeparateStreams() {
        var counter = StateRecordCounter()
        var messages: [AirbyteMessage] = [
            .record(stream: "a", data: [:], namespace: "x"),
            .record(stream: "a", data: [:]),
            AirbyteMessage(.state(.stream(StreamDescriptor(name: "a", namespace: "x"), state: nil))),
        ]
        for index in messages.indices { counter.process(&messages[index]) }
        #expect(count(messages[2]) == 1)
    }

    @Test func globalStateCountsAllStreams() {
        var counter = StateRecordCounter()
        let global = AirbyteStateMessage(type: .global, global: AirbyteGlobalState(streamStates: [], sharedState: ["t": 1]))
        var messages: [AirbyteMessage] = [
            .record(stream: "a", data: [:]),
            .record(stream: "b", data: [:]),
            AirbyteMessage(.state(global)),
            .record(stream: "b", data: [:]),
            AirbyteMessage(.state(global)),
        ]
        for index in messages.indices { counter.process(&messages[index]) }
        #expect(count(messages[2]) == 2)
        #expect(count(messages[4]) == 1)
    }
}
