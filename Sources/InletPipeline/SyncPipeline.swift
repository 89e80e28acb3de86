import Dispatch
import Foundation
public import InletJSON
public import InletProtocol

/// Settings of one sync run.
public struct SyncOptions: Sendable {
    /// Names the connection whose checkpoint is read and written.
    public var connection: String
    public var runID: String
    /// Buffered records are committed at the first checkpoint after this many have arrived (across
    /// streams), or at four times as many without one...
    public var commitRecords: Int
    /// ...or once this long has passed since the last commit.
    public var commitInterval: Duration
    /// Where each batch is staged (as JSON lines) before it is committed: `staging/<run_id>/`.
    public var stagingDirectory: String?
    /// Where staged batches go once committed: `archive/<run_id>/`; nil deletes them.
    public var archiveDirectory: String?
    /// Keeps a config the connector replaced (a CONTROL CONNECTOR_CONFIG message, such as a rotated
    /// refresh token) before the sync goes on; a failure to keep it fails the sync, since the old
    /// refresh token may no longer work.
    public var keepConnectorConfig: (@Sendable (JSONObject) throws -> Void)?

    public init(connection: String, runID: String, commitRecords: Int = 100_000, commitInterval: Duration = .seconds(30),
                stagingDirectory: String? = nil, archiveDirectory: String? = nil,
                keepConnectorConfig: (@Sendable (JSONObject) throws -> Void)? = nil) {
        self.keepConnectorConfig = keepConnectorConfig
        self.connection = connection
        self.runID = runID
        self.commitRecords = commitRecords
        self.commitInterval = commitInterval
        self.stagingDirectory = stagingDirectory
        self.archiveDirectory = archiveDirectory
    }
}

/// One selected stream: where its records go and how they are prepared.
public struct SyncStream: Sendable {
    public var configured: ConfiguredAirbyteStream
    public var plan: StreamPlan
    public var preparer: RecordPreparer

    public init(configured: ConfiguredAirbyteStream, plan: StreamPlan, preparer: RecordPreparer) {
        self.configured = configured
        self.plan = plan
        self.preparer = preparer
    }
}

/// Counts of a sync so far, per stream, for the progress display and the final summary.
public struct SyncProgress: Sendable {
    public struct Stream: Sendable {
        public var name: String
        public var received = 0
        public var committed = 0
        public var bytes: Int64 = 0
        public var snapshots = 0
        public var nulledValues = 0
    }

    public var streams: [Stream]
    public var elapsed: Duration
    public var statesSaved = 0
    /// Per stream, records the previous sync committed after its last checkpoint: this run read them
    /// again (an append table holds them twice; a merge table does not).
    public var rereadAfterRestart: [String: Int] = [:]
    /// Records of streams the catalog did not select.
    public var ignoredRecords = 0
    /// Streams whose last sync was stopped between a commit and the state store's save: this run
    /// resumed from the checkpoint the table's commit carries, so the batch was not read again.
    public var resumedFromTableCheckpoint: [String] = []
    /// Per append stream, records that arrived after the last checkpoint of a failed sync: not
    /// committed, since the next sync reads them again from that checkpoint.
    public var heldBackAfterFailure: [String: Int] = [:]
}

/// Why a sync stopped: the connector failed, a record could not be prepared, the destination or the
/// state store failed. Whatever was committed before stays, with its checkpoint.
public struct SyncError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public var progress: SyncProgress
}

/// Runs a connector's read into a destination: prepares each record, buffers it per stream, commits
/// batches by size and time, and saves a source's STATE only once every record before it is
/// committed, so that a rerun after any crash resumes without losing a row. Append streams commit
/// exactly up to a checkpoint, and each commit carries the stream's checkpoint into the table, so a
/// rerun after any crash (even between a commit and the state save) adds every record exactly once.
public final class SyncPipeline: @unchecked Sendable {
    private let connector: any Connector
    private let destination: any Destination
    private let stateStore: any StateStore
    private let options: SyncOptions
    private let report: @Sendable (SyncProgress) -> Void

    private struct StreamRun {
        var setup: SyncStream
        var writer: any StreamWriter
        var buffer: [JSONObject] = []
        var counts = SyncProgress.Stream(name: "")
        /// Records committed (for an overwrite: once complete).
        var committed = 0
        /// Records received when the last saved state covering this stream arrived.
        var checkpointed = 0
        var batches = 0
        /// The batch's staging file contents: the records as the source sent them, unless the stream
        /// encrypts columns (then the prepared records are staged, so no plaintext lands on disk).
        var staged = JSONWriter()
        /// Where each buffered record's staged line ends in `staged`, to stage part of the buffer.
        var stagedEnds: [Int] = []
    }

    /// Why buffered records are committed; it decides how much of an append stream's buffer goes.
    private enum CommitReason {
        /// A batch is full or the commit interval passed: append streams commit up to their latest checkpoint.
        case batch
        /// Too much is buffered without a checkpoint: everything goes, to bound memory.
        case memoryBound
        /// The connector ended: everything goes, and the streams complete.
        case final
        /// The connector failed: append streams commit up to their latest checkpoint, the rest is read again next time.
        case failure
    }

    private struct PendingState {
        var message: AirbyteStateMessage
        /// Records received per stream when it arrived.
        var marks: [String: Int]
    }

    private var streams: [String: StreamRun] = [:]
    private var order: [String] = []
    private var pending: [PendingState] = []
    private var buffered = 0
    private var statesSaved = 0
    private var ignored = 0
    private var reread: [String: Int] = [:]
    /// Per stream, the state the state store holds now.
    private var lastSaved: [String: AirbyteStateMessage] = [:]
    private var resumedFromTable: [String] = []
    private var heldBack: [String: Int] = [:]
    private let clock = ContinuousClock()
    private var started: ContinuousClock.Instant
    private var lastCommit: ContinuousClock.Instant

    public init(connector: any Connector, destination: any Destination, stateStore: any StateStore, options: SyncOptions,
                progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }) {
        self.connector = connector
        self.destination = destination
        self.stateStore = stateStore
        self.options = options
        report = progress
        started = clock.now
        lastCommit = started
    }

    static func key(_ descriptor: StreamDescriptor) -> String {
        (descriptor.namespace.map { $0 + "." } ?? "") + descriptor.name
    }

    /// Syncs the streams; returns the final counts, or throws a `SyncError` after committing and
    /// checkpointing what arrived before the failure (overwrites are abandoned).
    public func run(config: JSONObject, streams selected: [SyncStream]) async throws(SyncError) -> SyncProgress {
        started = clock.now
        lastCommit = started
        var inputState: [AirbyteStateMessage]
        do {
            inputState = try stateStore.states(connection: options.connection)
            reread = try stateStore.uncheckpointedRecords(connection: options.connection).filter { $0.value > 0 }
            for setup in selected {
                let key = Self.key(setup.plan.descriptor)
                var run = StreamRun(setup: setup, writer: try destination.open(setup.plan))
                run.counts.name = key
                streams[key] = run
                order.append(key)
            }
            try resumeFromTableCheckpoints(&inputState)
        } catch let error as SyncError {
            throw error
        } catch {
            throw failure("\(error)")
        }
        let catalog = ConfiguredAirbyteCatalog(streams: selected.map(\.configured))
        var iterator = connector.read(config: config, catalog: catalog, state: inputState).makeAsyncIterator()
        var lastReport = clock.now
        do {
            while let batch = try await iterator.nextBatch() {
                // A cancelled sync stops here even when the connector keeps the buffer full.
                try Task.checkCancellation()
                let ingestionTime = Self.isoNow()
                for message in batch {
                    try handle(message, ingestionTime: ingestionTime)
                    // A full batch is committed at the source's next checkpoint, so that what is
                    // committed is also checkpointed and a restart reads nothing twice; a source that
                    // rarely checkpoints is committed at four batches anyway, to bound memory.
                    if case .state = message.content, buffered >= options.commitRecords {
                        try commit(.batch)
                    } else if buffered >= options.commitRecords, holdsEverything {
                        // Nothing becomes visible before the end: write a batch's files as soon as it is full.
                        try commit(.batch)
                    } else if buffered >= options.commitRecords * 4 {
                        try commit(.memoryBound)
                    }
                }
                if clock.now - lastCommit >= options.commitInterval && (buffered > 0 || !pending.isEmpty) {
                    try commit(.batch)
                }
                if clock.now - lastReport >= .seconds(1) {
                    lastReport = clock.now
                    report(progress)
                }
            }
            try commit(.final)
        } catch let error as SyncError {
            // The destination or a record failed: states whose records are all committed are still saved.
            try? saveReadyStates()
            abandon()
            throw error
        } catch {
            // The connector failed: what arrived before is still committed and checkpointed.
            let reason = (error as? ConnectorError)?.message ?? "\(error)"
            do { try commit(.failure) } catch let commitError {
                abandon()
                throw failure("\(reason); committing what arrived before also failed: \(commitError)")
            }
            abandon()
            throw failure("the connector \(connector.name) failed: \(reason)")
        }
        return progress
    }

    /// Every stream commits on completion: full batches can be written without waiting for checkpoints.
    private var holdsEverything: Bool {
        !order.isEmpty && order.allSatisfy { streams[$0]?.setup.plan.commitsOnCompletion == true }
    }

    public var progress: SyncProgress {
        SyncProgress(streams: order.compactMap { streams[$0]?.counts }, elapsed: clock.now - started, statesSaved: statesSaved,
                     rereadAfterRestart: reread, ignoredRecords: ignored, resumedFromTableCheckpoint: resumedFromTable,
                     heldBackAfterFailure: heldBack)
    }

    private func failure(_ message: String) -> SyncError {
        SyncError(description: message, progress: progress)
    }

    private func handle(_ message: AirbyteMessage, ingestionTime: String) throws(SyncError) {
        switch message.content {
        case .record(let record):
            let key = Self.key(StreamDescriptor(name: record.stream, namespace: record.namespace))
            guard let slot = streams.index(forKey: key) ?? streams.index(forKey: record.stream) else {
                ignored += 1
                return
            }
            // One lookup per record; the run is then changed in place through its position (a copy
            // of the run would copy its whole buffer).
            let preparer = streams.values[slot].setup.preparer
            let prepared: JSONObject
            do { prepared = try preparer.prepare(record, ingestionTime: ingestionTime) } catch {
                throw failure("stream \(key): \(error)")
            }
            streams.values[slot].buffer.append(prepared)
            if options.stagingDirectory != nil && !preparer.encrypts {
                streams.values[slot].staged.write(record.payload)
                streams.values[slot].staged.writeRaw("\n")
                streams.values[slot].stagedEnds.append(streams.values[slot].staged.count)
            }
            streams.values[slot].counts.received += 1
            buffered += 1
        case .state(let state):
            pending.append(PendingState(message: state, marks: streams.mapValues(\.counts.received)))
        case .control(let control):
            guard control.type == .connectorConfig, let config = control.connectorConfig, let keep = options.keepConnectorConfig else { return }
            do { try keep(config) } catch {
                throw failure("the connector replaced its config (a rotated token), and the new config cannot be kept: \(error)")
            }
        default:
            break
        }
    }

    /// Commits the streams' buffered records (an append stream's only up to its latest checkpoint,
    /// unless the sync ends or memory is bound), completes the streams at the end, then saves the
    /// states whose records are all committed.
    private func commit(_ reason: CommitReason) throws(SyncError) {
        for key in order {
            guard var run = streams[key] else { continue }
            let count = recordsToCommit(run, key: key, reason: reason)
            if count > 0 {
                let records = count == run.buffer.count ? run.buffer : Array(run.buffer[..<count])
                // The batch is staged on another thread while the destination writes it.
                let lines = run.stagedEnds.isEmpty ? run.staged.bytes : Array(run.staged.bytes[..<run.stagedEnds[count - 1]])
                let staging = StagingWrite(pipeline: self, contents: run.setup.preparer.encrypts ? .records(records) : .lines(lines),
                                           stream: key, batch: run.batches)
                let checkpoint = run.setup.plan.commitsOnCompletion ? nil : tableCheckpoint(for: key, through: run.committed + count)
                let written: WriteReport
                do { written = try run.writer.write(records, checkpoint: checkpoint) } catch {
                    staging.wait()
                    throw failure("\(error)")
                }
                run.batches += 1
                archive(staging.wait())
                apply(written, to: &run)
                if !run.setup.plan.commitsOnCompletion { run.committed += count }
                if count == run.buffer.count { run.buffer.removeAll(keepingCapacity: true) } else { run.buffer.removeFirst(count) }
                if run.stagedEnds.isEmpty || count == run.stagedEnds.count {
                    run.staged = JSONWriter()
                    run.stagedEnds.removeAll(keepingCapacity: true)
                } else {
                    let cut = run.stagedEnds[count - 1]
                    var rest = JSONWriter()
                    rest.writeRaw(run.staged.bytes[cut...])
                    run.staged = rest
                    run.stagedEnds = run.stagedEnds[count...].map { $0 - cut }
                }
            }
            if reason == .failure, !run.buffer.isEmpty {
                heldBack[key] = run.buffer.count
            }
            if reason == .final {
                do { apply(try run.writer.complete(), to: &run) } catch { throw failure("\(error)") }
                run.committed = run.counts.received
            }
            streams[key] = run
        }
        buffered = order.reduce(0) { $0 + (streams[$1]?.buffer.count ?? 0) }
        lastCommit = clock.now
        try saveReadyStates()
        // Whoever follows the sync hears of each commit, not only of the seconds passing.
        report(progress)
    }

    /// How many of a stream's buffered records to commit now. An append stream commits only the
    /// records its latest checkpoint covers, so that its table always ends exactly at a checkpoint
    /// (what follows is committed with the next one, or read again after a failure).
    private func recordsToCommit(_ run: StreamRun, key: String, reason: CommitReason) -> Int {
        guard run.setup.plan.writeMode == .append, !run.setup.plan.appendsAtomically, reason == .batch || reason == .failure else {
            return run.buffer.count
        }
        let mark = pending.reversed().first { streamsCovered(by: $0.message).contains(key) }?.marks[key] ?? run.committed
        return min(run.buffer.count, max(0, mark - run.committed))
    }

    /// The stream's latest state among those waiting for their records, once `committed` records are in.
    private func tableCheckpoint(for key: String, through committed: Int) -> TableCheckpoint? {
        guard let state = pending.reversed().first(where: { $0.message.effectiveType == .stream && streamKey(of: $0.message) == key
                                                              && ($0.marks[key] ?? 0) <= committed })?.message else { return nil }
        return TableCheckpoint(connection: options.connection, state: state, previous: lastSaved[key])
    }

    /// The selected streams a state checkpoints: its own stream, or all of them for a global state.
    private func streamsCovered(by state: AirbyteStateMessage) -> [String] {
        guard state.effectiveType == .stream, state.stream?.streamDescriptor != nil else { return order }
        return streamKey(of: state).map { [$0] } ?? []
    }

    /// The key of the selected stream a stream state belongs to.
    private func streamKey(of state: AirbyteStateMessage) -> String? {
        guard state.effectiveType == .stream, let descriptor = state.stream?.streamDescriptor else { return nil }
        let key = Self.key(descriptor)
        return streams[key] != nil ? key : streams[descriptor.name] != nil ? descriptor.name : nil
    }

    /// A stream whose table holds a commit newer than the state store's checkpoint (the last sync
    /// stopped between the two) resumes from the table's checkpoint, which is saved to the store now.
    private func resumeFromTableCheckpoints(_ inputState: inout [AirbyteStateMessage]) throws(SyncError) {
        for key in order {
            guard let checkpoint = streams[key]?.writer.checkpoint(connection: options.connection) else { continue }
            let index = inputState.firstIndex { streamKey(of: $0) == key }
            let stored = index.map { inputState[$0] }
            guard !TableCheckpoint.same(checkpoint.state, stored), TableCheckpoint.same(checkpoint.previous, stored) else { continue }
            if let index { inputState[index] = checkpoint.state } else { inputState.append(checkpoint.state) }
            do {
                try stateStore.save([checkpoint.state], uncheckpointedRecords: [key: 0], connection: options.connection)
            } catch {
                throw failure("\(error)")
            }
            resumedFromTable.append(key)
            reread[key] = nil
        }
        for state in inputState {
            if let key = streamKey(of: state) { lastSaved[key] = state }
        }
    }

    private func apply(_ written: WriteReport, to run: inout StreamRun) {
        run.counts.committed += written.committedRecords
        run.counts.snapshots += written.snapshots
        run.counts.bytes += written.bytes
        run.counts.nulledValues += written.nulledValues
    }

    private func saveReadyStates() throws(SyncError) {
        var ready: [AirbyteStateMessage] = []
        var remaining: [PendingState] = []
        for state in pending {
            let covered = streamsCovered(by: state.message)
            let isReady = covered.allSatisfy { key in (streams[key]?.committed ?? 0) >= (state.marks[key] ?? 0) }
            // Readiness only grows with the records committed, so states stay in their order.
            guard isReady else {
                remaining.append(state)
                continue
            }
            ready.append(state.message)
            for key in covered { streams[key]?.checkpointed = state.marks[key] ?? 0 }
            if let key = streamKey(of: state.message) { lastSaved[key] = state.message }
        }
        pending = remaining
        let uncheckpointed = Dictionary(uniqueKeysWithValues: order.compactMap { key in
            streams[key].map { (key, max(0, $0.committed - $0.checkpointed)) }
        })
        do { try stateStore.save(ready, uncheckpointedRecords: uncheckpointed, connection: options.connection) } catch {
            throw failure("\(error)")
        }
        statesSaved += ready.count
    }

    private func abandon() {
        for key in order { streams[key]?.writer.abandon() }
    }

    /// What a staging file holds: JSON lines already written, or records to write as lines.
    enum StagedContents: Sendable {
        case lines([UInt8])
        case records([JSONObject])
    }

    /// Writes a batch as JSON lines under the staging directory; returns its path.
    fileprivate func stage(_ contents: StagedContents, stream: String, batch: Int) -> String? {
        guard let directory = options.stagingDirectory else { return nil }
        var writer = JSONWriter()
        switch contents {
        case .lines(let bytes):
            writer.writeRaw(bytes)
        case .records(let records):
            for record in records {
                writer.write(.object(record))
                writer.writeRaw("\n")
            }
        }
        let path = "\(directory)/\(Self.fileName(stream))-\(String(format: "%05d", batch)).jsonl"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return FileManager.default.createFile(atPath: path, contents: Data(writer.bytes)) ? path : nil
    }

    /// Moves a committed batch to the archive, or deletes it.
    private func archive(_ staged: String?) {
        guard let staged else { return }
        guard let archive = options.archiveDirectory else {
            try? FileManager.default.removeItem(atPath: staged)
            return
        }
        try? FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        try? FileManager.default.moveItem(atPath: staged, toPath: archive + "/" + (staged as NSString).lastPathComponent)
    }

    static func fileName(_ stream: String) -> String {
        String(stream.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    static func isoNow() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

/// A batch being written to the staging directory on a thread of its own.
private final class StagingWrite: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var path: String?

    init(pipeline: SyncPipeline, contents: SyncPipeline.StagedContents, stream: String, batch: Int) {
        DispatchQueue.global().async { [self] in
            path = pipeline.stage(contents, stream: stream, batch: batch)
            done.signal()
        }
    }

    /// Waits for the file and returns its path (nil when there is no staging directory).
    @discardableResult
    func wait() -> String? {
        done.wait()
        done.signal()
        return path
    }
}
