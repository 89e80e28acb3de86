import Foundation
import InletIceberg
import InletIcebergDestination
import InletJSON
import InletPipeline
import InletProtocol
import Testing

/// The pipeline from a connector's messages to Iceberg tables and saved checkpoints.
@Suite("Sync pipeline")
struct SyncPipelineTests {
    private func cursor(of states: [AirbyteStateMessage]) -> Int64? {
        states.first?.stream?.streamState?["cursor"]?.intValue
    }

    @Test func appendsCommitInBatchesAndSaveEachStateOnceItsRecordsAreCommitted() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        // Seven pages of 50 with a state after each; commits every 100 records.
        let messages = stride(from: 0, to: 350, by: 50).flatMap { ScriptedConnector.page("items", $0..<$0 + 50) }
        let progress = try await fixture.sync(ScriptedConnector(messages: messages), mode: .append)
        #expect(progress.streams.first?.committed == 350)
        #expect(progress.statesSaved == 7)
        #expect(try fixture.snapshotCount() == 4)
        await #expect(try fixture.rows().count == 350)
        #expect(cursor(of: try fixture.savedStates()) == 350)
        // The next sync starts from the checkpoint.
        let next = ScriptedConnector(messages: ScriptedConnector.page("items", 350..<360))
        try await fixture.sync(next, mode: .append)
        #expect(cursor(of: next.observed.states) == 350)
        await #expect(try fixture.rows().count == 360)
        try await fixture.verify(rows: 360)
    }

    @Test func aConnectorFailureCommitsAnAppendUpToItsCheckpointAndTheRerunAddsTheRestOnce() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        // A state after 50 records, 30 more records, then the connector fails.
        let messages = ScriptedConnector.page("items", 0..<50) + Array(ScriptedConnector.page("items", 50..<80).dropLast())
        let connector = ScriptedConnector(messages: messages, failure: .systemError("the API went away"))
        do {
            try await fixture.sync(connector, mode: .append)
            Issue.record("the sync did not fail")
        } catch let error as SyncError {
            // The 30 after the checkpoint are not committed: the rerun reads them again from it.
            #expect(error.progress.heldBackAfterFailure == ["items": 30])
        }
        await #expect(try fixture.rows().count == 50)
        #expect(cursor(of: try fixture.savedStates()) == 50)
        let rerun = ScriptedConnector(messages: ScriptedConnector.page("items", 50..<100))
        let progress = try await fixture.sync(rerun, mode: .append)
        #expect(cursor(of: rerun.observed.states) == 50)
        #expect(progress.rereadAfterRestart.isEmpty)
        try await fixture.verify(rows: 100)
    }

    @Test func aConnectorFailureCommitsAMergeWholeAndCountsWhatTheRerunReadsAgain() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        let messages = ScriptedConnector.page("items", 0..<50) + Array(ScriptedConnector.page("items", 50..<80).dropLast())
        let connector = ScriptedConnector(messages: messages, failure: .systemError("the API went away"))
        await #expect(throws: SyncError.self) { try await fixture.sync(connector, mode: .merge) }
        // A merge commits all 80 (reading some again cannot duplicate them); the checkpoint is the
        // state after 50, and the 30 after it are counted as ones a rerun reads again.
        await #expect(try fixture.rows().count == 80)
        #expect(cursor(of: try fixture.savedStates()) == 50)
        let rerun = ScriptedConnector(messages: ScriptedConnector.page("items", 50..<100))
        let progress = try await fixture.sync(rerun, mode: .merge)
        #expect(cursor(of: rerun.observed.states) == 50)
        #expect(progress.rereadAfterRestart == ["items": 30])
        try await fixture.verify(rows: 100)
    }

    /// A sync stopped after a commit but before the state store saved its checkpoint (a failing
    /// store stands in for a kill at that moment): the rerun resumes from the checkpoint the
    /// table's commit carries, so an append table holds every record exactly once.
    @Test(arguments: [WriteMode.append, .merge])
    func aSyncStoppedBetweenACommitAndItsStateSaveResumesFromTheTable(mode: WriteMode) async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        let messages = stride(from: 0, to: 300, by: 50).flatMap { ScriptedConnector.page("items", $0..<$0 + 50) }
        // Commits at 100 and 200 records; the second commit's save fails.
        let store = SaveFailingStateStore(inner: try SQLiteStateStore(path: fixture.statePath), failFromSave: 2)
        await #expect(throws: SyncError.self) {
            try await fixture.sync(ScriptedConnector(messages: messages), mode: mode, stateStore: store)
        }
        #expect(cursor(of: try fixture.savedStates()) == 100)
        await #expect(try fixture.rows().count == 200)
        // The rerun starts from the table's checkpoint (200), not the store's (100), and saves it.
        let rerun = ScriptedConnector(messages: stride(from: 200, to: 300, by: 50).flatMap { ScriptedConnector.page("items", $0..<$0 + 50) })
        let progress = try await fixture.sync(rerun, mode: mode)
        #expect(cursor(of: rerun.observed.states) == 200)
        #expect(progress.resumedFromTableCheckpoint == ["items"])
        #expect(cursor(of: try fixture.savedStates()) == 300)
        try await fixture.verify(rows: 300)
        // A later sync finds the store and the table agree: nothing to resume from the table.
        let next = ScriptedConnector(messages: ScriptedConnector.page("items", 300..<310))
        let after = try await fixture.sync(next, mode: mode)
        #expect(cursor(of: next.observed.states) == 300)
        #expect(after.resumedFromTableCheckpoint.isEmpty)
        try await fixture.verify(rows: 310)
    }

    /// Time-based commits of an append stream stop at its latest checkpoint: records after it wait
    /// for the next one, so the table never holds records its checkpoint does not cover.
    @Test func anAppendCommitsOnlyWhatItsLatestCheckpointCovers() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        // 50 records and a state, then 30 records without one, then the connector fails.
        let messages = ScriptedConnector.page("items", 0..<50) + Array(ScriptedConnector.page("items", 50..<80).dropLast())
        let store = SaveFailingStateStore(inner: try SQLiteStateStore(path: fixture.statePath), failFromSave: 99)
        _ = try? await fixture.sync(ScriptedConnector(messages: messages, failure: .systemError("gone")), mode: .append,
                                    commitRecords: 20, stateStore: store)
        let summaries = try await fixture.snapshotSummaries()
        #expect(summaries.count == 1, "\(summaries)")
        #expect(summaries.first?["added-records"] == "50")
        #expect(summaries.first?["inlet.connection"] == "test")
        #expect(summaries.first?["inlet.state"]?.contains("\"cursor\":50") == true, "\(summaries)")
    }

    @Test func aFailedDestinationWriteSavesNoStateOfItsRecords() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        let catalog = try SQLiteCatalog(path: fixture.catalogPath, warehouse: "file://" + fixture.warehouse)
        let failing = InterceptedDestination(inner: IcebergDestination(catalog: catalog, namespace: "raw")) { write throws(DestinationError) in
            if write == 3 { throw DestinationError(stream: "items", message: "the disk is full") }
        }
        let messages = stride(from: 0, to: 400, by: 50).flatMap { ScriptedConnector.page("items", $0..<$0 + 50) }
        await #expect(throws: SyncError.self) { try await fixture.sync(ScriptedConnector(messages: messages), mode: .append, destination: failing) }
        await #expect(try fixture.rows().count == 200)
        #expect(cursor(of: try fixture.savedStates()) == 200)
    }

    @Test func anOverwriteReplacesTheTableOnlyWhenTheStreamCompletes() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        try await fixture.sync(ScriptedConnector(messages: ScriptedConnector.page("items", 0..<300)), mode: .overwrite)
        await #expect(try fixture.rows().count == 300)
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: fixture.warehouse + "/raw/items/data").sorted()
        // A refresh that fails half-way leaves the old rows, and no new file behind.
        let failing = ScriptedConnector(messages: Array(ScriptedConnector.page("items", 1000..<1250).dropLast()), failure: .systemError("gone"))
        await #expect(throws: SyncError.self) { try await fixture.sync(failing, mode: .overwrite) }
        let rows = try await fixture.rows()
        #expect(rows.count == 300 && rows[0] != nil && rows[1000] == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.warehouse + "/raw/items/data").sorted() == filesBefore)
        // A refresh that completes replaces them in one snapshot, though it committed in batches.
        try await fixture.sync(ScriptedConnector(messages: ScriptedConnector.page("items", 1000..<1250)), mode: .overwrite)
        let replaced = try await fixture.rows()
        #expect(replaced.count == 250 && replaced[0] == nil && replaced[1249] != nil)
        #expect(try fixture.snapshotCount() == 2)
        try await fixture.verify(rows: 250)
    }

    @Test func mergesKeepOneRowPerKeyAndTheGreatestCursorWithinABatch() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        try await fixture.sync(ScriptedConnector(messages: ScriptedConnector.page("items", 0..<20)), mode: .merge)
        // Updates of ids 5 and 6 (6 arrives twice: the later arrival has the older cursor) and a new id.
        let updates: [AirbyteMessage] = [
            .record(stream: "items", data: ["id": 5, "name": "five, renamed", "updated": 100]),
            .record(stream: "items", data: ["id": 6, "name": "six, newest", "updated": 300]),
            .record(stream: "items", data: ["id": 6, "name": "six, stale", "updated": 200]),
            .record(stream: "items", data: ["id": 42, "name": "new", "updated": 100]),
        ]
        try await fixture.sync(ScriptedConnector(messages: updates), mode: .merge)
        let rows = try await fixture.rows()
        #expect(rows.count == 21)
        #expect(rows[5]?["name"] == "five, renamed" && rows[6]?["name"] == "six, newest" && rows[7]?["name"] == "item 7")
        try await fixture.verify(rows: 21)
        // Against the table too: a record older than the row of its key leaves the row as it is.
        let late: [AirbyteMessage] = [
            .record(stream: "items", data: ["id": 8, "name": "eight, late and stale", "updated": 3]),
            .record(stream: "items", data: ["id": 9, "name": "nine, newer", "updated": 50]),
            .record(stream: "items", data: ["id": 6, "name": "six, same cursor", "updated": 300]),
        ]
        try await fixture.sync(ScriptedConnector(messages: late), mode: .merge)
        let merged = try await fixture.rows()
        #expect(merged.count == 21)
        #expect(merged[8]?["name"] == "item 8" && merged[9]?["name"] == "nine, newer" && merged[6]?["name"] == "six, same cursor")
    }

    @Test func columnsAreCastDroppedRenamedAndEncryptedAndMetadataAdded() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        let schema: JSONObject = [
            "type": "object",
            "properties": [
                "id": ["type": "integer"], "amount": ["type": "string"], "secret": ["type": "string"], "internal": ["type": "string"],
                "title": ["type": "string"], "when": ["type": "string"],
            ],
        ]
        let transformations = try ColumnTransformation.list(from: try JSONParser.parse("""
            [{"stream": "items", "column": "amount", "transformation_type": "cast", "target_type": "number"},
             {"stream": "items", "column": "when", "transformation_type": "cast", "target_type": "timestamp"},
             {"stream": "items", "column": "internal", "transformation_type": "drop"},
             {"stream": "items", "column": "title", "transformation_type": "rename", "new_name": "headline"},
             {"stream": "items", "column": "secret", "transformation_type": "encrypt", "encryption_key_name": "pii"}]
            """))
        let messages: [AirbyteMessage] = [
            .record(stream: "items", data: ["id": 1, "amount": "12.50", "secret": "s3cr3t", "internal": "x", "title": "First", "when": "2024-05-01T10:00:00Z"]),
            .record(stream: "items", data: ["id": 2, "amount": "n/a", "secret": ["nested": true], "title": "Second", "when": 1_700_000_000]),
        ]
        try await fixture.sync(ScriptedConnector(messages: messages), mode: .append, schema: schema, transformations: transformations,
                               metadata: true, cursor: nil)
        let rows = try await fixture.rows()
        let first = try #require(rows[1])
        #expect(first["amount"] == 12.5 && first["internal"] == nil && first["title"] == nil && first["headline"] == "First")
        #expect(first["when"] == "2024-05-01T10:00:00+00:00")
        #expect(first["ingestion_run_id"] == "run-1" && first["ingestion_mode"] == "append" && first["dag_job_id"] == "dag-7")
        #expect(first["ingestion_changes"] == .null && first["ingestion_time"]?.stringValue?.hasPrefix("20") == true)
        let second = try #require(rows[2])
        #expect(second["amount"] == .null)
        #expect(second["ingestion_changes"] == #"[{"field":"amount","change":"NULLED","reason":"DESTINATION_TYPECAST_ERROR"}]"#)
        #expect(second["when"] == "2023-11-14T22:13:20+00:00")
        // The sealed values open with the key store, and nowhere hold the plaintext.
        let keys = try KeyStore(path: fixture.keysPath)
        let sealed = try #require(first["secret"]?.stringValue)
        #expect(sealed.hasPrefix("inlet:v1:pii:") && !sealed.contains("s3cr3t"))
        #expect(try keys.decrypt(sealed) == "s3cr3t")
        #expect(try keys.decrypt(try #require(second["secret"]?.stringValue)) == ["nested": true])
        #expect(throws: TransformationError.self) { try KeyStore(path: fixture.directory.path + "/other.json").decrypt(sealed) }
        try await fixture.verify(rows: 2)
    }

    @Test func newFieldsInRecordsBecomeNewColumns() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        let messages = ScriptedConnector.page("items", 0..<10) + ScriptedConnector.page("items", 10..<20) { id in
            ["score": .double(Double(id) / 2), "tags": ["a", "b"]]
        }
        try await fixture.sync(ScriptedConnector(messages: messages), mode: .append, commitRecords: 10)
        let rows = try await fixture.rows()
        #expect(rows[3]?["score"] == .null && rows[15]?["score"] == 7.5 && rows[15]?["tags"] == #"["a","b"]"#)
        try await fixture.verify(rows: 20)
    }

    @Test func aTransformationFileWithAMistakeSaysWhere() throws {
        #expect(throws: TransformationError(path: "$[1].target_type", message: "'money' is not one of string, integer, number, boolean, timestamp, date")) {
            try ColumnTransformation.list(from: try JSONParser.parse("""
                [{"stream": "s", "column": "a", "transformation_type": "drop"},
                 {"stream": "s", "column": "b", "transformation_type": "cast", "target_type": "money"}]
                """))
        }
    }
}

/// A destination whose n-th write fails, to see what a sync saves when the destination breaks.
/// A state store whose saves fail from the `failFromSave`-th on, as if the process died there.
final class SaveFailingStateStore: StateStore, @unchecked Sendable {
    let inner: any StateStore
    let failFromSave: Int
    var saves = 0

    init(inner: any StateStore, failFromSave: Int) {
        self.inner = inner
        self.failFromSave = failFromSave
    }

    func states(connection: String) throws(StateStoreError) -> [AirbyteStateMessage] { try inner.states(connection: connection) }

    func save(_ states: [AirbyteStateMessage], uncheckpointedRecords: [String: Int], connection: String) throws(StateStoreError) {
        saves += 1
        if saves >= failFromSave { throw StateStoreError(description: "the state store went away") }
        try inner.save(states, uncheckpointedRecords: uncheckpointedRecords, connection: connection)
    }

    func uncheckpointedRecords(connection: String) throws(StateStoreError) -> [String: Int] {
        try inner.uncheckpointedRecords(connection: connection)
    }
}

/// A destination whose writers call `beforeWrite` with each write's number (from 1) first: to fail
/// a write, or to slow writes down.
struct InterceptedDestination: Destination {
    let inner: any Destination
    let beforeWrite: @Sendable (Int) throws(DestinationError) -> Void
    var name: String { "intercepted" }

    func open(_ plan: StreamPlan) throws(DestinationError) -> any StreamWriter {
        InterceptedWriter(inner: try inner.open(plan), beforeWrite: beforeWrite)
    }
}

final class InterceptedWriter: StreamWriter, @unchecked Sendable {
    let inner: any StreamWriter
    let beforeWrite: @Sendable (Int) throws(DestinationError) -> Void
    var writes = 0

    init(inner: any StreamWriter, beforeWrite: @escaping @Sendable (Int) throws(DestinationError) -> Void) {
        self.inner = inner
        self.beforeWrite = beforeWrite
    }

    func write(_ records: [JSONObject], checkpoint: TableCheckpoint?) throws(DestinationError) -> WriteReport {
        writes += 1
        try beforeWrite(writes)
        return try inner.write(records, checkpoint: checkpoint)
    }

    func checkpoint(connection: String) -> TableCheckpoint? { inner.checkpoint(connection: connection) }

    func complete() throws(DestinationError) -> WriteReport { try inner.complete() }
    func abandon() { inner.abandon() }
}

extension SyncPipelineTests {
    @Test(arguments: [WriteMode.append, .overwrite, .merge])
    func theJSONLinesDestinationWritesEachMode(mode: WriteMode) async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        let destination = JSONLinesDestination(directory: fixture.directory.path + "/jsonl")
        try await fixture.sync(ScriptedConnector(messages: ScriptedConnector.page("items", 0..<150)), mode: mode, destination: destination)
        try await fixture.sync(ScriptedConnector(messages: ScriptedConnector.page("items", 100..<200)), mode: mode, destination: destination)
        let lines = try String(contentsOfFile: fixture.directory.path + "/jsonl/items.jsonl", encoding: .utf8).split(separator: "\n")
        let ids = try lines.map { try JSONParser.parse(String($0))["id"]?.intValue ?? -1 }
        switch mode {
        case .append: #expect(ids.count == 250 && Set(ids).count == 200)
        case .overwrite: #expect(ids == Array(100..<200).map(Int64.init))
        case .merge: #expect(ids == Array(0..<200).map(Int64.init))
        }
        #expect(cursor(of: try fixture.savedStates()) == 200)
    }
}

extension SyncPipelineTests {
    @Test(arguments: [false, true])
    func nestedObjectsBecomeStructsAndListsOrJSONText(asJSON: Bool) async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        let schema: JSONObject = [
            "type": "object",
            "properties": [
                "id": ["type": "integer"],
                "address": ["type": ["null", "object"], "properties": ["city": ["type": "string"], "zip": ["type": "integer"]]],
                "tags": ["type": ["null", "array"], "items": ["type": "string"]],
                "extra": ["type": "object"],
                "seen": ["type": "string", "format": "date-time"],
            ],
        ]
        let messages: [AirbyteMessage] = [
            .record(stream: "items", data: ["id": 1, "address": ["city": "Lyon", "zip": 69001], "tags": ["a", "b"], "extra": ["k": [1, 2]],
                                            "seen": "2024-05-01T10:00:00.5+02:00"]),
            .record(stream: "items", data: ["id": 2, "address": .null, "tags": [], "seen": "not a time"]),
            .record(stream: "items", data: ["id": 3, "address": ["zip": "not a number"], "tags": .null]),
        ]
        let progress = try await fixture.sync(ScriptedConnector(messages: messages), mode: .append, schema: schema, cursor: nil,
                                              nestedAsJSON: asJSON)
        try await fixture.verify(rows: 3)
        let rows = try await fixture.rows()
        if asJSON {
            #expect(rows[1]?["address"] == #"{"city":"Lyon","zip":69001}"# && rows[1]?["tags"] == #"["a","b"]"#)
        } else {
            #expect(rows[1]?["address"] == ["city": "Lyon", "zip": 69001] && rows[1]?["tags"] == ["a", "b"])
            #expect(rows[2]?["address"] == .null && rows[2]?["tags"] == [])
            // A value that does not fit its column is null, and counted.
            #expect(rows[3]?["address"] == ["city": .null, "zip": .null])
        }
        #expect(rows[1]?["extra"] == #"{"k":[1,2]}"#)
        #expect(rows[1]?["seen"] == "2024-05-01T08:00:00.500000+00:00" && rows[2]?["seen"] == .null)
        #expect(progress.streams.first?.nulledValues == (asJSON ? 1 : 2))
    }
}

extension SyncPipelineTests {
    /// A connector that keeps the buffer full never lets the pipeline wait for it: cancelling the
    /// sync must still stop it at its next batch, keeping what it committed with its checkpoint.
    @Test func aCancelledSyncStopsEvenWhenTheConnectorKeepsTheBufferFull() async throws {
        let fixture = try SyncFixture()
        defer { fixture.remove() }
        let messages = stride(from: 0, to: 20_000, by: 100).flatMap { ScriptedConnector.page("items", $0..<($0 + 100)) }
        let destination = InterceptedDestination(inner: JSONLinesDestination(directory: fixture.directory.path + "/jsonl")) { _ in
            Thread.sleep(forTimeInterval: 0.02)
        }
        let sync = Task { try await fixture.sync(ScriptedConnector(messages: messages, pageSize: 1010), mode: .append, destination: destination) }
        try await Task.sleep(for: .milliseconds(300))
        sync.cancel()
        await #expect(throws: SyncError.self) { try await sync.value }
        let lines = (try? String(contentsOfFile: fixture.directory.path + "/jsonl/items.jsonl", encoding: .utf8))?.split(separator: "\n") ?? []
        // Some commits landed, not the whole source (200 commits of 20 ms would take 4 s).
        #expect(lines.count < 20_000, "\(lines.count) records written after the cancellation")
        let saved = cursor(of: try fixture.savedStates()) ?? 0
        #expect(saved <= lines.count && saved % 100 == 0, "checkpoint \(saved) for \(lines.count) records")
    }
}
