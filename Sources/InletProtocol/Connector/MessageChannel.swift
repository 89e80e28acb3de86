import Synchronization

/// A bounded, single-consumer buffer between producing tasks and an async consumer.
///
/// Producers suspend in `send` while the buffer is full: that is the back-pressure, and it holds
/// every producer back alike (a connector reading several streams at once sends from several tasks).
/// The consumer takes everything buffered in one step, so the cost of synchronisation is paid per
/// batch, not per element. When the consumer goes away, each producer's next `send` throws
/// `CancellationError`.
final class MessageChannel<Element: Sendable>: Sendable {
    private struct State: ~Copyable {
        var buffer: [Element] = []
        var finished = false
        var failure: (any Error)?
        var consumerGone = false
        var waitingConsumer: CheckedContinuation<Void, Never>?
        /// Producers waiting for room, by the ticket each took.
        var waitingProducers: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextTicket = 0

        /// Wakes every waiting producer; each tries again.
        mutating func takeWaitingProducers() -> [CheckedContinuation<Void, Never>] {
            defer { waitingProducers.removeAll(keepingCapacity: true) }
            return Array(waitingProducers.values)
        }
    }

    let capacity: Int
    private let state = Mutex(State())

    private enum ReceiveOutcome {
        case batch([Element])
        case end((any Error)?)
        case wait
    }

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Appends elements, suspending first while the buffer is full.
    func send(contentsOf elements: some Collection<Element>) async throws {
        guard !elements.isEmpty else { return }
        while true {
            try Task.checkCancellation()
            let accepted: Bool = try state.withLock { state in
                if state.consumerGone { throw CancellationError() }
                guard state.buffer.count < capacity else { return false }
                state.buffer.append(contentsOf: elements)
                let consumer = state.waitingConsumer
                state.waitingConsumer = nil
                consumer?.resume()
                return true
            }
            if accepted { return }
            let ticket = state.withLock { state in
                defer { state.nextTicket += 1 }
                return state.nextTicket
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state in
                        if state.buffer.count < capacity || state.consumerGone { return true }
                        state.waitingProducers[ticket] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let producer = state.withLock { state in state.waitingProducers.removeValue(forKey: ticket) }
                producer?.resume()
            }
        }
    }

    /// Ends the sequence after what is buffered; with `failure`, the consumer then sees that error.
    func finish(throwing failure: (any Error)? = nil) {
        let consumer = state.withLock { state in
            if !state.finished {
                state.finished = true
                state.failure = failure
            }
            defer { state.waitingConsumer = nil }
            return state.waitingConsumer
        }
        consumer?.resume()
    }

    /// Everything buffered, waiting while the buffer is empty; `nil` once finished and drained.
    func receiveBatch() async throws -> [Element]? {
        while true {
            let outcome: ReceiveOutcome = state.withLock { state in
                if !state.buffer.isEmpty {
                    var batch: [Element] = []
                    batch.reserveCapacity(capacity)
                    swap(&batch, &state.buffer)
                    for producer in state.takeWaitingProducers() { producer.resume() }
                    return .batch(batch)
                }
                if state.finished {
                    let failure = state.failure
                    state.failure = nil
                    return .end(failure)
                }
                return .wait
            }
            switch outcome {
            case .batch(let batch): return batch
            case .end(let failure):
                if let failure { throw failure }
                return nil
            case .wait:
                try Task.checkCancellation()
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = state.withLock { state in
                            if !state.buffer.isEmpty || state.finished || state.consumerGone { return true }
                            state.waitingConsumer = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    let consumer = state.withLock { state in
                        defer { state.waitingConsumer = nil }
                        return state.waitingConsumer
                    }
                    consumer?.resume()
                }
            }
        }
    }

    /// The consumer stopped listening: wake the producers so that their next `send` fails.
    func consumerDidLeave() {
        let producers = state.withLock { state in
            state.consumerGone = true
            state.buffer.removeAll()
            return state.takeWaitingProducers()
        }
        for producer in producers { producer.resume() }
    }
}
