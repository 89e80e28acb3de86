import Foundation

/// Runs syncs in the service process, at most `capacity` at once; the others wait their turn in
/// the order they were triggered. A sync can be cancelled while it waits or runs.
actor SyncRunner {
    typealias Work = @Sendable () async -> Void

    private let capacity: Int
    private var running: [String: Task<Void, Never>] = [:]
    private var waiting: [(id: String, work: Work)] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Whether a sync submitted now would start at once.
    var hasRoom: Bool { running.count < capacity && waiting.isEmpty }

    func submit(_ id: String, _ work: @escaping Work) {
        waiting.append((id, work))
        startWaiting()
    }

    /// Cancels a waiting or running sync; returns whether it was waiting (it never started).
    @discardableResult
    func cancel(_ id: String) -> Bool {
        if let index = waiting.firstIndex(where: { $0.id == id }) {
            waiting.remove(at: index)
            return true
        }
        running[id]?.cancel()
        return false
    }

    func cancelAll() {
        waiting.removeAll()
        for task in running.values { task.cancel() }
    }

    /// Waits until no sync runs.
    func drain() async {
        while let task = running.values.first {
            await task.value
        }
    }

    private func startWaiting() {
        while running.count < capacity, !waiting.isEmpty {
            let (id, work) = waiting.removeFirst()
            running[id] = Task {
                await work()
                self.finished(id)
            }
        }
    }

    private func finished(_ id: String) {
        running[id] = nil
        startWaiting()
    }
}
