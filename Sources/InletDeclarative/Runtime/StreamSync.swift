import InletInterpolation
import InletJSON
import InletProtocol

/// One read of one stream: walks its partitions and cursor windows in order, hands each record on,
/// and keeps the stream state in the CDK's formats — `{cursor_field: value}` for a cursor,
/// `{"states": [{"partition", "cursor"}], "state", "use_global_cursor", "lookback_window"}` for a
/// cursor per partition, and `{"__ab_no_cursor_state_message": true}` without a cursor.
///
/// The state only ever advances over windows that completed, so a failure part-way leaves a state
/// from which the next sync re-reads what was missed.
final class StreamSync {
    let stream: StreamRuntime
    let session: ReadSession
    private let inputState: JSONObject
    private var cursorState: CursorState?
    private var partitions: [String: PartitionCursor] = [:]
    /// Partitions in the CDK's order: those of the input state first, then new ones as read.
    private var partitionOrder: [String] = []
    /// The input state's partitions, kept in the state as they were until read again.
    private var savedPartitions: [String: (partition: JSONObject, cursor: JSONObject)] = [:]
    private var globalCursorValue: String?
    private var newGlobalCursorValue: String?
    private let startedAt = SystemClock.microsecondsSinceEpoch()
    private var lookbackSeconds = 0
    /// Partitions with a cursor so far, those of the input state included, as the CDK counts them.
    private var partitionCount = 0
    /// Set once more than `switchToGlobalLimit` partitions were seen: the state keeps only the
    /// global cursor from then on, so it stays small however many partitions a stream has.
    private var switchedToGlobalCursor = false
    static let switchToGlobalLimit = 10_000
    /// At most this many partition cursors are kept; the oldest go first.
    static let maximumPartitionCursors = 25_000
    /// A state with a cursor per partition grows with the partitions, so it is checkpointed at most
    /// this often while they are read (the final state always goes out), never once per window.
    static let partitionCheckpointInterval: Duration = .seconds(5)
    private var lastPartitionCheckpoint: ContinuousClock.Instant?
    private var finished = false
    private let parentStates: PartitionRouterRuntime.ParentStates
    /// The highest value an `IncrementingCountCursor` saw.
    private var highestCount: JSONValue?
    /// The first async job that failed every attempt: the other partitions still run, as in the
    /// CDK, and the stream fails once they have.
    private var failedJobs: DeclarativeError?

    private struct PartitionCursor {
        var partition: JSONObject
        var state: CursorState
        var legacy: JSONObject
    }

    init(stream: StreamRuntime, session: ReadSession, state: JSONObject) {
        self.stream = stream
        self.session = session
        inputState = state
        parentStates = PartitionRouterRuntime.ParentStates(input: state["parent_state"]?.objectValue ?? [:])
        if let cursor = stream.cursor, stream.router == nil {
            cursorState = cursor.initialState(from: state)
        }
        if stream.router != nil, stream.cursor != nil {
            for case .object(let entry) in state["states"]?.arrayValue ?? [] {
                guard let partition = entry["partition"]?.objectValue, let cursor = entry["cursor"]?.objectValue else { continue }
                let key = PartitionKey.of(partition)
                if savedPartitions.updateValue((partition, cursor), forKey: key) == nil {
                    partitionOrder.append(key)
                    partitionCount += 1
                }
            }
            globalCursorValue = state["state"]?.objectValue?[stream.cursor!.cursorField].map(PythonValueText.str)
            lookbackSeconds = Int(state["lookback_window"]?.intValue ?? 0)
        }
    }

    private var usesGlobalCursor: Bool {
        switchedToGlobalCursor || stream.cursor?.definition.globalSubstreamCursor == true || inputState["use_global_cursor"]?.boolValue == true
    }

    /// Reads the whole stream. `records` gets each page's records with their slice; `checkpoint`
    /// gets the state each time a window completes.
    func run(records: ([LazyJSONObject], StreamSlice) async throws -> Void,
             checkpoint: (JSONObject) async throws -> Void) async throws {
        do {
            try await runPartitions(records: records, checkpoint: checkpoint)
        } catch let exhausted as AsyncJobRuntime.AttemptsExhausted {
            throw exhausted.error
        }
        if let failedJobs { throw failedJobs }
    }

    /// Runs `read`; an async job that failed every attempt is noted instead of ending the stream.
    /// Returns false then, so that its window is not counted as read.
    private func deferringJobFailures(_ read: () async throws -> Void) async throws -> Bool {
        do {
            try await read()
            return true
        } catch let exhausted as AsyncJobRuntime.AttemptsExhausted {
            failedJobs = failedJobs ?? exhausted.error
            return false
        }
    }

    private func runPartitions(records: ([LazyJSONObject], StreamSlice) async throws -> Void,
                               checkpoint: (JSONObject) async throws -> Void) async throws {
        if let counter = stream.countCursor {
            let slice = counter.slice(from: inputState)
            try await stream.readSlice(slice, session: session) { page in
                for record in page {
                    guard let value = record[counter.cursorField], !value.isNull else { continue }
                    if highestCount.map({ IncrementingCountCursorRuntime.isLess($0, than: value) }) ?? true { highestCount = value }
                }
                try await records(page, slice)
            }
            finished = true
            try await checkpoint(currentState)
            return
        }
        guard let cursor = stream.cursor else {
            if let router = stream.router {
                try await readPartitions(of: router, cursor: nil, end: nil, records: records, checkpoint: checkpoint)
            } else {
                try await stream.readSlice(.empty, session: session) { try await records($0, .empty) }
            }
            finished = true
            return
        }
        let end = try cursor.end(session: session)
        if let router = stream.router {
            try await readPartitions(of: router, cursor: cursor, end: end, records: records, checkpoint: checkpoint)
        } else {
            guard var state = cursorState else { return }
            for window in cursor.windows(after: state, end: end) {
                let slice = StreamSlice(cursorSlice: window)
                var mostRecent: PyDateTime?
                guard try await deferringJobFailures({
                    mostRecent = try await PartitionReader.readWindow(slice, stream: stream, session: session, cursor: cursor,
                                                                      state: state, end: end) { try await records($0, slice) }
                }) else { continue }
                cursor.close(window: window, mostRecent: mostRecent, in: &state)
                cursorState = state
                try await checkpoint(currentState)
            }
        }
        finished = true
        if stream.router != nil {
            if newGlobalCursorValue != nil {
                globalCursorValue = newGlobalCursorValue
                lookbackSeconds = Int((Double(SystemClock.microsecondsSinceEpoch() - startedAt) / 1_000_000).rounded(.up))
            }
        }
    }

    /// Reads every partition: one after another, or with `concurrency_level` above one, several at
    /// once with their events applied in partition order, so records, state and checkpoints come
    /// out exactly as a sequential read's.
    private func readPartitions(of router: PartitionRouterRuntime, cursor: DatetimeCursorRuntime?, end: PyDateTime?,
                                records: ([LazyJSONObject], StreamSlice) async throws -> Void,
                                checkpoint: (JSONObject) async throws -> Void) async throws {
        let level = session.concurrency
        let stream = self.stream, session = self.session
        guard level > 1 else {
            try await router.forEachPartition(session: session, parentStates: parentStates) { partition in
                guard let plan = await plan(for: partition, cursor: cursor, end: end) else { return }
                try await PartitionReader.read(plan, stream: stream, session: session, end: end) { event in
                    try await apply(event, of: plan, cursor: cursor, records: records, checkpoint: checkpoint)
                }
            }
            return
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var reading: [(plan: PartitionPlan, events: PartitionEventBuffer)] = []
            func applyFirst() async throws {
                let (plan, events) = reading.removeFirst()
                while let event = try await events.take() {
                    try await apply(event, of: plan, cursor: cursor, records: records, checkpoint: checkpoint)
                }
                // A reader that finished is collected, so finished tasks do not pile up in the group.
                try await group.next()
            }
            do {
                try await router.forEachPartition(session: session, parentStates: parentStates) { partition in
                    guard let plan = await plan(for: partition, cursor: cursor, end: end) else { return }
                    let events = PartitionEventBuffer(capacity: Self.eventsReadAhead)
                    group.addTask {
                        do {
                            try await PartitionReader.read(plan, stream: stream, session: session, end: end) { try await events.put($0) }
                            await events.finish(nil)
                        } catch {
                            await events.finish(error)
                        }
                    }
                    reading.append((plan, events))
                    while reading.count >= level { try await applyFirst() }
                }
                while !reading.isEmpty { try await applyFirst() }
            } catch {
                for (_, events) in reading { await events.cancel() }
                group.cancelAll()
                throw error
            }
        }
    }

    /// Events a partition read ahead of its turn may hold.
    static let eventsReadAhead = 4

    /// What reading `partition` involves; nil for a partition with a cursor that was read already.
    private func plan(for partition: StreamSlice, cursor: DatetimeCursorRuntime?, end: PyDateTime?) async -> PartitionPlan? {
        let key = PartitionKey.of(partition.partition)
        guard let cursor, let end else { return PartitionPlan(key: key, partition: partition, windows: nil, state: nil) }
        guard partitions[key] == nil else { return nil }
        if savedPartitions[key] == nil {
            await limitPartitions()
            partitionCount += 1
        }
        var legacy = JSONObject()
        var streamState = JSONObject()
        if let saved = savedPartitions[key]?.cursor {
            legacy = saved
            streamState = saved
        } else if let global = globalCursorValue {
            streamState = [cursor.cursorField: .string(global)]
            if lookbackSeconds > 0, let value = cursor.parse(.string(global)),
               let earlier = value.adding(PyTimedelta(microseconds: -Int64(lookbackSeconds) * 1_000_000)) {
                streamState[cursor.cursorField] = .string(cursor.format(earlier))
            }
            legacy = streamState
        }
        let state = cursor.initialState(from: streamState)
        partitions[key] = PartitionCursor(partition: partition.partition, state: state, legacy: legacy)
        if savedPartitions[key] == nil { partitionOrder.append(key) }
        return PartitionPlan(key: key, partition: partition, windows: cursor.windows(after: state, end: end), state: state)
    }

    /// Applies one event of a partition's read: records go on, a finished window moves the
    /// partition's cursor and may checkpoint.
    private func apply(_ event: PartitionEvent, of plan: PartitionPlan, cursor: DatetimeCursorRuntime?,
                       records: ([LazyJSONObject], StreamSlice) async throws -> Void,
                       checkpoint: (JSONObject) async throws -> Void) async throws {
        switch event {
        case .page(let page, let slice):
            if let cursor {
                for data in page {
                    guard let value = cursor.cursorValue(of: data) else { continue }
                    let formatted = cursor.format(value)
                    if newGlobalCursorValue.map({ $0 < formatted }) ?? true { newGlobalCursorValue = formatted }
                }
            }
            try await records(page, slice)
        case .windowRead(let window, let mostRecent):
            guard let cursor, var state = partitions[plan.key]?.state else { return }
            cursor.close(window: window, mostRecent: mostRecent, in: &state)
            partitions[plan.key]?.state = state
            let now = ContinuousClock.now
            if lastPartitionCheckpoint.map({ now - $0 >= Self.partitionCheckpointInterval }) ?? true {
                lastPartitionCheckpoint = now
                try await checkpoint(currentState)
            }
        case .jobsFailed(let error):
            failedJobs = failedJobs ?? error
        }
    }

    /// The CDK's `_ensure_partition_limit`: past `switchToGlobalLimit` partitions the state switches
    /// to the global cursor, and the oldest partition cursors are dropped beyond `maximumPartitionCursors`.
    private func limitPartitions() async {
        if !usesGlobalCursor, partitionCount > Self.switchToGlobalLimit {
            switchedToGlobalCursor = true
            await session.log(.info, "Exceeded the 'SWITCH_TO_GLOBAL_LIMIT' of \(Self.switchToGlobalLimit). Switching to global cursor for \(stream.name).")
        }
        let excess = partitionOrder.count - (Self.maximumPartitionCursors - 1)
        guard excess > 0 else { return }
        // Only a few partitions are read at once, so the oldest of 25,000 have finished.
        for key in partitionOrder.prefix(excess) {
            partitions.removeValue(forKey: key)
            savedPartitions.removeValue(forKey: key)
        }
        partitionOrder.removeFirst(excess)
    }

    /// The stream's state now, in the CDK's format.
    var currentState: JSONObject {
        if let counter = stream.countCursor {
            // A read that did not finish leaves the state where it was, as the CDK's partition that never closed.
            return counter.state(after: inputState, highest: finished ? highestCount : nil)
        }
        guard let cursor = stream.cursor else {
            return ["__ab_no_cursor_state_message": true]
        }
        if stream.router == nil {
            guard let cursorState else { return inputState }
            var legacy = inputState
            legacy.removeValue(forKey: "state_type")
            legacy.removeValue(forKey: "slices")
            return cursor.stateValue(cursorState, legacy: legacy)
        }
        var state: JSONObject = ["use_global_cursor": .bool(usesGlobalCursor)]
        if !usesGlobalCursor {
            var states: [JSONValue] = []
            for key in partitionOrder {
                if let entry = partitions[key] {
                    states.append(.object([
                        "partition": .object(entry.partition),
                        "cursor": .object(cursor.stateValue(entry.state, legacy: entry.legacy)),
                    ]))
                } else if let saved = savedPartitions[key] {
                    states.append(.object(["partition": .object(saved.partition), "cursor": .object(saved.cursor)]))
                }
            }
            state["states"] = .array(states)
        }
        if let globalCursorValue {
            state["state"] = .object([cursor.cursorField: .string(globalCursorValue)])
        }
        state["lookback_window"] = .int(Int64(lookbackSeconds))
        if finished, let router = stream.router, router.keepsParentState {
            var parentState = JSONObject()
            for parent in router.parents where parent.config.incrementalDependency {
                let name = parent.stream.name
                parentState[name] = parentStates.read[name] ?? parentStates.input[name] ?? .object([:])
            }
            state["parent_state"] = .object(parentState)
        }
        return state
    }
}

/// A partition's identity: its JSON with sorted keys, as the CDK's `PerPartitionKeySerializer`.
enum PartitionKey {
    static func of(_ partition: JSONObject) -> String {
        JSONWriter.string(from: sorted(.object(partition)))
    }

    private static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result = JSONObject()
            for key in object.keys.sorted() { result[key] = sorted(object[key]!) }
            return .object(result)
        case .array(let elements):
            return .array(elements.map(sorted))
        default:
            return value
        }
    }
}
