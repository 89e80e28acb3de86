import Crypto
import Foundation
import InletJSON
import InletTestSupport
import Testing

/// `inlet serve` over real HTTP on loopback: the service started as a user starts it, the demo API
/// as the source, tables read back with pyiceberg and DuckDB.
@Suite("inlet serve")
struct ServeTests {
    /// Made afresh at each use: one made once would expire (ten minutes) in a long test run.
    static var manage: String { ServiceProcess.token() }
    static let secretValue = "sk-live-do-not-leak-4242"

    static func sourceBody(_ api: SyncExecutableTests.DemoAPI, type: String = "demo-secret") -> JSONValue {
        ["name": "demo", "description": "the demo API", "connectorType": .string(type),
         "connectionConfig": ["api_url": .string("http://127.0.0.1:\(api.port)"), "api_key": .string(secretValue)]]
    }

    /// The service on SQLite (its default) or on a PostgreSQL server of the test's own.
    private static func service(on store: String, arguments: [String] = []) async throws -> (ServiceProcess, PostgresServer?) {
        guard store == "postgres" else { return (try await ServiceProcess.start(arguments: arguments), nil) }
        let postgres = try await onOwnThread { try PostgresServer() }
        return (try await ServiceProcess.start(arguments: arguments + ["--store", "sql:" + postgres.url]), postgres)
    }

    @Test func tokensTenantsAndPermissionsAreChecked() async throws {
        let service = try await ServiceProcess.start()
        let path = "/api/v1/sources"
        let missing = try await service.call("GET", path, token: nil)
        #expect(missing.status == 401 && missing.header("WWW-Authenticate") == #"Bearer error="invalid_token""#)
        #expect(missing.json["path"] == "/api/v1/sources" && missing.json["status"] == 401 && missing.json["error"] == "Unauthorized")
        #expect(missing.json["timestamp"]?.stringValue != nil && missing.json["message"]?.stringValue != nil)
        let refused = [
            ("expired", ServiceProcess.token(claims: ["exp": .int(Int64(Date().timeIntervalSince1970) - 120)])),
            ("not yet valid", ServiceProcess.token(claims: ["nbf": .int(Int64(Date().timeIntervalSince1970) + 600)])),
            ("wrong audience", ServiceProcess.token(claims: ["aud": "someone-else"])),
            ("wrong issuer", ServiceProcess.token(claims: ["iss": "https://elsewhere.test"])),
            ("alg none", ServiceProcess.token(algorithm: "none")),
            ("another key", ServiceProcess.token(secret: "another-signing-secret-of-at-least-32-bytes")),
            ("malformed", "not.a.jwt"),
        ]
        for (why, token) in refused {
            let answer = try await service.call("GET", path, token: token)
            #expect(answer.status == 401 && answer.header("WWW-Authenticate") == #"Bearer error="invalid_token""#, "\(why): \(answer.text)")
        }
        #expect(try await service.call("GET", path, token: Self.manage, tenant: nil).status == 400)
        let foreign = try await service.call("GET", path, token: Self.manage, tenant: "globex")
        #expect(foreign.status == 403 && foreign.text.contains("globex"), "\(foreign.text)")
        let reader = ServiceProcess.token(permissions: ["data:ingestion:read"])
        #expect(try await service.call("GET", path, token: reader).status == 200)
        let write = try await service.call("POST", path, token: reader, body: ["name": "x"])
        #expect(write.status == 403 && write.text.contains("data:ingestion:manage"), "\(write.text)")
        #expect(try await service.call("GET", path, token: ServiceProcess.token(permissions: [])).status == 403)
        // A space-separated scope works as well as a permissions list.
        #expect(try await service.call("GET", path, token: ServiceProcess.token(permissions: [], claims: ["scope": "openid data:ingestion:read"])).status == 200)
        // The connector types need a valid token, not a tenant.
        let types = try await service.call("GET", "/api/v1/sources/connector-types", token: reader, tenant: nil)
        #expect(types.status == 200 && types.json.arrayValue?.contains { $0["name"] == "demo-items" } == true, "\(types.text)")
        let unknown = try await service.call("GET", "/api/v1/no-such-route", token: Self.manage)
        #expect(unknown.status == 404 && unknown.json["path"] == "/api/v1/no-such-route" && unknown.json["status"] == 404, "\(unknown.text)")
        let huge = try await service.call("POST", "/api/v1/sources", token: Self.manage,
                                          body: ["name": .string(String(repeating: "x", count: 2 << 20))])
        #expect(huge.status == 413 && huge.json["status"] == 413, "\(huge.status) \(huge.text.prefix(300))")
        #expect(!service.log.contains { $0.contains(Self.manage) }, "a token appears in the service's log")
        await service.stop()
    }

    /// Public keys from a JWKS file or URL (ES256): tokens of a known key pass; an HS256 token is
    /// refused however it is signed; a key rotated into the URL's document is fetched when a token
    /// names it.
    @Test func publicKeysComeFromAJWKSFileOrURL() async throws {
        let first = P256.Signing.PrivateKey()
        let rotated = P256.Signing.PrivateKey()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-jwks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let jwks = directory.appendingPathComponent("jwks.json")
        try JSONWriter.string(from: ["keys": [ServiceProcess.jwk(first, kid: "one")]]).write(to: jwks, atomically: true, encoding: .utf8)

        let fromFile = try await ServiceProcess.start(auth: #"{"issuer": "\#(ServiceProcess.issuer)", "audience": "\#(ServiceProcess.audience)", "jwks_file": "\#(jwks.path)"}"#)
        #expect(try await fromFile.call("GET", "/api/v1/sources", token: try ServiceProcess.es256Token(key: first, kid: "one")).status == 200)
        #expect(try await fromFile.call("GET", "/api/v1/sources", token: ServiceProcess.token()).status == 401)
        #expect(try await fromFile.call("GET", "/api/v1/sources", token: ServiceProcess.token(algorithm: "none")).status == 401)
        #expect(try await fromFile.call("GET", "/api/v1/sources", token: try ServiceProcess.es256Token(key: rotated, kid: "two")).status == 401)
        await fromFile.stop()

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-u", "-c", """
            import http.server, functools, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            print(httpd.server_address[1], flush=True)
            httpd.serve_forever()
            """, directory.path]
        let portPipe = Pipe()
        server.standardOutput = portPipe
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL) }
        let port = String(decoding: portPipe.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let fromURL = try await ServiceProcess.start(auth: #"{"issuer": "\#(ServiceProcess.issuer)", "audience": "\#(ServiceProcess.audience)", "jwks_url": "http://127.0.0.1:\#(port)/jwks.json", "jwks_refresh_seconds": 1}"#)
        #expect(try await fromURL.call("GET", "/api/v1/sources", token: try ServiceProcess.es256Token(key: first, kid: "one")).status == 200)
        try JSONWriter.string(from: ["keys": [ServiceProcess.jwk(first, kid: "one"), ServiceProcess.jwk(rotated, kid: "two")]])
            .write(to: jwks, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(1100))
        #expect(try await fromURL.call("GET", "/api/v1/sources", token: try ServiceProcess.es256Token(key: rotated, kid: "two")).status == 200)
        #expect(try await fromURL.call("GET", "/api/v1/sources", token: ServiceProcess.token()).status == 401)
        await fromURL.stop()
    }

    @Test func theServiceRefusesToStartWithoutAuth() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-noauth-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let none = try await ExecutableTests.run(["serve", "--port", "0", "--data-dir", directory])
        #expect(none.status == 1 && none.stderr.contains("--auth-config is required"), "\(none.stderr)")
        let partial = directory + "/auth.json"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try #"{"issuer": "x", "hs256_secret": "a-test-signing-secret-of-at-least-32-bytes"}"#.write(toFile: partial, atomically: true, encoding: .utf8)
        let noAudience = try await ExecutableTests.run(["serve", "--port", "0", "--data-dir", directory, "--auth-config", partial])
        #expect(noAudience.status == 1 && noAudience.stderr.contains("'issuer' and 'audience' are required")
                && !noAudience.stderr.contains("a-test-signing-secret"), "\(noAudience.stderr)")
    }

    @Test func sourcesAreValidatedTestedDiscoveredAndKeepTheirSecrets() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 200, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        var body = Self.sourceBody(api).objectValue!
        body["connectionConfig"] = ["api_url": 5, "api_key": .string(Self.secretValue)]
        let invalid = try await service.call("POST", "/api/v1/sources", token: Self.manage, body: .object(body))
        #expect(invalid.status == 400 && invalid.text.contains("connectionConfig.api_url"), "\(invalid.text)")
        #expect(try await service.call("POST", "/api/v1/sources", token: Self.manage, body: ["name": "x", "connectorType": "no-such-connector",
                                                                                            "connectionConfig": [:]]).status == 400)
        #expect(try await service.call("POST", "/api/v1/sources", token: Self.manage, body: ["name": "x"]).status == 400)

        let created = try await service.call("POST", "/api/v1/sources", token: Self.manage, body: Self.sourceBody(api))
        #expect(created.status == 201, "\(created.text)")
        #expect(Set(created.json.objectValue?.keys ?? []) == ["id", "name", "description", "connectorType", "status", "lastTestedAt", "createdAt"])
        #expect(created.json["status"] == "INACTIVE" && created.json["lastTestedAt"] == .null && created.json["connectorType"] == "demo-secret")
        let id = try #require(created.json["id"]?.stringValue)
        let shown = try await service.call("GET", "/api/v1/sources/\(id)", token: Self.manage)
        #expect(shown.json["connectionConfig"]?["api_key"] == "**********" && shown.json["connectionConfig"]?["api_url"] != nil, "\(shown.text)")

        let tested = try await service.call("POST", "/api/v1/sources/\(id)/test", token: Self.manage)
        #expect(tested.status == 200 && tested.json["status"] == "ACTIVE" && tested.json["lastTestedAt"]?.stringValue != nil, "\(tested.text)")
        // The secret sent back masked is kept: the config is the same, so the source stays ACTIVE.
        let renamed = try await service.call("PUT", "/api/v1/sources/\(id)", token: Self.manage,
                                             body: ["name": "renamed", "connectionConfig": ["api_key": "**********"]])
        #expect(renamed.status == 200 && renamed.json["name"] == "renamed" && renamed.json["status"] == "ACTIVE", "\(renamed.text)")
        let kept = try await service.call("GET", "/api/v1/sources/\(id)", token: Self.manage)
        #expect(kept.json["connectionConfig"]?["api_key"] == "**********" && kept.json["description"] == "the demo API", "\(kept.text)")
        // A changed config needs testing again.
        let changed = try await service.call("PUT", "/api/v1/sources/\(id)", token: Self.manage, body: ["connectionConfig": ["api_key": "new-key"]])
        #expect(changed.json["status"] == "INACTIVE", "\(changed.text)")

        let discovered = try await service.call("POST", "/api/v1/sources/\(id)/discover", token: Self.manage)
        let items = try #require(discovered.json["streams"]?.arrayValue?.first, "\(discovered.text)")
        #expect(items["name"] == "items" && items["supportedSyncModes"] == ["FULL_REFRESH", "INCREMENTAL"])
        let columns = Dictionary(uniqueKeysWithValues: (items["columns"]?.arrayValue ?? []).compactMap { column in
            column["name"]?.stringValue.map { ($0, column["type"]?.stringValue ?? "") }
        })
        #expect(columns == ["id": "INTEGER", "name": "STRING", "updated_at": "TIMESTAMP"], "\(columns)")
        let samples = Dictionary(uniqueKeysWithValues: (items["columns"]?.arrayValue ?? []).compactMap { column in
            column["name"]?.stringValue.map { ($0, column["sampleValues"]?.arrayValue ?? []) }
        })
        #expect(samples["id"] == [0, 1, 2] && samples["name"]?.count == 3, "\(samples)")

        // A source that cannot be reached fails its test with a reason.
        var broken = Self.sourceBody(api).objectValue!
        broken["connectionConfig"] = ["api_url": "not-a-url", "api_key": .string(Self.secretValue)]
        let brokenID = try #require(try await service.call("POST", "/api/v1/sources", token: Self.manage, body: .object(broken)).json["id"]?.stringValue)
        let failed = try await service.call("POST", "/api/v1/sources/\(brokenID)/test", token: Self.manage)
        #expect(failed.json["status"] == "ERROR" && failed.json["failureReason"]?["type"]?.stringValue != nil
                && failed.json["failureReason"]?["message"]?.stringValue != nil, "\(failed.text)")

        let listed = try await service.call("GET", "/api/v1/sources", token: Self.manage)
        #expect(listed.json.arrayValue?.count == 2)
        for answer in [invalid, created, shown, tested, renamed, kept, changed, discovered, failed, listed] {
            #expect(!answer.text.contains(Self.secretValue) && !answer.text.contains("new-key"), "a secret in \(answer.text)")
        }
        #expect(!service.log.contains { $0.contains(Self.secretValue) }, "a secret in the service's log")
        #expect(try await service.call("DELETE", "/api/v1/sources/\(brokenID)", token: Self.manage).status == 204)
        #expect(try await service.call("GET", "/api/v1/sources/\(brokenID)", token: Self.manage).status == 404)
        await service.stop()
    }

    @Test(arguments: ["sqlite", "postgres"])
    func anotherTenantsIdsAreNotFound(store: String) async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 200, delay: 0)
        defer { api.stop() }
        let (service, postgres) = try await Self.service(on: store)
        defer { postgres?.stop() }
        let source = try #require(try await service.call("POST", "/api/v1/sources", token: Self.manage, body: Self.sourceBody(api)).json["id"]?.stringValue)
        let connection = try await service.call("POST", "/api/v1/connections", token: Self.manage, body: ["sourceId": .string(source), "name": "c"])
        let connectionID = try #require(connection.json["id"]?.stringValue, "\(connection.text)")
        let sync = try #require(try await service.call("POST", "/api/v1/syncs/connections/\(connectionID)/trigger", token: Self.manage)
            .json["id"]?.stringValue)
        let other = ServiceProcess.token(tenants: ["globex"])
        for (method, path) in [("GET", "/api/v1/sources/\(source)"), ("PUT", "/api/v1/sources/\(source)"), ("DELETE", "/api/v1/sources/\(source)"),
                               ("POST", "/api/v1/sources/\(source)/test"), ("POST", "/api/v1/sources/\(source)/discover"),
                               ("GET", "/api/v1/connections/\(connectionID)"), ("DELETE", "/api/v1/connections/\(connectionID)"),
                               ("POST", "/api/v1/syncs/connections/\(connectionID)/trigger"), ("GET", "/api/v1/syncs/\(sync)"),
                               ("POST", "/api/v1/syncs/\(sync)/cancel"), ("GET", "/api/v1/syncs/\(sync)/logs")] {
            let answer = try await service.call(method, path, token: other, tenant: "globex", body: method == "PUT" ? ["name": "stolen"] : nil)
            #expect(answer.status == 404, "\(method) \(path): \(answer.status) \(answer.text)")
            #expect(!answer.text.contains("demo"), "\(answer.text)")
        }
        #expect(try await service.call("GET", "/api/v1/sources", token: other, tenant: "globex").json == [])
        #expect(try await service.call("GET", "/api/v1/syncs", token: other, tenant: "globex").json["totalElements"] == 0)
        // A source used by a connection cannot go.
        let inUse = try await service.call("DELETE", "/api/v1/sources/\(source)", token: Self.manage)
        #expect(inUse.status == 409 && inUse.text.contains(connectionID), "\(inUse.text)")
        _ = try await Self.finished(service, sync)
        #expect(try await service.call("DELETE", "/api/v1/connections/\(connectionID)", token: Self.manage).status == 204)
        #expect(try await service.call("DELETE", "/api/v1/sources/\(source)", token: Self.manage).status == 204)
        await service.stop()
    }

    @Test func anIdempotencyKeyActsOnce() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 2000, delay: 0.01)
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        let first = try await service.call("POST", "/api/v1/sources", token: Self.manage, body: Self.sourceBody(api), idempotencyKey: "create-1")
        let second = try await service.call("POST", "/api/v1/sources", token: Self.manage, body: Self.sourceBody(api), idempotencyKey: "create-1")
        #expect(first.status == 201 && second.status == 201 && first.json["id"] == second.json["id"], "\(first.text) \(second.text)")
        #expect(try await service.call("GET", "/api/v1/sources", token: Self.manage).json.arrayValue?.count == 1)
        // The key is the tenant's: another tenant's same key acts for that tenant.
        let other = ServiceProcess.token(tenants: ["globex"])
        let theirs = try await service.call("POST", "/api/v1/sources", token: other, tenant: "globex", body: Self.sourceBody(api), idempotencyKey: "create-1")
        #expect(theirs.status == 201 && theirs.json["id"] != first.json["id"])
        let source = try #require(first.json["id"]?.stringValue)
        let connection = try #require(try await service.call("POST", "/api/v1/connections", token: Self.manage,
                                                             body: ["sourceId": .string(source), "name": "c"]).json["id"]?.stringValue)
        let triggers = try await withThrowingTaskGroup(of: ServiceProcess.Answer.self) { group in
            for _ in 0..<3 {
                group.addTask { try await service.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage, idempotencyKey: "run-1") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(triggers.allSatisfy { $0.status == 202 } && Set(triggers.map { $0.json["id"] }).count == 1, "\(triggers.map(\.text))")
        _ = try await Self.finished(service, try #require(triggers.first?.json["id"]?.stringValue))
        #expect(try await service.call("GET", "/api/v1/syncs?connectionId=\(connection)", token: Self.manage).json["totalElements"] == 1)
        await service.stop()
    }

    /// schemathesis (PyPI) against the service's own OpenAPI document, with a valid token: no
    /// answer is a 500, and every answer (status, content type, headers, body) matches the document.
    @Test func everyAnswerMatchesTheOpenAPIDocument() async throws {
        let venv = ProcessInfo.processInfo.environment["INLET_SERVICE_PEERS_VENV"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/inlet-service-peers/venv"
        let schemathesis = venv + "/bin/schemathesis"
        try #require(FileManager.default.isExecutableFile(atPath: schemathesis), "no schemathesis at \(schemathesis): run .ci/run once")
        let api = try await SyncExecutableTests.DemoAPI.start(count: 200, delay: 0)
        defer { api.stop() }
        // Only the loopback demo's types: the built-in connectors would call their vendors' APIs.
        let service = try await ServiceProcess.start(arguments: ["--connector-types", "demo-secret,demo-items"])
        // One working source, so that the document's links lead to real sources, connections and syncs.
        _ = try await service.call("POST", "/api/v1/sources", token: Self.manage, body: Self.sourceBody(api))
        let token = ServiceProcess.token(permissions: ["data:ingestion:manage", "data:ingestion:read"])
        let run = try await FinishedProcess.run(schemathesis, [
            "run", service.baseURL + "/api/v1/openapi.json", "--header", "Authorization: Bearer \(token)", "--header", "X-Tenant-Id: acme",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
            "--max-examples", "30", "--no-color",
            // A worker's run routes take only a job token (AirflowTests covers them); here they would answer 401 alone.
            "--exclude-path-regex", "^/api/jobs/\\{id\\}/runs/(start|\\{run\\}/log|\\{run\\}/finish)$",
        ], directory: service.directory.path)
        #expect(run.status == 0, "\(run.output.suffix(6000))")
        #expect(run.output.contains(" passed") && !run.output.contains("FAILURES") && !run.output.contains(" failed"), "\(run.output.suffix(3000))")
        #expect(!service.log.contains { $0.contains(#""status":500"#) }, "the service answered 500")
        await service.stop()
    }

    @Test func connectionsAreValidatedAndChangedWithoutLosingWhatIsOmitted() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 200, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        let source = try #require(try await service.call("POST", "/api/v1/sources", token: Self.manage, body: Self.sourceBody(api)).json["id"]?.stringValue)
        for (body, field) in [
            (["sourceId": .string(source), "name": "x", "selectedStreams": ["items", "nope"]], "selectedStreams"),
            (["sourceId": .string(source), "name": "x", "syncMode": "CDC"], "syncMode"),
            (["sourceId": .string(source), "name": "x", "syncMode": "SOMETIMES"], "syncMode"),
            (["sourceId": .string(source), "name": "x", "writeMode": "upsert"], "writeMode"),
            (["sourceId": .string(source), "name": "x", "timeZone": "Mars/Olympus"], "timeZone"),
            (["sourceId": .string(source), "name": "x", "destinationType": "bigquery"], "destinationType"),
            (["sourceId": .string(source), "name": "x", "colour": "blue"], "colour"),
            (["name": "x"], "sourceId"),
        ] as [(JSONValue, String)] {
            let answer = try await service.call("POST", "/api/v1/connections", token: Self.manage, body: body)
            #expect(answer.status == 400 && answer.json["message"]?.stringValue?.hasPrefix(field) == true, "\(field): \(answer.text)")
        }
        #expect(try await service.call("POST", "/api/v1/connections", token: Self.manage,
                                       body: ["sourceId": "no-such-source", "name": "x"]).status == 404)
        let created = try await service.call("POST", "/api/v1/connections", token: Self.manage, body: [
            "sourceId": .string(source), "name": "nightly", "syncSchedule": "@daily", "selectedStreams": ["items"], "syncMode": "INCREMENTAL",
            "targetSchema": "crm", "writeMode": "merge", "mergeKeys": "id", "archiveStaging": false,
        ])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"]?.stringValue)
        let renamed = try await service.call("PUT", "/api/v1/connections/\(id)", token: Self.manage, body: ["name": "hourly", "syncSchedule": "@hourly"])
        #expect(renamed.status == 200 && renamed.json["name"] == "hourly" && renamed.json["syncSchedule"] == "@hourly", "\(renamed.text)")
        #expect(renamed.json["selectedStreams"] == ["items"] && renamed.json["targetSchema"] == "crm" && renamed.json["mergeKeys"] == ["id"]
                && renamed.json["writeMode"] == "merge" && renamed.json["archiveStaging"] == false && renamed.json["syncMode"] == "INCREMENTAL",
                "\(renamed.text)")
        let unscheduled = try await service.call("PUT", "/api/v1/connections/\(id)", token: Self.manage, body: ["syncSchedule": .null, "selectedStreams": .null])
        #expect(unscheduled.json["syncSchedule"] == .null && unscheduled.json["selectedStreams"] == .null, "\(unscheduled.text)")
        #expect(try await service.call("PUT", "/api/v1/connections/\(id)", token: Self.manage, body: ["syncSchedule": "every day"]).status == 400)
        #expect(try await service.call("GET", "/api/v1/connections/\(id)", token: Self.manage).json["name"] == "hourly")
        await service.stop()
    }

    /// With one sync at a time, a second connection's sync waits PENDING; cancelled, it never runs.
    @Test func aWaitingSyncIsPendingAndCancelsAtOnce() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 2000, delay: 0.05)
        defer { api.stop() }
        let service = try await ServiceProcess.start(arguments: ["--max-concurrent-syncs", "1"])
        let first = try await Self.connection(service, api: api)
        let source = try #require(try await service.call("GET", "/api/v1/connections/\(first)", token: Self.manage).json["sourceId"]?.stringValue)
        let second = try #require(try await service.call("POST", "/api/v1/connections", token: Self.manage,
                                                         body: ["sourceId": .string(source), "name": "second", "targetSchema": "second"]).json["id"]?.stringValue)
        let running = try #require(try await service.call("POST", "/api/v1/syncs/connections/\(first)/trigger", token: Self.manage).json["id"]?.stringValue)
        let waiting = try await service.call("POST", "/api/v1/syncs/connections/\(second)/trigger", token: Self.manage)
        #expect(waiting.status == 202 && waiting.json["status"] == "PENDING", "\(waiting.text)")
        let waitingID = try #require(waiting.json["id"]?.stringValue)
        #expect(try await service.call("POST", "/api/v1/syncs/\(waitingID)/cancel", token: Self.manage).status == 204)
        let cancelled = try await service.call("GET", "/api/v1/syncs/\(waitingID)", token: Self.manage).json
        #expect(cancelled["status"] == "CANCELLED" && cancelled["recordsSynced"] == 0, "\(cancelled)")
        #expect(try await Self.finished(service, running)["status"] == "SUCCEEDED")
        #expect(try await service.call("GET", "/api/v1/syncs/\(waitingID)", token: Self.manage).json["status"] == "CANCELLED")
        await service.stop()
    }

    /// Polls a sync until it ends; returns its last answer.
    static func finished(_ service: ServiceProcess, _ id: String, tenant: String = "acme", token: String = manage) async throws -> JSONValue {
        for _ in 0..<1200 {
            let answer = try await service.call("GET", "/api/v1/syncs/\(id)", token: token, tenant: tenant)
            if let status = answer.json["status"]?.stringValue, ["SUCCEEDED", "FAILED", "CANCELLED"].contains(status) { return answer.json }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServiceTestError(description: "sync \(id) did not end")
    }

    /// A source and an incremental connection of the demo API (merge on `id`) for tenant acme.
    private static func connection(_ service: ServiceProcess, api: SyncExecutableTests.DemoAPI) async throws -> String {
        let source = try #require(try await service.call("POST", "/api/v1/sources", token: manage, body: sourceBody(api)).json["id"]?.stringValue)
        let created = try await service.call("POST", "/api/v1/connections", token: manage, body: [
            "sourceId": .string(source), "name": "demo to the lake", "syncMode": "INCREMENTAL", "syncSchedule": .null,
        ])
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["status"] == "PENDING" && created.json["destinationType"] == "iceberg" && created.json["sourceName"] == "demo")
        return try #require(created.json["id"]?.stringValue)
    }

    /// pyiceberg and DuckDB on the tenant's table: its rows, distinct ids and whether they agree.
    static func table(_ service: ServiceProcess, tenant: String = "acme", namespace: String = "raw") async throws -> (rows: Int, ids: Int, verified: Bool, otherTenantsTables: Int) {
        let catalog = service.dataDir + "/catalog.db"
        let warehouse = service.dataDir + "/warehouse/" + tenant
        let counts = try await ReferencePython.run(["-c", """
            from pyiceberg.catalog.sql import SqlCatalog
            t = SqlCatalog("\(tenant)", uri="sqlite:///\(catalog)", warehouse="file://\(warehouse)").load_table("\(namespace).items")
            ids = t.scan(selected_fields=("id",)).to_arrow().column("id").to_pylist()
            other = SqlCatalog("globex", uri="sqlite:///\(catalog)", warehouse="file://\(service.dataDir)/warehouse/globex")
            print(len(ids), len(set(ids)), sum(len(other.list_tables(n)) for n in other.list_namespaces()))
            """]).split(separator: "\n").last?.split(separator: " ").compactMap { Int($0) } ?? []
        let verifier = SyncExecutableTests.repository.deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path
        let report = try await ReferencePython.run([verifier, "--catalog", catalog, "--catalog-name", tenant, "--warehouse", warehouse,
                                                    "--namespace", namespace, "--table", "items", "--strict"])
        return (counts.first ?? -1, counts.dropFirst().first ?? -1, report.hasSuffix("OK\n"), counts.last ?? -1)
    }

    @Test(arguments: ["sqlite", "postgres"])
    func aSyncLandsTheTenantsTableAndASecondTriggerConflicts(store: String) async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 2000, delay: 0.05)
        defer { api.stop() }
        let (service, postgres) = try await Self.service(on: store)
        defer { postgres?.stop() }
        let connection = try await Self.connection(service, api: api)
        let triggered = try await service.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage)
        #expect(triggered.status == 202 && triggered.json["status"] == "RUNNING" && triggered.json["recordsSynced"] == .null
                && triggered.json["connectionName"] == "demo to the lake", "\(triggered.text)")
        let id = try #require(triggered.json["id"]?.stringValue)
        let again = try await service.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage)
        #expect(again.status == 409 && again.text.contains(id), "\(again.text)")
        let done = try await Self.finished(service, id)
        #expect(done["status"] == "SUCCEEDED" && done["recordsSynced"] == 2000 && (done["durationMs"]?.intValue ?? -1) >= 0, "\(done)")
        #expect(done["streams"]?[0]?["name"] == "items" && done["streams"]?[0]?["recordsSynced"] == 2000)
        let table = try await Self.table(service)
        #expect(table.rows == 2000 && table.ids == 2000 && table.verified && table.otherTenantsTables == 0, "\(table)")
        // The next sync resumes from the checkpoint: only the last window again, merged, so still 2000 rows.
        let second = try #require(try await service.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage).json["id"]?.stringValue)
        #expect(try await Self.finished(service, second)["status"] == "SUCCEEDED")
        #expect(try await Self.table(service).rows == 2000)
        let page = try await service.call("GET", "/api/v1/syncs?connectionId=\(connection)&page=0&size=1&sort=startedAt,desc", token: Self.manage)
        #expect(page.json["totalElements"] == 2 && page.json["totalPages"] == 2 && page.json["size"] == 1 && page.json["number"] == 0, "\(page.text)")
        #expect(page.json["content"]?[0]?["id"] == .string(second))
        #expect(try await service.call("GET", "/api/v1/syncs?sort=nonsense", token: Self.manage).status == 400)
        let log = try await service.call("GET", "/api/v1/syncs/\(id)/logs", token: Self.manage)
        #expect(log.json["lines"]?.arrayValue?.isEmpty == false && !log.text.contains(Self.secretValue), "\(log.text)")
        let metrics = try await service.call("GET", "/metrics", token: nil, tenant: nil)
        #expect(metrics.status == 200 && metrics.text.contains(#"inlet_syncs_total{status="SUCCEEDED"} 2"#)
                && metrics.text.contains("inlet_records_synced_total ") && metrics.text.contains("inlet_sync_duration_seconds_bucket")
                && metrics.text.contains(#"inlet_http_requests_total{route="/api/v1/syncs/connections/{connectionId}/trigger",method="POST",status="409"} 1"#),
                "\(metrics.text)")
        let connectionAfter = try await service.call("GET", "/api/v1/connections/\(connection)", token: Self.manage)
        #expect(connectionAfter.json["status"] == "ACTIVE" && connectionAfter.json["lastSyncAt"]?.stringValue != nil, "\(connectionAfter.text)")
        await service.stop()
    }

    @Test func aCancelledSyncEndsCancelledWithWholeCommitsAndTheNextResumes() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 2000, delay: 0.05)
        defer { api.stop() }
        let service = try await ServiceProcess.start(arguments: ["--commit-records", "100"])
        let connection = try await Self.connection(service, api: api)
        let id = try #require(try await service.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage).json["id"]?.stringValue)
        try await Self.waitForCommits(service)
        #expect(try await service.call("POST", "/api/v1/syncs/\(id)/cancel", token: Self.manage).status == 204)
        #expect(try await service.call("POST", "/api/v1/syncs/\(id)/cancel", token: Self.manage).status == 204)
        let cancelled = try await Self.finished(service, id)
        #expect(cancelled["status"] == "CANCELLED" && cancelled["failureReason"] == nil, "\(cancelled)")
        let partial = try await Self.table(service)
        #expect(partial.verified && partial.rows < 2000 && partial.rows == partial.ids, "\(partial)")
        #expect(try await service.call("POST", "/api/v1/syncs/\(id)/cancel", token: Self.manage).status == 204)
        // The log has the pipeline's commits as they came, and the cancellation.
        let log = try await service.call("GET", "/api/v1/syncs/\(id)/logs", token: Self.manage).json["lines"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(log.contains { $0.hasPrefix("pipeline: raw.items: ") && $0.contains(" committed") }
                && log.contains { $0.contains("cancelled") }, "\(log)")
        let next = try #require(try await service.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage).json["id"]?.stringValue)
        #expect(try await Self.finished(service, next)["status"] == "SUCCEEDED")
        let table = try await Self.table(service)
        #expect(table.rows == 2000 && table.ids == 2000 && table.verified, "\(table)")
        await service.stop()
    }

    @Test(arguments: ["sqlite", "postgres"])
    func aServiceKilledMidSyncMarksItFailedAndTheNextSyncResumes(store: String) async throws {
        // Slow enough that the sync is still running when the test, on a loaded machine, gets to kill it.
        let api = try await SyncExecutableTests.DemoAPI.start(count: 2000, delay: 0.2)
        defer { api.stop() }
        let (first, postgres) = try await Self.service(on: store, arguments: ["--commit-records", "100"])
        defer { postgres?.stop() }
        let connection = try await Self.connection(first, api: api)
        let id = try #require(try await first.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage).json["id"]?.stringValue)
        try await Self.waitForCommits(first)
        await first.kill()
        let restarted = try await ServiceProcess.start(directory: first.directory,
                                           arguments: ["--commit-records", "100"] + (postgres.map { ["--store", "sql:" + $0.url] } ?? []))
        let failed = try await restarted.call("GET", "/api/v1/syncs/\(id)", token: Self.manage).json
        #expect(failed["status"] == "FAILED" && failed["failureReason"]?["origin"] == "service", "\(failed)")
        let next = try #require(try await restarted.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage).json["id"]?.stringValue)
        #expect(try await Self.finished(restarted, next)["status"] == "SUCCEEDED")
        // Merged on the primary key: exactly the source's rows, nothing lost, nothing twice.
        let table = try await Self.table(restarted)
        #expect(table.rows == 2000 && table.ids == 2000 && table.verified, "\(table)")
        await restarted.stop()
    }

    /// A connection on `* * * * *` syncs by itself within the next minute.
    @Test func aScheduledConnectionRunsOnItsOwn() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 300, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        let source = try #require(try await service.call("POST", "/api/v1/sources", token: Self.manage, body: Self.sourceBody(api)).json["id"]?.stringValue)
        let created = try await service.call("POST", "/api/v1/connections", token: Self.manage, body: [
            "sourceId": .string(source), "name": "every minute", "syncSchedule": "* * * * *", "timeZone": "Europe/Berlin",
        ])
        #expect(created.status == 201 && created.json["syncSchedule"] == "* * * * *", "\(created.text)")
        let connection = try #require(created.json["id"]?.stringValue)
        let badCron = try await service.call("POST", "/api/v1/connections", token: Self.manage, body: [
            "sourceId": .string(source), "name": "never", "syncSchedule": "61 * * * *",
        ])
        #expect(badCron.status == 400 && badCron.text.contains("syncSchedule"), "\(badCron.text)")
        var sync: JSONValue?
        for _ in 0..<180 where sync == nil {
            try await Task.sleep(for: .milliseconds(500))
            sync = try await service.call("GET", "/api/v1/syncs?connectionId=\(connection)", token: Self.manage).json["content"]?[0]
        }
        let id = try #require(sync?["id"]?.stringValue, "no scheduled sync within 90 s")
        #expect(try await Self.finished(service, id)["status"] == "SUCCEEDED")
        await service.stop()
    }

    /// SIGTERM mid-sync: the service stops taking requests, cancels the sync cleanly (CANCELLED,
    /// whole commits kept with their checkpoint) and exits; restarted, the next sync resumes.
    @Test func aServiceStoppedWithSIGTERMCancelsItsSyncsCleanly() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 2000, delay: 0.3)
        defer { api.stop() }
        let first = try await ServiceProcess.start(arguments: ["--commit-records", "100"])
        let connection = try await Self.connection(first, api: api)
        let id = try #require(try await first.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage).json["id"]?.stringValue)
        try await Self.waitForCommits(first)
        await first.stop(removing: false)
        #expect(first.exitStatus == 0, "\(first.log.suffix(5))\n\(first.stackDump)")
        let restarted = try await ServiceProcess.start(directory: first.directory, arguments: ["--commit-records", "100"])
        let stopped = try await restarted.call("GET", "/api/v1/syncs/\(id)", token: Self.manage).json
        #expect(stopped["status"] == "CANCELLED", "\(stopped)")
        let partial = try await Self.table(restarted)
        #expect(partial.verified && partial.rows < 2000 && partial.rows == partial.ids, "\(partial)")
        let next = try #require(try await restarted.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage).json["id"]?.stringValue)
        #expect(try await Self.finished(restarted, next)["status"] == "SUCCEEDED")
        let table = try await Self.table(restarted)
        #expect(table.rows == 2000 && table.ids == 2000 && table.verified, "\(table)")
        await restarted.stop()
    }

    /// Two instances on one PostgreSQL store (a server of the test's own), sharing the key file:
    /// what one creates the other lists and syncs, and the store migrates once.
    @Test func twoInstancesShareAPostgreSQLStore() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 500, delay: 0)
        defer { api.stop() }
        let postgres = try await onOwnThread { try PostgresServer() }
        defer { postgres.stop() }
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-keys-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: keys) }
        let arguments = ["--store", "sql:" + postgres.url, "--key-store", keys]
        let first = try await ServiceProcess.start(arguments: arguments)
        let second = try await ServiceProcess.start(arguments: arguments)
        let connection = try await Self.connection(first, api: api)
        let listed = try await second.call("GET", "/api/v1/connections", token: Self.manage)
        #expect(listed.json.arrayValue?.map { $0["id"] } == [.string(connection)], "\(listed.text)")
        let shown = try await second.call("GET", "/api/v1/sources/\(listed.json[0]?["sourceId"]?.stringValue ?? "")", token: Self.manage)
        #expect(shown.json["connectionConfig"]?["api_key"] == "**********", "\(shown.text)")
        let id = try #require(try await second.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: Self.manage).json["id"]?.stringValue)
        let done = try await Self.finished(second, id)
        #expect(done["recordsSynced"] == 500, "\(done)")
        let seen = try await first.call("GET", "/api/v1/syncs/\(id)", token: Self.manage)
        #expect(seen.json["status"] == "SUCCEEDED", "\(seen.text)")
        #expect(try await first.call("GET", "/api/v1/sources/\(connection)", token: ServiceProcess.token(tenants: ["globex"]), tenant: "globex").status == 404)
        await first.stop()
        await second.stop()
    }

    /// Waits until the tenant's table has a few commits.
    private static func waitForCommits(_ service: ServiceProcess, tenant: String = "acme", count: Int = 2) async throws {
        let metadata = service.dataDir + "/warehouse/\(tenant)/raw/items/metadata"
        for _ in 0..<1200 {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: metadata)) ?? []
            if files.filter({ $0.hasSuffix(".metadata.json") }).count > count { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw ServiceTestError(description: "no commits landed")
    }
}
