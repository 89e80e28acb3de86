import Foundation
import InletJSON
import InletTestSupport
import Testing

/// Ingestion jobs over real HTTP: `inlet serve` with the demo API as the source, the ingest
/// endpoint, `/api/jobs`, schedules in the service, and `inlet jobs` against it.
@Suite("ingestion jobs")
struct JobsTests {
    /// Made afresh at each use: one made once would expire (ten minutes) in a long test run.
    static var manage: String { ServiceProcess.token() }

    static func ingestBody(_ api: SyncExecutableTests.DemoAPI, name: String = "demo items", schedule: JSONValue = .null,
                           extra: JSONObject = [:]) -> JSONValue {
        var body: JSONObject = [
            "name": .string(name), "source_name": "demo-secret", "schema_name": "crm", "mode": "merge", "streams": ["items"],
            "source_config": ["api_url": .string("http://127.0.0.1:\(api.port)"), "api_key": .string(ServeTests.secretValue)],
            "schedule": schedule, "domain": "Sales", "tags": ["pii", "crm"], "owner_id": "urn:li:corpuser:jdoe",
        ]
        for (key, value) in extra { body[key] = value }
        return .object(body)
    }

    /// Polls a job until its status is one of `statuses`; returns its last answer.
    static func job(_ service: ServiceProcess, _ id: String, until statuses: Set<String>, token: String = manage,
                    timeout: Duration = .seconds(90)) async throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let answer = try await service.call("GET", "/api/jobs/\(id)", token: token)
            if let status = answer.json["status"]?.stringValue, statuses.contains(status) { return answer.json }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServiceTestError(description: "job \(id) never reached \(statuses)")
    }

    @Test func theSourcesThisServiceRunsAreListedWithTheirSpecAndStreams() async throws {
        let service = try await ServiceProcess.start()
        let list = try await service.call("GET", "/api/airbyte/sources", token: Self.manage, tenant: nil)
        #expect(list.status == 200, "\(list.text)")
        let demo = try #require(list.json.arrayValue?.first { $0["name"] == "demo-secret" })
        #expect(demo["kind"] == "manifest" && demo["version"] == "6.44.0" && demo["installed"] == true, "\(demo)")
        #expect(list.json.arrayValue?.contains { $0["name"] == "demo-items" } == true)
        let details = try await service.call("GET", "/api/airbyte/sources/demo-secret", token: Self.manage, tenant: nil)
        #expect(details.status == 200, "\(details.text)")
        #expect(details.json["secrets"] == ["api_key"] && details.json["spec"]?["connectionSpecification"]?["properties"]?["api_key"]?["airbyte_secret"] == true,
                "\(details.text)")
        #expect(details.json["streams"]?[0]?["name"] == "items" && details.json["streams"]?[0]?["source_defined_primary_key"] == [["id"]]
                && details.json["streams"]?[0]?["supported_sync_modes"] == ["full_refresh", "incremental"], "\(details.text)")
        let unknown = try await service.call("GET", "/api/airbyte/sources/source-nothing", token: Self.manage, tenant: nil)
        #expect(unknown.status == 404 && unknown.json["message"]?.stringValue?.contains("source-nothing") == true, "\(unknown.text)")
        #expect(try await service.call("GET", "/api/airbyte/sources", token: nil, tenant: nil).status == 401)
        await service.stop()
    }

    /// A run-once job: 201 with its flow URL, runs at once, lands its table, shows up as a source, a
    /// connection and a sync, keeps its secret masked, and once deleted stays deleted with its table.
    @Test func aRunOnceIngestJobLandsItsTableAndShowsUpEverywhere() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 300, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        // No X-Tenant-Id: the token's only tenant.
        let created = try await service.call("POST", "/api/airbyte/ingest", token: Self.manage, tenant: nil, body: Self.ingestBody(api))
        #expect(created.status == 201 && created.json["error"] == .null, "\(created.text)")
        let id = try #require(created.json["job_id"]?.stringValue)
        #expect(created.json["flow_url"] == .string("\(service.baseURL)/api/jobs/\(id)"), "\(created.text)")
        let done = try await Self.job(service, id, until: ["SUCCEEDED", "FAILED"])
        #expect(done["status"] == "SUCCEEDED" && done["last_run"]?["status"] == "SUCCEEDED" && done["last_run"]?["recordsSynced"] == 300, "\(done)")
        #expect(done["job_type"] == "airflow.ingest" && done["job_name"] == "demo items" && done["schedule"] == .null
                && done["next_run_at"] == .null && done["runner"] == "embedded" && done["tags"] == ["pii", "crm"], "\(done)")
        let properties = try JSONParser.parse(Array((done["properties_json"]?.stringValue ?? "").utf8))
        #expect(properties["source_config"]?["api_key"] == "**********" && properties["mode"] == "merge" && properties["streams"] == ["items"], "\(properties)")
        #expect(!done.description.contains(ServeTests.secretValue))
        let table = try await ServeTests.table(service, namespace: "crm")
        #expect(table.rows == 300 && table.ids == 300 && table.verified, "\(table)")

        let sources = try await service.call("GET", "/api/v1/sources", token: Self.manage)
        #expect(sources.json.arrayValue?.count == 1 && sources.json[0]?["connectorType"] == "demo-secret", "\(sources.text)")
        let connections = try await service.call("GET", "/api/v1/connections", token: Self.manage)
        #expect(connections.json[0]?["id"] == done["connection_id"] && connections.json[0]?["targetSchema"] == "crm"
                && connections.json[0]?["writeMode"] == "merge" && connections.json[0]?["syncSchedule"] == .null, "\(connections.text)")
        let runs = try await service.call("GET", "/api/jobs/\(id)/runs", token: Self.manage)
        #expect(runs.json["totalElements"] == 1 && runs.json["content"]?[0]?["jobId"] == .string(id), "\(runs.text)")

        // A second job of the same config reuses the source; the same name is a conflict.
        let twin = try await service.call("POST", "/api/airbyte/ingest", token: Self.manage, body: Self.ingestBody(api))
        #expect(twin.status == 409 && twin.text.contains(id), "\(twin.text)")
        let second = try await service.call("POST", "/api/airbyte/ingest", token: Self.manage,
                                            body: Self.ingestBody(api, name: "nightly", schedule: "Daily", extra: ["time_zone": "Europe/Berlin"]))
        #expect(second.status == 201, "\(second.text)")
        let nightly = try await service.call("GET", "/api/jobs/\(second.json["job_id"]?.stringValue ?? "")", token: Self.manage)
        #expect(nightly.json["status"] == "SCHEDULED" && nightly.json["schedule"] == "@daily" && nightly.json["time_zone"] == "Europe/Berlin"
                && nightly.json["last_run"] == .null, "\(nightly.text)")
        // Midnight in Berlin is 23:00 or 22:00 UTC.
        #expect(["T23:00:00.000Z", "T22:00:00.000Z"].contains { nightly.json["next_run_at"]?.stringValue?.hasSuffix($0) == true }, "\(nightly.text)")
        #expect(try await service.call("GET", "/api/v1/sources", token: Self.manage).json.arrayValue?.count == 1)

        let page = try await service.call("GET", "/api/jobs?status=SCHEDULED&type=airflow.ingest&size=1", token: Self.manage)
        #expect(page.json["totalElements"] == 1 && page.json["content"]?[0]?["job_name"] == "nightly", "\(page.text)")
        #expect(try await service.call("GET", "/api/jobs?status=sometimes", token: Self.manage).status == 400)

        // Another tenant sees none of it.
        let globex = ServiceProcess.token(tenants: ["globex"])
        #expect(try await service.call("GET", "/api/jobs/\(id)", token: globex, tenant: "globex").status == 404)
        #expect(try await service.call("POST", "/api/jobs/\(id)/trigger", token: globex, tenant: "globex").status == 404)
        #expect(try await service.call("DELETE", "/api/jobs/\(id)", token: globex, tenant: "globex").status == 404)
        #expect(try await service.call("GET", "/api/jobs", token: globex, tenant: "globex").json["totalElements"] == 0)

        #expect(try await service.call("DELETE", "/api/jobs/\(id)", token: Self.manage).status == 204)
        #expect(try await service.call("DELETE", "/api/jobs/\(id)", token: Self.manage).status == 204)
        let deleted = try await service.call("GET", "/api/jobs/\(id)", token: Self.manage)
        #expect(deleted.json["status"] == "DELETED", "\(deleted.text)")
        let retrigger = try await service.call("POST", "/api/jobs/\(id)/trigger", token: Self.manage)
        #expect(retrigger.status == 409 && retrigger.text.contains("deleted"), "\(retrigger.text)")
        #expect(try await ServeTests.table(service, namespace: "crm").rows == 300)
        // Its name is free again.
        #expect(try await service.call("POST", "/api/airbyte/ingest", token: Self.manage, body: Self.ingestBody(api, schedule: "@weekly")).status == 201)
        #expect(!service.log.contains { $0.contains(ServeTests.secretValue) }, "a secret appears in the service's log")
        await service.stop()
    }

    @Test func badIngestRequestsAndJobsAreRefusedNamingTheField() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 10, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        let good = Self.ingestBody(api).objectValue!
        func without(_ key: String) -> JSONValue { .object(good.filter { $0.key != key }) }
        func with(_ key: String, _ value: JSONValue) -> JSONValue {
            var body = good
            body[key] = value
            return .object(body)
        }
        for (body, field) in [
            (without("name"), "name"), (without("source_name"), "source_name"), (without("source_config"), "source_config"),
            (without("schema_name"), "schema_name"), (without("mode"), "mode"),
            (with("mode", "upsert"), "mode"), (with("source_name", "source-nothing"), "source_name"),
            (with("source_config", ["api_url": 5]), "source_config.api_url"), (with("schema_name", "no spaces"), "schema_name"),
            (with("streams", ["items", "nope"]), "streams"), (with("merge", "colour"), "merge"),
            (with("schedule", "every tuesday"), "schedule"), (with("time_zone", "Mars/Olympus"), "time_zone"),
            (with("colour", "blue"), "colour"), (with("tags", 5), "tags"),
            (with("column_transformations", [["column": "name", "transformation_type": "shout", "stream": "items"]]), "column_transformations[0].transformation_type"),
        ] as [(JSONValue, String)] {
            let answer = try await service.call("POST", "/api/airbyte/ingest", token: Self.manage, body: body)
            #expect(answer.status == 400 && answer.json["error"]?.stringValue?.hasPrefix(field) == true && answer.json["job_id"] == .null
                    && answer.json["message"] == answer.json["error"] && answer.json["path"] == "/api/airbyte/ingest", "\(field): \(answer.text)")
        }
        // A config the API refuses (here the service itself answers 401) fails the connector's check: 400, and no job.
        let unreachable = try await service.call("POST", "/api/airbyte/ingest", token: Self.manage,
                                                 body: with("source_config", ["api_url": .string(service.baseURL + "/api/v1"), "api_key": "k"]))
        #expect(unreachable.status == 400 && unreachable.json["error"]?.stringValue?.hasPrefix("source_config: the connector's check failed") == true,
                "\(unreachable.text)")

        for (body, field) in [
            (["job_type": "airflow.ingest", "job_name": "x", "properties_json": "{\"name\": \"x\",, }"], "properties_json"),
            (["job_type": "airflow.teleport", "job_name": "x", "properties_json": "{}"], "job_type"),
            (["job_type": "airflow.dataeng", "job_name": "x", "properties_json": "{\"dag_id\": \"etl\"}"], "job_type"),
            (["job_type": "airflow.ingest", "job_name": "x", "properties_json": "{\"source_name\": \"demo-secret\"}"], "properties_json.source_config"),
            (["job_type": "airflow.ingest", "properties_json": "{}"], "job_name"),
        ] as [(JSONValue, String)] {
            let answer = try await service.call("POST", "/api/jobs", token: Self.manage, body: body)
            #expect(answer.status == 400 && answer.json["message"]?.stringValue?.hasPrefix(field) == true, "\(field): \(answer.text)")
        }
        let position = try await service.call("POST", "/api/jobs", token: Self.manage,
                                              body: ["job_type": "airflow.ingest", "job_name": "x", "properties_json": "{\"name\": \"x\",, }"])
        #expect(position.json["message"]?.stringValue?.contains("line 1, column 14") == true, "\(position.text)")
        let noAirflow = try await service.call("POST", "/api/jobs", token: Self.manage,
                                               body: ["job_type": "airflow.nlp", "job_name": "x", "properties_json": "{\"dag_id\": \"etl\"}"])
        #expect(noAirflow.json["message"]?.stringValue?.contains("--airflow-url") == true, "\(noAirflow.text)")
        // A token of two tenants must name one.
        let both = ServiceProcess.token(tenants: ["acme", "globex"])
        let ambiguous = try await service.call("POST", "/api/airbyte/ingest", token: both, tenant: nil, body: .object(good))
        #expect(ambiguous.status == 400 && ambiguous.text.contains("X-Tenant-Id"), "\(ambiguous.text)")
        let reader = ServiceProcess.token(permissions: ["data:ingestion:read"])
        #expect(try await service.call("POST", "/api/airbyte/ingest", token: reader, body: .object(good)).status == 403)
        #expect(try await service.call("GET", "/api/jobs/no-such-job", token: reader).status == 404)
        // A page whose offset would overflow is refused, and the service goes on answering.
        for path in ["/api/jobs?page=201731425849601280&size=100", "/api/v1/syncs?page=10000001", "/api/jobs/x/runs?page=99999999999"] {
            let huge = try await service.call("GET", path, token: reader)
            #expect(huge.status == 400 && huge.text.contains("page"), "\(path): \(huge.text)")
        }
        #expect(try await service.call("GET", "/api/jobs", token: reader).json["totalElements"] == 0)
        #expect(!service.log.contains { $0.contains(ServeTests.secretValue) })
        await service.stop()
    }

    /// `POST /api/jobs` with an `airflow.ingest` job runs its ingest request; a job on a schedule
    /// runs on its own at the next minute, then waits for the one after; pause stops it.
    @Test func aJobOnAScheduleRunsOnTimeInTheService() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 50, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        var request = Self.ingestBody(api, name: "ignored").objectValue!
        request["schedule"] = nil
        let created = try await service.call("POST", "/api/jobs", token: Self.manage, body: [
            "job_type": "airflow.ingest", "job_name": "every minute", "source": "demo-secret", "destination": "iceberg",
            "properties_json": .string(JSONWriter.string(from: .object(request))), "schedule": "* * * * *",
        ])
        #expect(created.status == 201 && created.json["status"] == "SCHEDULED" && created.json["job_name"] == "every minute"
                && created.json["schedule"] == "* * * * *" && created.json["last_run"] == .null, "\(created.text)")
        let keys = Set(created.json.objectValue.map { Array($0.keys) } ?? [])
        #expect(keys.isSuperset(of: ["job_type", "job_name", "id", "status", "created_at", "source", "destination",
                                                                          "properties_json", "schedule"]))
        let id = try #require(created.json["id"]?.stringValue)
        let next = try #require(created.json["next_run_at"]?.stringValue)
        #expect(next.hasSuffix(":00.000Z"), "\(next)")
        // The scheduler runs it at the next minute (within a minute and a few seconds).
        var ran: JSONValue = .null
        for _ in 0..<1500 {
            ran = try await service.call("GET", "/api/jobs/\(id)", token: Self.manage).json
            if ran["last_run"]?["status"] == "SUCCEEDED" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(ran["last_run"]?["status"] == "SUCCEEDED" && ran["last_run"]?["recordsSynced"] == 50, "\(ran)")
        let started = try #require(ran["last_run_at"]?.stringValue)
        #expect(started >= next, "ran at \(started), before its slot \(next)")
        #expect(ran["status"] == "SCHEDULED" && (ran["next_run_at"]?.stringValue ?? "") > next, "\(ran)")
        let paused = try await service.call("POST", "/api/jobs/\(id)/pause", token: Self.manage)
        #expect(paused.status == 200 && paused.json["status"] == "PAUSED" && paused.json["next_run_at"] == .null, "\(paused.text)")
        #expect(try await service.call("GET", "/api/v1/connections/\(ran["connection_id"]?.stringValue ?? "")", token: Self.manage).json["syncSchedule"] == .null)
        let resumed = try await service.call("POST", "/api/jobs/\(id)/resume", token: Self.manage)
        #expect(resumed.json["status"] == "SCHEDULED" && resumed.json["next_run_at"] != .null, "\(resumed.text)")
        // A manual trigger runs now; a second while it runs conflicts, or it already ended.
        let triggered = try await service.call("POST", "/api/jobs/\(id)/trigger", token: Self.manage)
        #expect(triggered.status == 202 && triggered.json["jobId"] == .string(id), "\(triggered.text)")
        let again = try await service.call("POST", "/api/jobs/\(id)/trigger", token: Self.manage)
        #expect(again.status == 409 || again.status == 202, "\(again.text)")
        #expect(try await ServeTests.finished(service, triggered.json["id"]?.stringValue ?? "")["status"] == "SUCCEEDED")
        #expect(try await service.call("DELETE", "/api/jobs/\(id)", token: Self.manage).status == 204)
        #expect(try await service.call("GET", "/api/v1/connections/\(ran["connection_id"]?.stringValue ?? "")", token: Self.manage).json["syncSchedule"] == .null)
        await service.stop()
    }

    /// `inlet jobs` against the service: a table or JSON, and the service's message with a non-zero
    /// exit on errors.
    @Test func inletJobsListsShowsTriggersAndDeletes() async throws {
        let api = try await SyncExecutableTests.DemoAPI.start(count: 40, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        let created = try await service.call("POST", "/api/airbyte/ingest", token: Self.manage,
                                             body: Self.ingestBody(api, name: "weekly items", schedule: "@weekly"))
        let id = try #require(created.json["job_id"]?.stringValue)
        let environment = ["INLET_TOKEN": Self.manage, "INLET_SERVICE_URL": service.baseURL]
        let list = try await ExecutableTests.run(["jobs", "list"], environment: environment)
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("NEXT RUN") == true, "\(list.stdout)")
        #expect(lines.contains { $0.hasPrefix(id) && $0.contains("weekly items") && $0.contains("SCHEDULED") && $0.contains("@weekly") }, "\(list.stdout)")
        #expect(lines.last == "1 of 1 job", "\(list.stdout)")
        let json = try await ExecutableTests.run(["jobs", "list", "--json", "--status", "scheduled"], environment: environment)
        #expect(try JSONParser.parse(Array(json.stdout.utf8))["content"]?[0]?["id"] == .string(id), "\(json.stdout)")

        let triggered = try await ExecutableTests.run(["jobs", "trigger", id], environment: environment)
        #expect(triggered.status == 0 && triggered.stdout.hasPrefix("job \(id): run "), "\(triggered.stdout) \(triggered.stderr)")
        let run = try #require(triggered.stdout.split(separator: " ").dropFirst(3).first.map(String.init))
        #expect(try await ServeTests.finished(service, run)["status"] == "SUCCEEDED")
        let shown = try await ExecutableTests.run(["jobs", "get", id], environment: environment)
        #expect(shown.status == 0 && shown.stdout.contains("last run status   SUCCEEDED") && shown.stdout.contains("last run records  40")
                && shown.stdout.contains("flow url          \(service.baseURL)/api/jobs/\(id)"), "\(shown.stdout)")

        let missing = try await ExecutableTests.run(["jobs", "get", "no-such-job"], environment: environment)
        #expect(missing.status == 1 && missing.stderr.contains("HTTP 404") && missing.stderr.contains("job no-such-job not found"), "\(missing.stderr)")
        let badToken = try await ExecutableTests.run(["jobs", "list"], environment: ["INLET_TOKEN": "not.a.jwt", "INLET_SERVICE_URL": service.baseURL])
        #expect(badToken.status == 1 && badToken.stderr.contains("HTTP 401") && !badToken.stderr.contains("not.a.jwt"), "\(badToken.stderr)")
        let noToken = try await ExecutableTests.run(["jobs", "list", "--service-url", service.baseURL], environment: ["INLET_TOKEN": ""])
        #expect(noToken.status == 1 && noToken.stderr.contains("INLET_TOKEN"), "\(noToken.stderr)")
        let down = try await ExecutableTests.run(["jobs", "list", "--service-url", "http://127.0.0.1:1"], environment: ["INLET_TOKEN": Self.manage])
        #expect(down.status == 1 && down.stderr.contains("cannot be reached"), "\(down.stderr)")

        let deleted = try await ExecutableTests.run(["jobs", "delete", id], environment: environment)
        #expect(deleted.status == 0 && deleted.stdout == "job \(id) deleted\n", "\(deleted.stdout) \(deleted.stderr)")
        let after = try await ExecutableTests.run(["jobs", "trigger", id], environment: environment)
        #expect(after.status == 1 && after.stderr.contains("HTTP 409") && after.stderr.contains("deleted"), "\(after.stderr)")
        await service.stop()
    }
}
