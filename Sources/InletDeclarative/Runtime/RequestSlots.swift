/// The requests of one connector operation that may be in flight at once, across all its streams:
/// the manifest's concurrency level. A request takes a slot only while it is on the wire — not
/// while it waits for the API budget, a retry or a slow consumer — so no reader can hold a slot
/// that another reader it waits for needs.
///
/// While a rate-limited request waits out its backoff, no other request starts: one stream told to
/// slow down must not keep hammering the API from the others.
actor RequestSlots {
    let capacity: Int
    private var inFlight = 0
    private var rateLimitWaits = 0
    /// Requests waiting for a slot, first come first served.
    private var waiting: [(ticket: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextTicket = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Runs `send` in a slot, waiting for one first. Throws `CancellationError` when cancelled while waiting.
    nonisolated func withSlot<Result: Sendable>(_ send: () async -> Result) async throws -> Result {
        try await acquire()
        let result = await send()
        await release()
        return result
    }

    /// Holds back every other request while `wait` runs (a rate-limited request's backoff).
    nonisolated func holdingOthersBack(_ wait: () async throws -> Void) async throws {
        await beginRateLimitWait()
        do {
            try await wait()
        } catch {
            await endRateLimitWait()
            throw error
        }
        await endRateLimitWait()
    }

    private var canStart: Bool { inFlight < capacity && rateLimitWaits == 0 }

    private func acquire() async throws {
        if waiting.isEmpty && canStart {
            inFlight += 1
            return
        }
        let ticket = nextTicket
        nextTicket += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiting.append((ticket, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancel(ticket) }
        }
    }

    private func release() {
        inFlight -= 1
        startWaiting()
    }

    private func beginRateLimitWait() {
        rateLimitWaits += 1
    }

    private func endRateLimitWait() {
        rateLimitWaits -= 1
        startWaiting()
    }

    /// Gives free slots to the longest-waiting requests.
    private func startWaiting() {
        while canStart, !waiting.isEmpty {
            inFlight += 1
            waiting.removeFirst().continuation.resume()
        }
    }

    private func cancel(_ ticket: Int) {
        guard let index = waiting.firstIndex(where: { $0.ticket == ticket }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
