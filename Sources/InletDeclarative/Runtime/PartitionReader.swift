import InletInterpolation
import InletJSON

/// What reading one partition gives, in order: pages of records, and the end of each cursor window
/// with the highest cursor value its records had. The stream's state is kept by whoever applies
/// these, so partitions can be read at once while their results are applied one partition after
/// another.
enum PartitionEvent: Sendable {
    case page([LazyJSONObject], StreamSlice)
    case windowRead(JSONObject, mostRecent: PyDateTime?)
    /// The window's async jobs failed every attempt: its records are missing, so it does not count as read.
    case jobsFailed(DeclarativeError)
}

/// One partition to read: its slices (one per cursor window, or the partition itself without a
/// cursor), and the cursor state its records are filtered by.
struct PartitionPlan: Sendable {
    var key: String
    var partition: StreamSlice
    var windows: [JSONObject]?
    var state: CursorState?

    var slices: [(slice: StreamSlice, window: JSONObject?)] {
        guard let windows else { return [(partition, nil)] }
        return windows.map { (StreamSlice(partition: partition.partition, cursorSlice: $0, extraFields: partition.extraFields), $0) }
    }
}

enum PartitionReader {
    /// Reads a partition's slices, passing each event to `emit`.
    static func read(_ plan: PartitionPlan, stream: StreamRuntime, session: ReadSession, end: PyDateTime?,
                     emit: (PartitionEvent) async throws -> Void) async throws {
        for (slice, window) in plan.slices {
            do {
                if let cursor = stream.cursor, let end, let state = plan.state, let window {
                    let mostRecent = try await readWindow(slice, stream: stream, session: session, cursor: cursor, state: state, end: end) {
                        try await emit(.page($0, slice))
                    }
                    try await emit(.windowRead(window, mostRecent: mostRecent))
                } else {
                    try await stream.readSlice(slice, session: session) { try await emit(.page($0, slice)) }
                }
            } catch let exhausted as AsyncJobRuntime.AttemptsExhausted {
                try await emit(.jobsFailed(exhausted.error))
            }
        }
    }

    /// Reads one window and returns the highest cursor value its records had.
    static func readWindow(_ slice: StreamSlice, stream: StreamRuntime, session: ReadSession, cursor: DatetimeCursorRuntime,
                           state: CursorState, end: PyDateTime,
                           records: ([LazyJSONObject]) async throws -> Void) async throws -> PyDateTime? {
        var mostRecent: PyDateTime?
        func note(_ value: PyDateTime?) {
            if let value, mostRecent.map({ $0 < value }) ?? true { mostRecent = value }
        }
        let filters = cursor.definition.isClientSideIncremental || cursor.definition.isDataFeed
        // Each record's cursor value is parsed once: the filter keeps it for the state.
        let accept: ((LazyJSONObject) -> Bool)? = filters ? { record in
            let value = cursor.cursorValue(of: record)
            guard cursor.shouldSync(value, state: state, end: end) else { return false }
            note(value)
            return true
        } : nil
        let stop: ((LazyJSONObject) -> Bool)? = cursor.definition.isDataFeed ? {
            !cursor.shouldSync(cursor.cursorValue(of: $0), state: state, end: end)
        } : nil
        try await stream.readSlice(slice, session: session, accept: accept, stopAfter: stop) { page in
            if !filters {
                for data in page { note(cursor.cursorValue(of: data)) }
            }
            try await records(page)
        }
        return mostRecent
    }
}

/// The events of one partition read ahead of its turn: at most `capacity` wait, so a partition
/// read early holds a few pages, not all of them. One reader puts, one consumer takes.
actor PartitionEventBuffer {
    private var events: [PartitionEvent] = []
    private var next = 0
    private let capacity: Int
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waitingTaker: CheckedContinuation<Void, Never>?
    private var waitingPutter: CheckedContinuation<Void, any Error>?

    init(capacity: Int) {
        self.capacity = capacity
    }

    private var count: Int { events.count - next }

    func put(_ event: PartitionEvent) async throws {
        while count >= capacity && !cancelled {
            try await withCheckedThrowingContinuation { waitingPutter = $0 }
        }
        if cancelled { throw CancellationError() }
        events.append(event)
        waitingTaker?.resume()
        waitingTaker = nil
    }

    /// No more events; `error` is what ended the read, if it failed.
    func finish(_ error: (any Error)?) {
        finished = true
        failure = error
        waitingTaker?.resume()
        waitingTaker = nil
    }

    /// The next event, nil at the end; rethrows the reader's failure after its last event.
    func take() async throws -> PartitionEvent? {
        while count == 0 && !finished {
            await withCheckedContinuation { waitingTaker = $0 }
        }
        guard count > 0 else {
            if let failure { throw failure }
            return nil
        }
        let event = events[next]
        next += 1
        if next > 64 {
            events.removeFirst(next)
            next = 0
        }
        waitingPutter?.resume()
        waitingPutter = nil
        return event
    }

    /// The consumer gives up: a waiting reader stops with a cancellation.
    func cancel() {
        cancelled = true
        waitingPutter?.resume(throwing: CancellationError())
        waitingPutter = nil
    }
}
