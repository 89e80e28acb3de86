import Synchronization

/// The producer task of one stream iteration: started at most once, cancellable from anywhere.
final class ManagedProducerTask: Sendable {
    private enum Phase {
        case notStarted
        case running(Task<Void, Never>)
        case cancelled
    }

    private let phase = Mutex(Phase.notStarted)

    func startOnce(_ start: () -> Task<Void, Never>) {
        phase.withLock { phase in
            guard case .notStarted = phase else { return }
            phase = .running(start())
        }
    }

    func cancel() {
        let task: Task<Void, Never>? = phase.withLock { phase in
            defer { phase = .cancelled }
            if case .running(let task) = phase { return task }
            return nil
        }
        task?.cancel()
    }
}
