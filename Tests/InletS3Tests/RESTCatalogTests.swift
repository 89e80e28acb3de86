import Foundation
import Synchronization
import InletIceberg
import InletParquet
import InletS3
import InletTestSupport
import Testing

/// Tables behind an Iceberg REST catalog with their files in S3 (SeaweedFS's `weed mini` on
/// loopback: OAuth2 client credentials, commits with requirements), read back by pyiceberg and
/// DuckDB through the same catalog.
@Suite("Iceberg REST catalog")
struct RESTCatalogTests: SampleTable {
    /// SeaweedFS vends no credentials (and then names no endpoint either): S3 is configured here,
    /// unless `s3` says otherwise.
    private static func catalog(_ server: SeaweedServer, uri: String? = nil, attempts: Int = 5, s3: [String: String]? = nil,
                                notices: CollectedLines? = nil) throws -> RESTCatalog {
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-rest-staging-\(UUID().uuidString)").path
        let fileIO = FileIOProperties(base: s3 ?? ["endpoint": server.s3Endpoint, "access_key_id": SeaweedServer.clientID,
                                                   "secret_access_key": SeaweedServer.clientSecret], stagingDirectory: staging)
        var configuration = RESTCatalog.Configuration(uri: uri ?? server.catalogURI, warehouse: "lake", clientID: SeaweedServer.clientID,
                                                      clientSecret: SeaweedServer.clientSecret, maximumAttempts: attempts,
                                                      retryDelay: .milliseconds(20))
        configuration.retryNotice = notices.map { $0.append }
        return try RESTCatalog(configuration, fileIO: fileIO)
    }

    private static func verify(_ server: SeaweedServer, table: String, rows: Int, snapshots: Int) throws -> String {
        try ReferencePython.runBlocking([S3TableTests.verifier, "--rest-uri", server.catalogURI,
                                 "--rest-credential", "\(SeaweedServer.clientID):\(SeaweedServer.clientSecret)",
                                 "--warehouse", "lake", "--namespace", "ns", "--table", table,
                                 "--expect-rows", String(rows), "--expect-snapshots", String(snapshots), "--strict",
                                 "--s3-endpoint", server.s3Endpoint, "--s3-access-key", SeaweedServer.clientID,
                                 "--s3-secret-key", SeaweedServer.clientSecret])
    }

    @Test func appendsMergesAndOverwritesReadBackThroughTheCatalog() async throws {
        let (report, overwritten, evolved, location) = try await onOwnThread { () throws -> (String, String, String, String) in
            let server = try SeaweedServer()
            defer { server.stop() }
            let catalog = try Self.catalog(server)
            defer { catalog.shutdown() }
            try catalog.createNamespace("ns")
            try catalog.createNamespace("ns")
            var table = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
            try table.append(rows: rows(0..<3000))
            try table.append(rows: rows(3000..<5000))
            try table.merge(rows: rows(4000..<6000, suffix: " v2"))
            let report = try Self.verify(server, table: "t", rows: 6000, snapshots: 3)
            try table.overwrite(rows: rows(0..<10))
            let overwritten = try Self.verify(server, table: "t", rows: 10, snapshots: 4)
            // A new column is a schema commit of its own (add-schema, set-current-schema).
            try table.updateSchema([.addColumn(name: "note", type: .string)])
            try table.append(rows: (10..<20).map { [.int64(Int64($0)), .string("n"), .double(1), .string("note \($0)")] })
            let evolved = try Self.verify(server, table: "t", rows: 20, snapshots: 5)
            let reloaded = try catalog.loadTable(namespace: "ns", name: "t")
            return (report, overwritten, evolved, reloaded.metadataLocation)
        }
        #expect(report.hasSuffix("OK\n"), "\(report)")
        #expect(overwritten.hasSuffix("OK\n"), "\(overwritten)")
        #expect(evolved.hasSuffix("OK\n"), "\(evolved)")
        #expect(location.hasPrefix("s3://lake/"), "\(location)")
    }

    @Test func twoWritersCommittingAtOnceBothLand() async throws {
        let (failureList, report) = try await onOwnThread { () throws -> ([String], String) in
            let server = try SeaweedServer()
            defer { server.stop() }
            let setup = try Self.catalog(server)
            try setup.createNamespace("ns")
            _ = try setup.createTable(namespace: "ns", name: "t", schema: schema)
            setup.shutdown()
            let failures = atOnce(2) { writer in
                let catalog = try Self.catalog(server)
                defer { catalog.shutdown() }
                var table = try catalog.loadTable(namespace: "ns", name: "t")
                for batch in 0..<5 {
                    let start = (writer * 5 + batch) * 200
                    try table.append(rows: rows(start..<start + 200))
                }
            }
            return (failures, try Self.verify(server, table: "t", rows: 2000, snapshots: 10))
        }
        #expect(failureList.isEmpty, "\(failureList)")
        #expect(report.hasSuffix("OK\n"), "\(report)")
    }

    /// Through a stand-in in front of the catalog: a 409 rebuilds the commit on the table as it is
    /// now; a 503 is sent again; a commit whose answer is lost after the catalog applied it is
    /// found in the table and not applied twice; an expired token is fetched again; a catalog that
    /// keeps failing fails the append with the reason, and the table stays at its last snapshot.
    @Test func catalogFaultsAreRetriedOrFailCleanly() async throws {
        struct Outcome: Sendable {
            var logs: [String: String] = [:]
            var notices: [String: [String]] = [:]
            var failure = ""
            var reports: [String] = []
        }
        let outcome = try await onOwnThread { () throws -> Outcome in
            let server = try SeaweedServer()
            defer { server.stop() }
            var outcome = Outcome()
            func throughProxy(_ rule: String, attempts: Int = 5, _ body: (RESTCatalog) throws -> Void) throws {
                let proxy = try ChildServer(executable: "/usr/bin/env",
                                            arguments: ["python3", S3ClientTests.faultyServer, "proxy:\(server.catalogPort):\(rule)"])
                defer { proxy.stop() }
                let notices = CollectedLines()
                let catalog = try Self.catalog(server, uri: "http://127.0.0.1:\(proxy.port)", attempts: attempts, notices: notices)
                defer { catalog.shutdown() }
                do { try body(catalog) } catch { outcome.failure = "\(error)" }
                outcome.logs[rule] = proxy.log
                outcome.notices[rule] = notices.all
            }
            try throughProxy("commit409:2") { catalog in
                try catalog.createNamespace("ns")
                var table = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
                try table.append(rows: rows(0..<1000))
            }
            try throughProxy("commitlost:1") { catalog in
                var table = try catalog.loadTable(namespace: "ns", name: "t")
                try table.append(rows: rows(1000..<2000))
            }
            try throughProxy("commit503:2") { catalog in
                var table = try catalog.loadTable(namespace: "ns", name: "t")
                try table.append(rows: rows(2000..<3000))
            }
            try throughProxy("unauthorized:1") { catalog in
                var table = try catalog.loadTable(namespace: "ns", name: "t")
                try table.append(rows: rows(3000..<4000))
            }
            outcome.reports.append(try Self.verify(server, table: "t", rows: 4000, snapshots: 4))
            try throughProxy("commit503:100", attempts: 3) { catalog in
                var table = try catalog.loadTable(namespace: "ns", name: "t")
                try table.append(rows: rows(4000..<5000))
            }
            outcome.reports.append(try Self.verify(server, table: "t", rows: 4000, snapshots: 4))
            return outcome
        }
        func lines(_ rule: String, _ fragment: String) -> Int {
            (outcome.logs[rule] ?? "").split(separator: "\n").filter { $0.contains(fragment) }.count
        }
        #expect(lines("commit409:2", "/tables/t 409") == 2, "\(outcome.logs["commit409:2"] ?? "")")
        #expect(lines("commitlost:1", "/tables/t 502") == 1, "\(outcome.logs["commitlost:1"] ?? "")")
        // Sent once; a second sending would have been refused (409) by its requirements.
        #expect(lines("commitlost:1", "POST /v1/lake/namespaces/ns/tables/t 200 forwarded") == 1, "\(outcome.logs["commitlost:1"] ?? "")")
        #expect(lines("commitlost:1", "409") == 0)
        #expect(lines("commit503:2", "/tables/t 503") == 2)
        // Each retry is told; the last failed attempt of a failing commit is not followed by a notice.
        #expect(outcome.notices["commit503:2"] == [
            "committing to ns.t: HTTP 503 ServiceUnavailableException: Injected.; attempt 2 of 5 in 0.0 s",
            "committing to ns.t: HTTP 503 ServiceUnavailableException: Injected.; attempt 3 of 5 in 0.0 s",
        ], "\(outcome.notices["commit503:2"] ?? [])")
        #expect(outcome.notices["commit503:100"]?.count == 2)
        #expect(lines("unauthorized:1", " 401") == 1)
        #expect(lines("unauthorized:1", "/oauth/tokens") == 2, "\(outcome.logs["unauthorized:1"] ?? "")")
        #expect(outcome.failure.contains("committing to ns.t: HTTP 503 ServiceUnavailableException: Injected. after 3 attempts"),
                "\(outcome.failure)")
        for report in outcome.reports { #expect(report.hasSuffix("OK\n"), "\(report)") }
    }

    /// A catalog that vends credentials for a table's location: files are written with those, not
    /// with the (wrong) keys and endpoint configured for the catalog; credentials about to expire
    /// are renewed from the catalog before they are used.
    @Test(arguments: ["vend", "vendexpiring"])
    func vendedCredentialsAreUsedForTheTablesFiles(rule: String) async throws {
        let (failure, report, tableLoads) = try await onOwnThread { () throws -> (String, String, Int) in
            let server = try SeaweedServer()
            defer { server.stop() }
            let proxy = try ChildServer(executable: "/usr/bin/env",
                                        arguments: ["python3", S3ClientTests.faultyServer, "proxy:\(server.catalogPort):\(rule):\(server.s3Port)"])
            defer { proxy.stop() }
            var failure = ""
            do {
                let closed = ClosedPort()
                defer { withExtendedLifetime(closed) {} }
                let catalog = try Self.catalog(server, uri: "http://127.0.0.1:\(proxy.port)", s3: [
                    "endpoint": "http://127.0.0.1:\(closed.port)", "access_key_id": "wrong", "secret_access_key": "wrong",
                ])
                defer { catalog.shutdown() }
                try catalog.createNamespace("ns")
                var table = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
                try table.append(rows: rows(0..<500))
                var loaded = try catalog.loadTable(namespace: "ns", name: "t")
                try loaded.append(rows: rows(500..<1000))
            } catch {
                failure = "\(error)"
            }
            let loads = proxy.log.split(separator: "\n").filter { $0.hasPrefix("GET /v1/lake/namespaces/ns/tables/t ") }.count
            return (failure, try Self.verify(server, table: "t", rows: 1000, snapshots: 2), loads)
        }
        #expect(failure.isEmpty, "\(failure)")
        #expect(report.hasSuffix("OK\n"), "\(report)")
        // One load by the test; with expiring credentials, a renewal before each use of the storage.
        if rule == "vend" { #expect(tableLoads == 1) } else { #expect(tableLoads > 5, "\(tableLoads) loads") }
    }

    /// A token is used until shortly before it expires, then fetched again (a token that lives
    /// less than a minute is fetched for every request).
    @Test func tokensAreFetchedAgainBeforeTheyExpire() async throws {
        @Sendable func requests(expiringIn seconds: Int) throws -> [String] {
            let stand = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", S3ClientTests.faultyServer, "tokens:\(seconds)"])
            defer { stand.stop() }
            let fileIO = FileIOProperties(base: [:], stagingDirectory: FileManager.default.temporaryDirectory.path + "/inlet-tokens")
            let catalog = try RESTCatalog(.init(uri: "http://127.0.0.1:\(stand.port)", clientID: "id", clientSecret: "secret"), fileIO: fileIO)
            defer { catalog.shutdown() }
            try catalog.createNamespace("a")
            try catalog.createNamespace("b")
            return stand.log.split(separator: "\n").map(String.init).filter { $0.contains("carried") }
        }
        let (lasting, expiring) = try await onOwnThread { (try requests(expiringIn: 3600), try requests(expiringIn: 30)) }
        #expect(lasting.count == 3 && lasting.allSatisfy { $0.hasSuffix("carried Bearer token-1") }, "\(lasting)")
        #expect(expiring.count == 3 && expiring.last?.hasSuffix("carried Bearer token-3") == true, "\(expiring)")
    }
}
