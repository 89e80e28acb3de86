import Foundation
import InletJSON
import InletS3
import InletTestSupport
import Testing

/// `inlet sync` as a user runs it: the demo manifest against its loopback API (`demo/items_api.py`),
/// into a fresh data directory, checked with pyiceberg and DuckDB; and killed with SIGKILL mid-sync,
/// then run again.
@Suite("inlet sync", .serialized)
struct SyncExecutableTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let manifest = repository.appendingPathComponent("manifests/demo-items/manifest.yaml").path

    /// The demo API on a free loopback port, `delay` seconds per request; stopped by `stop`.
    final class DemoAPI: @unchecked Sendable {
        let process = Process()
        let port: Int
        /// The longest an API may live (the Airflow test, the longest user, takes under 20 minutes).
        static let lifetime = 1800

        /// Starts the API and waits for its port on a thread of its own.
        static func start(count: Int, delay: Double) async throws -> DemoAPI {
            try await onOwnThread { try DemoAPI(count: count, delay: delay) }
        }

        convenience init(count: Int, delay: Double) throws {
            try self.init(script: SyncExecutableTests.repository.appendingPathComponent("demo/items_api.py").path, arguments: [String(count), String(delay)])
        }

        /// Another loopback API written in Python that prints its port.
        init(script: String, arguments: [String] = []) throws {
            // The port comes through a file: the server keeps its end of a pipe open for good.
            let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-demo-port-\(UUID().uuidString)").path
            FileManager.default.createFile(atPath: portFile, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: portFile) }
            // Under `timeout` in a group of its own, as ChildServer runs servers: one whose test
            // process died goes after `lifetime`; and it writes to none of the test's own streams,
            // which would keep `swift test` waiting for their end.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["timeout", "-s", "KILL", String(Self.lifetime), "python3", script] + arguments
            process.standardOutput = FileHandle(forWritingAtPath: portFile)
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            var port: Int?
            while port == nil && Date() < deadline {
                port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                if port == nil { Thread.sleep(forTimeInterval: 0.02) }
            }
            guard let port else {
                kill(-process.processIdentifier, SIGKILL)
                throw CocoaError(.fileReadCorruptFile)
            }
            self.port = port
        }

        /// SIGKILL: the test process may ignore SIGTERM, and its children inherit that. Not waited
        /// for: `stop` runs in tests' `defer`s on the cooperative pool, and two tests waiting there
        /// for `waitUntilExit` once held the whole pool (Foundation reaps the child by itself).
        func stop() {
            kill(-process.processIdentifier, SIGKILL)
        }
    }

    typealias RunOutput = (status: Int32, output: String)

    struct Run {
        let directory: URL
        let manifest: String
        var dataDir: String { directory.appendingPathComponent("data").path }
        var config: String { directory.appendingPathComponent("config.json").path }

        /// `manifest`: the demo's unless given, as YAML text.
        init(api: DemoAPI, manifest: String? = nil) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-sync-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            self.directory = directory
            if let manifest {
                self.manifest = directory.appendingPathComponent("manifest.yaml").path
                try manifest.write(toFile: self.manifest, atomically: true, encoding: .utf8)
            } else {
                self.manifest = SyncExecutableTests.manifest
            }
            try Data(#"{"api_url": "http://127.0.0.1:\#(api.port)"}"#.utf8).write(to: URL(fileURLWithPath: config))
        }

        func arguments(_ extra: [String]) -> [String] {
            ["sync", "--manifest-path", manifest, "--config", config, "--data-dir", dataDir] + extra
        }

        /// The commits in the table of `stream` (its metadata files, less the one that created it).
        func commits(_ stream: String = "items") -> Int {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dataDir + "/warehouse/raw/\(stream)/metadata")) ?? []
            return max(0, files.filter { $0.hasSuffix(".metadata.json") }.count - 1)
        }

        func process(_ extra: [String]) -> Process {
            let process = Process()
            process.executableURL = ExecutableTests.executable
            process.arguments = arguments(extra)
            return process
        }

        /// Runs a sync to its end; returns its exit status and output. `environment` changes the test's
        /// (a nil value removes the variable).
        func sync(_ extra: [String], environment: [String: String?] = [:]) async throws -> RunOutput {
            try await onOwnThread { try syncBlocking(extra, environment: environment) }
        }

        /// As `sync`, blocking the calling thread: only for code already on a thread of its own.
        func syncBlocking(_ extra: [String], environment: [String: String?] = [:]) throws -> RunOutput {
            var variables = ProcessInfo.processInfo.environment
            for (name, value) in environment { variables[name] = value }
            let finished = try FinishedProcess.runBlocking(ExecutableTests.executable.path, arguments(extra), environment: variables)
            return (finished.status, finished.output)
        }

        /// Starts a sync and kills it with SIGKILL once `commits` snapshots have landed, plus up to 0.15 s.
        func syncKilled(_ extra: [String], afterCommits commits: Int) async throws {
            let stillRunning = try await onOwnThread { try syncKilledBlocking(extra, afterCommits: commits) }
            #expect(!stillRunning, "the sync ended before it could be killed")
        }

        /// Returns whether the sync had already ended when it was to be killed.
        private func syncKilledBlocking(_ extra: [String], afterCommits commits: Int) throws -> Bool {
            let process = process(extra)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && Date() < deadline {
                if self.commits() >= commits { break }
                Thread.sleep(forTimeInterval: 0.01)
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.15))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return process.terminationReason != .uncaughtSignal
        }

        /// Rows of raw.items read more than once that are not a checkpoint's boundary record: the
        /// demo's cursor resumes at its checkpoint's value inclusively (as the CDK does), so each
        /// resumed sync reads the record at that instant again; any other repeat is the pipeline's.
        func repeatsBeyondCheckpointBoundaries(_ stream: String = "items") async throws -> (repeats: Int, boundaryRepeats: Int) {
            let script = """
                import json, collections
                from pyiceberg.catalog.sql import SqlCatalog
                t = SqlCatalog("default", uri="sqlite:///\(dataDir)/catalog.db", warehouse="file://\(dataDir)/warehouse").load_table("raw.\(stream)")
                rows = t.scan(selected_fields=("id", "updated_at")).to_arrow().to_pylist()
                counts = collections.Counter(r["id"] for r in rows)
                stamps = {r["id"]: r["updated_at"] for r in rows}
                boundaries = set()
                for s in t.metadata.snapshots:
                    state = s.summary.additional_properties.get("inlet.state")
                    if state:
                        boundaries.add(json.loads(state)["stream"]["stream_state"]["updated_at"])
                def text(v): return v.strftime("%Y-%m-%dT%H:%M:%SZ") if hasattr(v, "strftime") else str(v)
                extra = [i for i, n in counts.items() for _ in range(n - 1)]
                print(sum(1 for i in extra if text(stamps[i]) not in boundaries), sum(1 for i in extra if text(stamps[i]) in boundaries))
                """
            let counts = try await SyncExecutableTests.runPython(["-c", script]).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return (counts.first ?? -1, counts.last ?? -1)
        }

        /// pyiceberg's rows of raw.items: how many, how many distinct ids; then the readers' cross-check.
        func table(_ stream: String = "items") async throws -> (rows: Int, ids: Int, verified: Bool) {
            let script = """
                import sys
                from pyiceberg.catalog.sql import SqlCatalog
                t = SqlCatalog("default", uri="sqlite:///\(dataDir)/catalog.db", warehouse="file://\(dataDir)/warehouse").load_table("raw.\(stream)")
                ids = t.scan(selected_fields=("id",)).to_arrow().column("id").to_pylist()
                print(len(ids), len(set(ids)))
                """
            let counts = try await SyncExecutableTests.runPython(["-c", script]).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            let verifier = SyncExecutableTests.repository.deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path
            let report = try await SyncExecutableTests.runPython([verifier, "--catalog", dataDir + "/catalog.db", "--warehouse", dataDir + "/warehouse",
                                                             "--namespace", "raw", "--table", stream, "--strict"])
            return (counts.first ?? -1, counts.last ?? -1, report.hasSuffix("OK\n"))
        }
    }

    static func runPython(_ arguments: [String]) async throws -> String {
        try await ReferencePython.run(arguments)
    }

    @Test func theDemoSyncLandsEveryRecordAndASecondSyncResumes() async throws {
        let api = try await DemoAPI.start(count: 2000, delay: 0)
        defer { api.stop() }
        let run = try Run(api: api)
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let first = try await run.sync([])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("raw.items: 2000 read, 2000 committed, 1 snapshot"), "\(first.output)")
        let table = try await run.table()
        #expect(table.rows == 2000 && table.ids == 2000 && table.verified)
        // The next sync starts from the checkpoint: it reads only the last window again.
        let second = try await run.sync([])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("raw.items: 1 read"), "\(second.output)")
        await #expect(try run.table().rows == 2000)
    }

    /// Checkpoints belong to the tables a sync fills: the same source into another namespace or
    /// warehouse reads everything, unless `--connection` says it is the same connection.
    @Test func aSyncIntoOtherTablesDoesNotResumeFromTheirCheckpoint() async throws {
        let api = try await DemoAPI.start(count: 1200, delay: 0)
        defer { api.stop() }
        let run = try Run(api: api)
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let first = try await run.sync([])
        let otherNamespace = try await run.sync(["--namespace", "copy"])
        let otherWarehouse = try await run.sync(["--warehouse", run.directory.appendingPathComponent("elsewhere").path])
        let named = try await run.sync(["--namespace", "named", "--connection", "demo"])
        let namedElsewhere = try await run.sync(["--namespace", "named-too", "--connection", "demo"])
        #expect(first.output.contains("raw.items: 1200 read"), "\(first.output)")
        #expect(otherNamespace.output.contains("copy.items: 1200 read"), "\(otherNamespace.output)")
        #expect(otherWarehouse.output.contains("raw.items: 1200 read"), "\(otherWarehouse.output)")
        #expect(named.output.contains("named.items: 1200 read"), "\(named.output)")
        #expect(namedElsewhere.output.contains("named-too.items: 1 read"), "\(namedElsewhere.output)")
    }

    /// The demo into an `s3://` warehouse on moto, twice (the second resumes): both readers read the
    /// table from S3 and agree.
    @Test func aSyncIntoAnS3WarehouseIsReadBackFromS3() async throws {
        // The server's start and the bucket's creation wait on a thread of their own.
        let moto = try await onOwnThread { () throws -> ChildServer in
            let moto = try ChildServer.moto()
            let client = S3Client(S3Client.Configuration(endpoint: URL(string: "http://127.0.0.1:\(moto.port)"),
                                                         credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing")))
            defer { client.shutdown() }
            do { try client.createBucket("lake") } catch {
                moto.stop()
                throw error
            }
            return moto
        }
        defer { moto.stop() }
        let endpoint = "http://127.0.0.1:\(moto.port)"
        let api = try await DemoAPI.start(count: 1500, delay: 0)
        defer { api.stop() }
        let run = try Run(api: api)
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let environment: [String: String?] = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL_S3": endpoint,
                                              "AWS_REGION": "us-east-1"]
        let missing = try await run.sync(["--warehouse", "s3://lake/wh"], environment: ["AWS_ACCESS_KEY_ID": nil, "AWS_SECRET_ACCESS_KEY": nil])
        #expect(missing.status != 0 && missing.output.contains("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), "\(missing.output)")
        let first = try await run.sync(["--warehouse", "s3://lake/wh"], environment: environment)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("raw.items: 1500 read, 1500 committed, 1 snapshot") && first.output.contains("s3://lake/wh"), "\(first.output)")
        let second = try await run.sync(["--warehouse", "s3://lake/wh"], environment: environment)
        #expect(second.status == 0 && second.output.contains("raw.items: 1 read"), "\(second.output)")
        // The same from a settings file, with no AWS_* variables at all; a wrong key is refused by name.
        let settings = run.directory.appendingPathComponent("s3.json").path
        try Data(#"{"endpoint": "\#(endpoint)", "access_key_id": "testing", "secret_access_key": "testing", "path_style": true}"#.utf8)
            .write(to: URL(fileURLWithPath: settings))
        let withoutAWS: [String: String?] = ["AWS_ACCESS_KEY_ID": nil, "AWS_SECRET_ACCESS_KEY": nil, "AWS_ENDPOINT_URL_S3": nil]
        let third = try await run.sync(["--warehouse", "s3://lake/wh", "--s3-config", settings], environment: withoutAWS)
        #expect(third.status == 0 && third.output.contains("raw.items: 1 read"), "\(third.output)")
        try Data(#"{"secret_acess_key": "hidden-value"}"#.utf8).write(to: URL(fileURLWithPath: settings))
        let misspelt = try await run.sync(["--warehouse", "s3://lake/wh", "--s3-config", settings], environment: withoutAWS)
        #expect(misspelt.status != 0 && misspelt.output.contains("unknown setting 'secret_acess_key'") && !misspelt.output.contains("hidden-value"),
                "\(misspelt.output)")
        let verifier = Self.repository.deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path
        let report = try await Self.runPython([verifier, "--catalog", run.dataDir + "/catalog.db", "--warehouse", "s3://lake/wh", "--namespace", "raw",
                                         "--table", "items", "--expect-rows", "1500", "--expect-snapshots", "3", "--strict",
                                         "--s3-endpoint", endpoint, "--s3-access-key", "testing", "--s3-secret-key", "testing"])
        #expect(report.hasSuffix("OK\n"), "\(report)")
    }

    /// The demo synced through an Iceberg REST catalog (SeaweedFS: OAuth2 client credentials from
    /// `--catalog-config`, files in its S3), resumed, and read back through the same catalog.
    @Test func aSyncThroughARESTCatalogIsReadBackThroughIt() async throws {
        typealias Outcome = (first: RunOutput, second: RunOutput, refused: RunOutput, report: String, catalogURI: String)
        // The servers and syncs are waited for on a thread of their own, not one the tests share.
        let outcome = try await onOwnThread { () throws -> Outcome in
            let server = try SeaweedServer()
            defer { server.stop() }
            let api = try DemoAPI(count: 1500, delay: 0)
            defer { api.stop() }
            let run = try Run(api: api)
            defer { try? FileManager.default.removeItem(at: run.directory) }
            let settings = run.directory.appendingPathComponent("catalog.json").path
            try Data(#"{"credential": "\#(SeaweedServer.clientID):\#(SeaweedServer.clientSecret)", "warehouse": "lake"}"#.utf8)
                .write(to: URL(fileURLWithPath: settings))
            let environment: [String: String?] = ["AWS_ACCESS_KEY_ID": SeaweedServer.clientID, "AWS_SECRET_ACCESS_KEY": SeaweedServer.clientSecret,
                                                  "AWS_ENDPOINT_URL_S3": server.s3Endpoint]
            let options = ["--catalog", "rest:\(server.catalogURI)", "--catalog-config", settings]
            let first = try run.syncBlocking(options, environment: environment)
            let second = try run.syncBlocking(options, environment: environment)
            // A wrong client secret is refused by the token endpoint.
            try Data(#"{"credential": "\#(SeaweedServer.clientID):not-the-secret", "warehouse": "lake"}"#.utf8)
                .write(to: URL(fileURLWithPath: settings))
            let refused = try run.syncBlocking(options, environment: environment)
            let verifier = Self.repository.deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path
            let report = try ReferencePython.runBlocking([verifier, "--rest-uri", server.catalogURI, "--rest-credential",
                                             "\(SeaweedServer.clientID):\(SeaweedServer.clientSecret)", "--warehouse", "lake",
                                             "--namespace", "raw", "--table", "items", "--expect-rows", "1500", "--expect-snapshots", "2",
                                             "--strict", "--s3-endpoint", server.s3Endpoint, "--s3-access-key", SeaweedServer.clientID,
                                             "--s3-secret-key", SeaweedServer.clientSecret])
            return (first, second, refused, report, server.catalogURI)
        }
        #expect(outcome.first.status == 0 && outcome.first.output.contains("raw.items: 1500 read, 1500 committed, 1 snapshot"),
                "\(outcome.first.output)")
        #expect(outcome.first.output.contains("catalog \(outcome.catalogURI) (warehouse lake)"), "\(outcome.first.output)")
        #expect(outcome.second.status == 0 && outcome.second.output.contains("raw.items: 1 read"), "\(outcome.second.output)")
        #expect(outcome.refused.status != 0 && outcome.refused.output.contains("getting an OAuth2 token")
                && !outcome.refused.output.contains("not-the-secret"), "\(outcome.refused.output)")
        #expect(outcome.report.hasSuffix("OK\n"), "\(outcome.report)")
    }

    /// The demo synced into a local warehouse listed in a PostgreSQL catalog (password from
    /// PGPASSWORD), resumed, and read back by pyiceberg's SqlCatalog on the same database.
    @Test func aSyncWithAPostgreSQLCatalogIsReadBack() async throws {
        typealias Outcome = (first: RunOutput, second: RunOutput, machines: [RunOutput], refused: RunOutput, report: String)
        let outcome = try await onOwnThread { () throws -> Outcome in
            let postgres = try PostgresServer()
            defer { postgres.stop() }
            let api = try DemoAPI(count: 1500, delay: 0)
            defer { api.stop() }
            let run = try Run(api: api)
            defer { try? FileManager.default.removeItem(at: run.directory) }
            let warehouse = run.directory.appendingPathComponent("warehouse").path
            let options = ["--catalog", "sql:postgres://\(PostgresServer.user)@127.0.0.1:\(postgres.port)/inlet", "--warehouse", warehouse]
            let first = try run.syncBlocking(options, environment: ["PGPASSWORD": PostgresServer.password])
            let second = try run.syncBlocking(options, environment: ["PGPASSWORD": PostgresServer.password])
            // Checkpoints in the same database: a sync from another data directory (another machine)
            // resumes where the first left off.
            let shared = options + ["--state-store", "sql:postgres://\(PostgresServer.user)@127.0.0.1:\(postgres.port)/inlet"]
            let firstMachine = try run.syncBlocking(shared + ["--data-dir", run.directory.appendingPathComponent("machine-a").path],
                                            environment: ["PGPASSWORD": PostgresServer.password])
            let secondMachine = try run.syncBlocking(shared + ["--data-dir", run.directory.appendingPathComponent("machine-b").path],
                                             environment: ["PGPASSWORD": PostgresServer.password])
            // With an S3 warehouse: the S3 client made before the catalog is closed again when it fails.
            let closed = ClosedPort()
            defer { withExtendedLifetime(closed) {} }
            let refused = try run.syncBlocking(["--catalog", "sql:postgres://\(PostgresServer.user):wrong-secret@127.0.0.1:\(postgres.port)/inlet",
                                        "--warehouse", "s3://lake/wh"],
                                       environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b",
                                                     "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:\(closed.port)"])
            let verifier = Self.repository.deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path
            let report = try ReferencePython.runBlocking([verifier, "--catalog-uri", postgres.sqlAlchemyURL, "--warehouse", "file://" + warehouse,
                                             "--namespace", "raw", "--table", "items", "--expect-rows", "1500", "--expect-snapshots", "4",
                                             "--strict"])
            return (first, second, [firstMachine, secondMachine], refused, report)
        }
        // The first sync with shared checkpoints reads the table's rows again (its own checkpoints
        // were in its data directory), the second resumes from them.
        #expect(outcome.machines[0].status == 0 && outcome.machines[0].output.contains("raw.items: 1500 read"), "\(outcome.machines[0].output)")
        #expect(outcome.machines[1].status == 0 && outcome.machines[1].output.contains("raw.items: 1 read"), "\(outcome.machines[1].output)")
        #expect(outcome.first.status == 0 && outcome.first.output.contains("raw.items: 1500 read, 1500 committed, 1 snapshot"),
                "\(outcome.first.output)")
        #expect(outcome.second.status == 0 && outcome.second.output.contains("raw.items: 1 read"), "\(outcome.second.output)")
        #expect(outcome.refused.status == 1 && outcome.refused.output.contains("password authentication failed")
                && !outcome.refused.output.contains("wrong-secret"), "\(outcome.refused.output)")
        #expect(outcome.report.hasSuffix("OK\n"), "\(outcome.report)")
    }

    /// A sync of 4000 records in `mode`, killed with SIGKILL after three commits, then run again to
    /// its end: the table as pyiceberg and DuckDB see it, and the rerun's summary.
    private func killedThenRerun(mode: String) async throws -> (table: (rows: Int, ids: Int, verified: Bool), output: String) {
        let api = try await DemoAPI.start(count: 4000, delay: 0.02)
        defer { api.stop() }
        let run = try Run(api: api)
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let options = ["--mode", mode, "--commit-records", "150"]
        try await run.syncKilled(options, afterCommits: 3)
        let rerun = try await run.sync(options)
        #expect(rerun.status == 0, "\(rerun.output)")
        return await (try run.table(), rerun.output)
    }

    @Test func aMergeSyncKilledMidwayThenRerunHoldsExactlyTheSourceRows() async throws {
        let (table, _) = try await killedThenRerun(mode: "merge")
        #expect(table.rows == 4000 && table.ids == 4000 && table.verified, "\(table)")
    }

    @Test func anAppendSyncKilledMidwayThenRerunHoldsEverySourceRecordExactlyOnce() async throws {
        let (table, _) = try await killedThenRerun(mode: "append")
        #expect(table.ids == 4000 && table.verified, "\(table)")
        // At most the one record at the checkpoint's instant, which the source itself sends again.
        #expect(table.rows <= 4001, "\(table)")
    }

    /// Killed (by the fault hook) right after a commit and before its checkpoint is saved, at a
    /// different save each time: the rerun resumes from the checkpoint the commit carried into the
    /// table, and the append table ends with every source record exactly once.
    @Test(arguments: [1, 4, 9])
    func anAppendSyncKilledBetweenACommitAndItsStateSaveAddsNothingTwice(killAtSave: Int) async throws {
        let api = try await DemoAPI.start(count: 2000, delay: 0)
        defer { api.stop() }
        let run = try Run(api: api)
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let options = ["--mode", "append", "--commit-records", "150"]
        let killed = try await run.sync(options, environment: ["INLET_FAULT_KILL_BEFORE_STATE_SAVE": String(killAtSave)])
        #expect(killed.status != 0, "the sync was not killed: \(killed.output)")
        let rerun = try await run.sync(options, environment: ["INLET_FAULT_KILL_BEFORE_STATE_SAVE": nil])
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(rerun.output.contains("resumed from the checkpoint the table's last commit carries"), "\(rerun.output)")
        let table = try await run.table()
        #expect(table.ids == 2000 && table.verified, "\(table)")
        // Nothing of the killed sync's last batch twice: at most the record at the checkpoint's
        // instant, which the source sends again on any resume.
        let repeats = try await run.repeatsBeyondCheckpointBoundaries()
        #expect(repeats.repeats == 0 && repeats.boundaryRepeats <= 1 && table.rows == 2000 + repeats.boundaryRepeats, "\(table) \(repeats)")
    }

    /// Killed with SIGKILL at random moments, three times over, then run to its end: whatever the
    /// kills interrupted, the append table holds every source record exactly once.
    @Test func anAppendSyncKilledAtRandomMomentsHoldsEverySourceRecordExactlyOnce() async throws {
        let api = try await DemoAPI.start(count: 3000, delay: 0.03)
        defer { api.stop() }
        let run = try Run(api: api)
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let options = ["--mode", "append", "--commit-records", "100"]
        for round in 1...3 { try await run.syncKilled(options, afterCommits: round * 3) }
        let rerun = try await run.sync(options)
        #expect(rerun.status == 0, "\(rerun.output)")
        let table = try await run.table()
        #expect(table.ids == 3000 && table.verified, "\(table)")
        // Each of the three resumes may read the record at its checkpoint's instant again (the
        // source's doing); no other record is in the table twice.
        let repeats = try await run.repeatsBeyondCheckpointBoundaries()
        #expect(repeats.repeats == 0 && repeats.boundaryRepeats <= 3 && table.rows == 3000 + repeats.boundaryRepeats, "\(table) \(repeats)")
    }

    /// The demo stream three times over (items, orders, users), read at once with a concurrency_level
    /// of 3 so that their records and states arrive interleaved.
    static func threeStreamManifest() throws -> String {
        let demo = try String(contentsOfFile: manifest, encoding: .utf8)
        guard let streamsStart = demo.range(of: "streams:\n")?.upperBound, let specStart = demo.range(of: "spec:\n")?.lowerBound else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let stream = demo[streamsStart..<specStart]
        let streams = ["items", "orders", "users"].map { stream.replacingOccurrences(of: "name: items", with: "name: \($0)") }
        return demo[..<streamsStart].replacingOccurrences(
            of: "type: DeclarativeSource\n",
            with: "type: DeclarativeSource\nconcurrency_level: {type: ConcurrencyLevel, default_concurrency: 3, max_concurrency: 3}\n")
            + streams.joined() + demo[specStart...]
    }

    /// Three streams synced at once, killed with SIGKILL after some commits, then run again to its
    /// end: each stream's table holds every source record exactly once.
    @Test func aSyncOfStreamsReadAtOnceKilledMidwayThenRerunHoldsEachStreamsRecordsExactlyOnce() async throws {
        let api = try await DemoAPI.start(count: 2000, delay: 0.02)
        defer { api.stop() }
        let run = try Run(api: api, manifest: try Self.threeStreamManifest())
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let streams = ["items", "orders", "users"]
        let options = ["--mode", "append", "--commit-records", "100"]
        try await run.syncKilled(options, afterCommits: 4)
        // The streams were read side by side: each had commits when the sync was killed.
        #expect(streams.allSatisfy { run.commits($0) > 0 }, "\(streams.map { run.commits($0) })")
        let rerun = try await run.sync(options)
        #expect(rerun.status == 0, "\(rerun.output)")
        for stream in streams {
            let table = try await run.table(stream)
            #expect(table.ids == 2000 && table.verified, "\(stream): \(table)")
            // At most the record at the checkpoint's instant again (the source's doing), nothing else twice.
            let repeats = try await run.repeatsBeyondCheckpointBoundaries(stream)
            #expect(repeats.repeats == 0 && repeats.boundaryRepeats <= 1 && table.rows == 2000 + repeats.boundaryRepeats,
                    "\(stream): \(table) \(repeats)")
        }
    }

    @Test func anOverwriteWithTransformationsIsReadBackAndDecrypted() async throws {
        let api = try await DemoAPI.start(count: 300, delay: 0)
        defer { api.stop() }
        let run = try Run(api: api)
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let transformations = run.directory.appendingPathComponent("transformations.json")
        try Data("""
            [{"stream": "items", "column": "name", "transformation_type": "encrypt", "encryption_key_name": "pii"},
             {"stream": "items", "column": "updated_at", "transformation_type": "rename", "new_name": "changed_at"},
             {"stream": "items", "column": "id", "transformation_type": "cast", "target_type": "string"}]
            """.utf8).write(to: transformations)
        for _ in 0..<2 {
            let outcome = try await run.sync(["--mode", "overwrite", "--transform", transformations.path, "--dag-job-id", "nightly-7"])
            #expect(outcome.status == 0, "\(outcome.output)")
        }
        let table = try await run.table()
        #expect(table.rows == 1 && table.verified, "\(table)")   // the second sync read only the last window, and replaced the table
        let output = try await SyncExecutableTests.runPython(["-c", """
            import json
            from pyiceberg.catalog.sql import SqlCatalog
            t = SqlCatalog("default", uri="sqlite:///\(run.dataDir)/catalog.db", warehouse="file://\(run.dataDir)/warehouse").load_table("raw.items")
            r = t.scan().to_arrow().to_pylist()[0]
            print(json.dumps([r["id"], r["name"], str(r["changed_at"]), "updated_at" in r, r["ingestion_mode"], r["dag_job_id"]]))
            """])
        let row = try JSONParser.parse(output.split(separator: "\n").last.map(String.init) ?? "").arrayValue ?? []
        #expect(row.count == 6 && row[0] == "299" && row[2] == "2024-02-09 20:48:00+00:00" && row[3] == false)
        #expect(row[4] == "overwrite" && row[5] == "nightly-7")
        let sealed = try #require(row[1].stringValue)
        #expect(sealed.hasPrefix("inlet:v1:pii:"))
        let decrypted = try await FinishedProcess.run(ExecutableTests.executable.path, ["decrypt", "--data-dir", run.dataDir, sealed], errors: .apart)
        #expect(decrypted.output == "\"item 299\"\n", "\(decrypted.errors)")
    }
}
