/// Requests carrying an `Idempotency-Key`: the first with a key acts, later ones within a day get
/// its answer instead of acting again; one arriving while the first still runs waits for it.
/// Only successful answers are kept, so a request that failed can be sent again with its key.
actor IdempotentRequests {
    static let maximumAge: Double = 86400

    private let store: any ServiceStore
    private var inFlight: [String: Task<Result<RememberedAnswer, any Error>, Never>] = [:]

    init(store: any ServiceStore) {
        self.store = store
    }

    func once(tenant: String, key: String, operation: String,
              _ act: @escaping @Sendable () async throws -> RememberedAnswer) async throws -> RememberedAnswer {
        let identity = "\(tenant)\u{0}\(key)\u{0}\(operation)"
        if let running = inFlight[identity] { return try await running.value.get() }
        if let answer = try store.rememberedAnswer(tenant: tenant, key: key, operation: operation, maximumAge: Self.maximumAge) {
            return answer
        }
        let store = self.store
        let task = Task { () async -> Result<RememberedAnswer, any Error> in
            do {
                let answer = try await act()
                if (200..<300).contains(answer.status) { try store.remember(answer, tenant: tenant, key: key, operation: operation) }
                return .success(answer)
            } catch {
                return .failure(error)
            }
        }
        inFlight[identity] = task
        let result = await task.value
        inFlight[identity] = nil
        return try result.get()
    }
}
