import InletJSON
import InletProtocol
import Synchronization
import Testing

@Suite("Message streams: order, back-pressure, cancellation, failure")
struct MessageStreamTests {
    struct Boom: Error, Equatable {}

    @Test func deliversEverythingInOrder() async throws {
        let stream = MessageStream<Int>(bufferCapacity: 16) { emitter in
            for value in 0..<10_000 { try await emitter.emit(value) }
        }
        var received: [Int] = []
        for try await value in stream { received.append(value) }
        #expect(received == Array(0..<10_000))
    }

    @Test func producerWaitsWhileTheBufferIsFull() async throws {
        let produced = Atomic<Int>(0)
        let stream = MessageStream<Int>(bufferCapacity: 8) { emitter in
            for value in 0..<1000 {
                try await emitter.emit(value)
                produced.add(1, ordering: .relaxed)
            }
        }
        var iterator = stream.makeAsyncIterator()
        _ = try await iterator.next()
        // Give the producer every chance to run ahead; the buffer must hold it back.
        for _ in 0..<50 { await Task.yield() }
        try await Task.sleep(for: .milliseconds(50))
        let ahead = produced.load(ordering: .relaxed)
        #expect(ahead <= 8 + 8 + 1, "the producer ran \(ahead) elements ahead of a consumer that took one")
        var rest = 0
        while let _ = try await iterator.next() { rest += 1 }
        #expect(rest == 999)
    }

    @Test func stoppingEarlyCancelsTheProducer() async throws {
        let finished = Atomic<Bool>(false)
        let sawCancellation = Atomic<Bool>(false)
        let stream = MessageStream<Int>(bufferCapacity: 4) { emitter in
            defer { finished.store(true, ordering: .relaxed) }
            do {
                for value in 0... { try await emitter.emit(value) }
            } catch is CancellationError {
                sawCancellation.store(true, ordering: .relaxed)
                throw CancellationError()
            }
        }
        do {
            var iterator = stream.makeAsyncIterator()
            for _ in 0..<10 { _ = try await iterator.next() }
        }
        // The iterator is gone: the producer must stop within a bounded time.
        for _ in 0..<200 where !finished.load(ordering: .relaxed) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let producerFinished = finished.load(ordering: .relaxed)
        let producerSawCancellation = sawCancellation.load(ordering: .relaxed)
        #expect(producerFinished)
        #expect(producerSawCancellation)
    }

    @Test func failureArrivesAfterEveryEarlierElement() async {
        let stream = MessageStream<Int>(bufferCapacity: 2) { emitter in
            for value in 0..<5 { try await emitter.emit(value) }
            throw Boom()
        }
        var received: [Int] = []
        await #expect(throws: Boom.self) {
            for try await value in stream { received.append(value) }
        }
        #expect(received == [0, 1, 2, 3, 4])
    }

    @Test func batchesHandOverWhatIsReady() async throws {
        let stream = MessageStream<Int>([1, 2, 3, 4])
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next() == 1)
        #expect(try await iterator.nextBatch() == [2, 3, 4])
        #expect(try await iterator.nextBatch() == nil)
    }

    @Test func cancellingTheConsumerTaskEndsAWaitingIteration() async throws {
        let stream = MessageStream<Int>(bufferCapacity: 1) { _ in
            try await Task.sleep(for: .seconds(60))
        }
        let consumer = Task {
            var iterator = stream.makeAsyncIterator()
            return try await iterator.next()
        }
        try await Task.sleep(for: .milliseconds(50))
        consumer.cancel()
        let outcome = await consumer.result
        #expect(throws: (any Error).self) { try outcome.get() }
    }
}

@Suite("Connector answers")
struct ConnectorAnswerTests {
    struct FixedConnector: Connector {
        var name: String { "fixed" }
        var specMessages: [AirbyteMessage]

        func spec() -> AirbyteMessageStream { AirbyteMessageStream(specMessages) }
        func check(config: JSONObject) -> AirbyteMessageStream {
            AirbyteMessageStream([.log(.info, "checking"), .connectionStatus(.failed, message: "bad key")])
        }
        func discover(config: JSONObject) -> AirbyteMessageStream {
            AirbyteMessageStream([], failure: ConnectorError.configError("no access"))
        }
        func read(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) -> AirbyteMessageStream {
            AirbyteMessageStream([])
        }
    }

    @Test func answersAreExtractedAndOtherMessagesForwarded() async throws {
        let spec = ConnectorSpecification(connectionSpecification: ["type": "object"])
        let connector = FixedConnector(specMessages: [.log(.info, "hello"), AirbyteMessage(.spec(spec))])
        var logs: [AirbyteMessage] = []
        #expect(try await connector.specification { logs.append($0) } == spec)
        #expect(logs.count == 1)
        let status = try await connector.connectionStatus(config: [:])
        #expect(status.status == .failed)
        #expect(status.message == "bad key")
        await #expect(throws: ConnectorError.configError("no access")) { try await connector.catalog(config: [:]) }
    }

    @Test func aMissingAnswerIsAnError() async {
        let connector = FixedConnector(specMessages: [.log(.info, "nothing")])
        await #expect(throws: ConnectorError.self) { try await connector.specification() }
    }
}
