import Foundation
import Synchronization
import InletIceberg
import InletJSON
import InletPipeline
import InletPostgres
import InletProtocol
import InletParquet
import InletS3
import InletTestSupport
import Testing

/// Tables in an S3 warehouse (moto) listed in a PostgreSQL catalog (a server of the test's own),
/// read back by pyiceberg's SqlCatalog on the same database and by DuckDB.
@Suite("PostgreSQL catalog")
struct PostgresCatalogTests: SampleTable {
    private static func verify(_ postgres: PostgresServer, s3Port: Int, rows: Int, snapshots: Int) throws -> String {
        try ReferencePython.runBlocking([S3TableTests.verifier, "--catalog-uri", postgres.sqlAlchemyURL, "--warehouse", "s3://lake/wh",
                                 "--namespace", "ns", "--table", "t", "--expect-rows", String(rows), "--expect-snapshots", String(snapshots),
                                 "--strict", "--s3-endpoint", "http://127.0.0.1:\(s3Port)", "--s3-access-key", "testing",
                                 "--s3-secret-key", "testing"])
    }

    private static func s3(_ moto: ChildServer) -> S3Client.Configuration {
        S3Client.Configuration(endpoint: URL(string: "http://127.0.0.1:\(moto.port)"),
                               credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing"))
    }

    /// Appends, a merge and an overwrite; then the catalog's connection is cut by the server
    /// (as a restart or a proxy would) and the next commit opens another.
    @Test func tablesReadBackAndADroppedConnectionIsReopened() async throws {
        let (report, afterDrop, reloadedSameSnapshot) = try await onOwnThread { () throws -> (String, String, Bool) in
            let postgres = try PostgresServer()
            defer { postgres.stop() }
            let moto = try ChildServer.moto()
            defer { moto.stop() }
            let client = S3Client(Self.s3(moto))
            defer { client.shutdown() }
            try client.createBucket("lake")
            let catalog = try PostgresCatalog(url: postgres.url, warehouse: "s3://lake/wh", storage: try S3FileIO(client: client))
            defer { catalog.close() }
            try catalog.createNamespace("ns")
            try catalog.createNamespace("ns")
            var table = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
            try table.append(rows: rows(0..<3000))
            try table.append(rows: rows(3000..<5000))
            try table.merge(rows: rows(4000..<6000, suffix: " v2"))
            let report = try Self.verify(postgres, s3Port: moto.port, rows: 6000, snapshots: 3)
            try postgres.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'inlet' AND pid <> pg_backend_pid()")
            try table.overwrite(rows: rows(0..<10))
            let afterDrop = try Self.verify(postgres, s3Port: moto.port, rows: 10, snapshots: 4)
            let reloaded = try catalog.loadTable(namespace: "ns", name: "t")
            return (report, afterDrop, reloaded.metadata.currentSnapshotID == table.metadata.currentSnapshotID)
        }
        #expect(report.hasSuffix("OK\n"), "\(report)")
        #expect(afterDrop.hasSuffix("OK\n"), "\(afterDrop)")
        #expect(reloadedSameSnapshot)
    }

    @Test func twoWritersCommittingAtOnceBothLand() async throws {
        let (failureList, report) = try await onOwnThread { () throws -> ([String], String) in
            let postgres = try PostgresServer()
            defer { postgres.stop() }
            let moto = try ChildServer.moto()
            defer { moto.stop() }
            let setup = S3Client(Self.s3(moto))
            defer { setup.shutdown() }
            try setup.createBucket("lake")
            let catalog = try PostgresCatalog(url: postgres.url, warehouse: "s3://lake/wh", storage: try S3FileIO(client: setup))
            try catalog.createNamespace("ns")
            _ = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
            catalog.close()

            let failures = atOnce(2) { writer in
                let client = S3Client(Self.s3(moto))
                defer { client.shutdown() }
                let own = try PostgresCatalog(url: postgres.url, warehouse: "s3://lake/wh", storage: try S3FileIO(client: client))
                defer { own.close() }
                var table = try own.loadTable(namespace: "ns", name: "t")
                for batch in 0..<5 {
                    let start = (writer * 5 + batch) * 200
                    try table.append(rows: rows(start..<start + 200))
                }
            }
            return (failures, try Self.verify(postgres, s3Port: moto.port, rows: 2000, snapshots: 10))
        }
        #expect(failureList.isEmpty, "\(failureList)")
        #expect(report.hasSuffix("OK\n"), "\(report)")
    }

    /// A wrong password and a server that is not there give errors that say where, without the password.
    @Test func connectionFailuresSayWhereWithoutThePassword() async throws {
        let (wrongPassword, nobody) = try await onOwnThread { () throws -> (String, String) in
            let postgres = try PostgresServer()
            defer { postgres.stop() }
            func failure(_ url: String) -> String {
                do {
                    _ = try PostgresCatalog(url: url, warehouse: "file:///tmp/wh", storage: LocalFileIO())
                    return "no error"
                } catch {
                    return "\(error)"
                }
            }
            let closed = ClosedPort()
            defer { withExtendedLifetime(closed) {} }
            return (failure("postgres://inlet:not-the-password@127.0.0.1:\(postgres.port)/inlet"),
                    failure("postgres://inlet:not-the-password@127.0.0.1:\(closed.port)/inlet"))
        }
        #expect(wrongPassword.contains("postgres://inlet@127.0.0.1"), "\(wrongPassword)")
        #expect(wrongPassword.contains("password authentication failed"), "\(wrongPassword)")
        #expect(nobody.contains("connecting to postgres://inlet@127.0.0.1"), "\(nobody)")
        #expect(!wrongPassword.contains("not-the-password") && !nobody.contains("not-the-password"))
    }

    /// Checkpoints saved in PostgreSQL: the latest state per stream wins (also within one save),
    /// the records committed past them are kept, and another store on the same database reads them.
    @Test func checkpointsAreKeptInPostgreSQL() async throws {
        let (states, uncheckpointed, other) = try await onOwnThread { () throws -> ([String], [String: Int], [String]) in
            let postgres = try PostgresServer()
            defer { postgres.stop() }
            let store = try PostgresStateStore(url: postgres.url)
            defer { store.close() }
            let items = StreamDescriptor(name: "items")
            let users = StreamDescriptor(name: "users")
            try store.save([.stream(items, state: ["cursor": "a"]), .stream(users, state: ["cursor": "x"]), .stream(items, state: ["cursor": "b"])],
                           uncheckpointedRecords: ["items": 3], connection: "demo")
            try store.save([.stream(users, state: ["cursor": "y"])], uncheckpointedRecords: ["items": 0, "users": 2], connection: "demo")
            try store.save([.stream(items, state: ["cursor": "other"])], uncheckpointedRecords: [:], connection: "another")
            let texts = try store.states(connection: "demo").map { JSONWriter.string(from: $0.json) }
            let fromAnother = try PostgresStateStore(url: postgres.url)
            defer { fromAnother.close() }
            return (texts, try store.uncheckpointedRecords(connection: "demo"),
                    try fromAnother.states(connection: "demo").map { JSONWriter.string(from: $0.json) })
        }
        #expect(states.count == 2 && states[0].contains(#""cursor":"b""#) && states[1].contains(#""cursor":"y""#), "\(states)")
        #expect(uncheckpointed == ["items": 0, "users": 2])
        #expect(other == states)
    }
}
