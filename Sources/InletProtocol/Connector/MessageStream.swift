/// An asynchronous sequence filled by a producer task, with back-pressure.
///
/// The producer starts when iteration starts, runs while the consumer keeps up, suspends when
/// `bufferCapacity` elements wait unread, and is cancelled when the consumer stops iterating. An error
/// the producer throws reaches the consumer after every element emitted before it.
public struct MessageStream<Element: Sendable>: AsyncSequence, Sendable {
    /// The producer's handle for emitting elements.
    public struct Emitter: Sendable {
        let channel: MessageChannel<Element>

        public func emit(_ element: Element) async throws {
            try await channel.send(contentsOf: CollectionOfOne(element))
        }

        public func emit(contentsOf elements: some Collection<Element>) async throws {
            try await channel.send(contentsOf: elements)
        }
    }

    public typealias Producer = @Sendable (Emitter) async throws -> Void

    public let bufferCapacity: Int
    private let produce: Producer

    public init(bufferCapacity: Int = 1024, _ produce: @escaping Producer) {
        self.bufferCapacity = bufferCapacity
        self.produce = produce
    }

    /// A stream of the given elements, then the end (or `failure`).
    public init(_ elements: [Element], failure: (any Error)? = nil) {
        self.init(bufferCapacity: Swift.max(1, elements.count)) { emitter in
            try await emitter.emit(contentsOf: elements)
            if let failure { throw failure }
        }
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(run: Run(capacity: bufferCapacity, produce: produce))
    }

    /// Owns one iteration: starts the producer lazily, cancels it when the iterator is dropped.
    final class Run: Sendable {
        let channel: MessageChannel<Element>
        private let produce: Producer
        private let producerTask: ManagedProducerTask

        init(capacity: Int, produce: @escaping Producer) {
            channel = MessageChannel(capacity: capacity)
            self.produce = produce
            producerTask = ManagedProducerTask()
        }

        func startIfNeeded() {
            producerTask.startOnce { [channel, produce] in
                Task {
                    do {
                        try await produce(Emitter(channel: channel))
                        channel.finish()
                    } catch {
                        channel.finish(throwing: error)
                    }
                }
            }
        }

        deinit {
            channel.consumerDidLeave()
            producerTask.cancel()
        }
    }

    public struct Iterator: AsyncIteratorProtocol {
        let run: Run
        private var batch: [Element] = []
        private var position = 0

        init(run: Run) {
            self.run = run
        }

        public mutating func next() async throws -> Element? {
            if position < batch.count {
                defer { position += 1 }
                return batch[position]
            }
            guard let next = try await nextBatch(), !next.isEmpty else { return nil }
            batch = next
            position = 1
            return batch[0]
        }

        /// The elements that are ready now (at least one), or `nil` at the end. Mixing this with
        /// `next()` is fine: it returns what `next()` has not yet handed out first.
        public mutating func nextBatch() async throws -> [Element]? {
            if position < batch.count {
                let rest = Array(batch[position...])
                batch = []
                position = 0
                return rest
            }
            batch = []
            position = 0
            run.startIfNeeded()
            return try await run.channel.receiveBatch()
        }
    }
}

extension MessageStream {
    /// All elements, in order. For short streams (spec, check, discover) and tests.
    public func collect() async throws -> [Element] {
        var all: [Element] = []
        var iterator = makeAsyncIterator()
        while let batch = try await iterator.nextBatch() {
            all.append(contentsOf: batch)
        }
        return all
    }
}

public typealias AirbyteMessageStream = MessageStream<AirbyteMessage>
