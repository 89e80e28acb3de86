import Foundation
import Synchronization
import InletIceberg
import InletParquet
import InletS3
import InletTestSupport
import Testing

/// Iceberg tables in an `s3://` warehouse (moto on loopback, SQLite catalog), read back by pyiceberg
/// and DuckDB through `../shared/iceberg/iceberg_verify.py`.
@Suite("Iceberg tables on S3")
struct S3TableTests: SampleTable {
    static let verifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path

    // Each test's blocking work runs on a thread of its own (`onOwnThread`); the expectations follow.

    @Test func appendsMergesAndOverwritesReadBackFromS3() async throws {
        let (report, overwritten, sameSnapshot, staged) = try await onOwnThread { () throws -> (String, String, Bool, [String]) in
            let moto = try ChildServer.moto()
            defer { moto.stop() }
            let port = moto.port
            let client = S3Client(S3Client.Configuration(
                endpoint: URL(string: "http://127.0.0.1:\(port)"), credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing"),
                partSize: 5 << 20))
            defer { client.shutdown() }
            try client.createBucket("lake")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-s3-table-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = directory.appendingPathComponent("catalog.db").path

            let staging = directory.appendingPathComponent("staging").path
            let catalog = try SQLiteCatalog(path: database, warehouse: "s3://lake/wh",
                                            storage: try S3FileIO(client: client, stagingDirectory: staging))
            try catalog.createNamespace("ns")
            var table = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
            try table.append(rows: rows(0..<3000))
            try table.append(rows: rows(3000..<5000))
            // Half the rows changed, the other half new: the merge rewrites files it reads back from S3
            // (the second append's; the first's bounds rule it out), and drops its copy of the file it replaced.
            try table.merge(rows: rows(4000..<6000, suffix: " v2"))
            let stagedAfterMerge = FileManager.default.enumerator(atPath: staging)?.compactMap { $0 as? String }
                .filter { $0.hasSuffix(".parquet") } ?? []

            let verify = { (rows: Int, snapshots: Int) throws -> String in
                try ReferencePython.runBlocking([Self.verifier, "--catalog", database, "--warehouse", "s3://lake/wh", "--namespace", "ns", "--table", "t",
                                         "--expect-rows", String(rows), "--expect-snapshots", String(snapshots), "--strict",
                                         "--s3-endpoint", "http://127.0.0.1:\(port)", "--s3-access-key", "testing", "--s3-secret-key", "testing"])
            }
            let report = try verify(6000, 3)
            try table.overwrite(rows: rows(0..<10))
            let overwritten = try verify(10, 4)
            let reloaded = try catalog.loadTable(namespace: "ns", name: "t")
            return (report, overwritten, reloaded.metadata.currentSnapshotID == table.metadata.currentSnapshotID, stagedAfterMerge)
        }
        #expect(report.hasSuffix("OK\n"), "\(report)")
        #expect(overwritten.hasSuffix("OK\n"), "\(overwritten)")
        #expect(sameSnapshot)
        #expect(staged.isEmpty, "\(staged)")
    }

    /// Writes through a stand-in that injects faults in front of moto: 500s, 503s and dropped uploads are
    /// retried and the table reads back whole; once every upload fails, the append fails and the
    /// table stays at its last snapshot.
    @Test func faultsAreRetriedAndAFailedWriteLeavesTheLastSnapshot() async throws {
        let (throttled, dropped, afterRetries, failedAppendThrew, afterFailure) = try await onOwnThread {
            () throws -> (String, String, Bool, Bool, Bool) in
            let moto = try ChildServer.moto()
            defer { moto.stop() }
            let direct = S3Client(S3Client.Configuration(endpoint: URL(string: "http://127.0.0.1:\(moto.port)"),
                                                          credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing")))
            defer { direct.shutdown() }
            try direct.createBucket("lake")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-s3-faults-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }

            func throughProxy(_ rule: String, _ body: (SQLiteCatalog) throws -> Void) throws -> String {
                let proxy = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", S3ClientTests.faultyServer, "proxy:\(moto.port):\(rule)"])
                defer { proxy.stop() }
                let client = S3Client(S3Client.Configuration(endpoint: URL(string: "http://127.0.0.1:\(proxy.port)"),
                                                              credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing"),
                                                              maximumAttempts: 4, retryDelay: .milliseconds(10)))
                defer { client.shutdown() }
                try body(try SQLiteCatalog(path: directory.appendingPathComponent("catalog.db").path, warehouse: "s3://lake/wh",
                                           storage: try S3FileIO(client: client)))
                return proxy.log
            }
            func verify(rows: Int, snapshots: Int) throws -> Bool {
                try ReferencePython.runBlocking([Self.verifier, "--catalog", directory.appendingPathComponent("catalog.db").path, "--warehouse", "s3://lake/wh",
                                         "--namespace", "ns", "--table", "t", "--expect-rows", String(rows), "--expect-snapshots", String(snapshots),
                                         "--strict", "--s3-endpoint", "http://127.0.0.1:\(moto.port)", "--s3-access-key", "testing",
                                         "--s3-secret-key", "testing"]).hasSuffix("OK\n")
            }

            let throttled = try throughProxy("every:3") { catalog in
                try catalog.createNamespace("ns")
                var table = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
                try table.append(rows: rows(0..<3000))
            }
            let dropped = try throughProxy("dropput:2") { catalog in
                var table = try catalog.loadTable(namespace: "ns", name: "t")
                try table.append(rows: rows(3000..<5000))
            }
            let afterRetries = try verify(rows: 5000, snapshots: 2)
            var failedAppendThrew = false
            _ = try throughProxy("failputs:0") { catalog in
                var table = try catalog.loadTable(namespace: "ns", name: "t")
                failedAppendThrew = (try? table.append(rows: rows(5000..<6000))) == nil
            }
            return (throttled, dropped, afterRetries, failedAppendThrew, try verify(rows: 5000, snapshots: 2))
        }
        #expect(throttled.contains(" 500") && throttled.contains(" 503"), "\(throttled)")
        #expect(dropped.contains(" dropped"), "\(dropped)")
        #expect(afterRetries)
        #expect(failedAppendThrew)
        #expect(afterFailure)
    }

    /// Two writers append to one table at once, each through its own catalog connection and S3
    /// client: every commit lands (a lost race reloads the table and commits again).
    @Test func twoWritersAppendingAtOnceBothLand() async throws {
        let (failureList, report) = try await onOwnThread { () throws -> ([String], String) in
            let moto = try ChildServer.moto()
            defer { moto.stop() }
            let configuration = S3Client.Configuration(endpoint: URL(string: "http://127.0.0.1:\(moto.port)"),
                                                       credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing"))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-s3-writers-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = directory.appendingPathComponent("catalog.db").path
            let setup = S3Client(configuration)
            try setup.createBucket("lake")
            setup.shutdown()
            let first = S3Client(configuration)
            defer { first.shutdown() }
            let catalog = try SQLiteCatalog(path: database, warehouse: "s3://lake/wh", storage: try S3FileIO(client: first))
            try catalog.createNamespace("ns")
            _ = try catalog.createTable(namespace: "ns", name: "t", schema: schema)

            let failures = atOnce(2) { writer in
                let client = S3Client(configuration)
                defer { client.shutdown() }
                let own = try SQLiteCatalog(path: database, warehouse: "s3://lake/wh", storage: try S3FileIO(client: client))
                var table = try own.loadTable(namespace: "ns", name: "t")
                for batch in 0..<5 {
                    let start = (writer * 5 + batch) * 200
                    try table.append(rows: rows(start..<start + 200))
                }
            }
            let report = try ReferencePython.runBlocking([Self.verifier, "--catalog", database, "--warehouse", "s3://lake/wh", "--namespace", "ns", "--table", "t",
                                                  "--expect-rows", "2000", "--expect-snapshots", "10", "--strict",
                                                  "--s3-endpoint", "http://127.0.0.1:\(moto.port)", "--s3-access-key", "testing", "--s3-secret-key", "testing"])
            return (failures, report)
        }
        #expect(failureList.isEmpty, "\(failureList)")
        #expect(report.hasSuffix("OK\n"), "\(report)")
    }
}
