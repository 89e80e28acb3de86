import Foundation
import InletHTTP
import InletJSON
import InletTestSupport
import Testing

/// Jobs' governance (domain, tags, owner, run details) on the tables they land: DataHub's file
/// format checked by DataHub's own `datahub check metadata-file`, and its GMS REST API checked by a
/// stand-in that validates every proposal with DataHub's own models.
@Suite("DataHub metadata")
struct DataHubTests {
    static let venv = ProcessInfo.processInfo.environment["INLET_DATAHUB_VENV"]
        ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/inlet-datahub/venv"
    static let items = "urn:li:dataset:(urn:li:dataPlatform:iceberg,crm.items,PROD)"
    /// DataHub's CLI sends telemetry unless told not to; tests reach nothing beyond loopback.
    static let quiet = ["DATAHUB_TELEMETRY_ENABLED": "false"]

    private static func runJob(_ service: ServiceProcess, _ api: SyncExecutableTests.DemoAPI, name: String, tags: [String]) async throws -> JSONValue {
        let created = try await service.call("POST", "/api/airbyte/ingest", token: JobsTests.manage,
                                             body: JobsTests.ingestBody(api, name: name, extra: ["tags": .array(tags.map(JSONValue.string))]))
        #expect(created.status == 201, "\(created.text)")
        let job = try await JobsTests.job(service, created.json["job_id"]?.stringValue ?? "", until: ["SUCCEEDED", "FAILED"])
        #expect(job["status"] == "SUCCEEDED", "\(job)")
        return job
    }

    private static func aspect(_ changes: [JSONValue], _ urn: String, _ name: String) -> JSONValue? {
        changes.last { $0["entityUrn"] == .string(urn) && $0["aspectName"] == .string(name) }?["aspect"]?["json"]
    }

    @Test func withoutDataHubTheMetadataGoesToAFileDataHubAccepts() async throws {
        let datahub = Self.venv + "/bin/datahub"
        try #require(FileManager.default.isExecutableFile(atPath: datahub), "no DataHub CLI at \(datahub): run .ci/run once")
        let api = try await SyncExecutableTests.DemoAPI.start(count: 20, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        let first = try await Self.runJob(service, api, name: "items one", tags: ["pii", "crm"])
        let file = service.dataDir + "/datahub/mcps.json"
        let check = try await FinishedProcess.run(datahub, ["check", "metadata-file", file], environment: ProcessInfo.processInfo.environment.merging(Self.quiet) { $1 })
        #expect(check.status == 0, "\(check.output.suffix(3000))")
        var changes = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file)))).arrayValue ?? []
        #expect(Self.aspect(changes, Self.items, "globalTags")?["tags"] == [["tag": "urn:li:tag:pii"], ["tag": "urn:li:tag:crm"]], "\(changes)")
        #expect(Self.aspect(changes, Self.items, "domains")?["domains"] == ["urn:li:domain:sales"])
        #expect(Self.aspect(changes, Self.items, "ownership")?["owners"] == [["owner": "urn:li:corpuser:jdoe", "type": "DATAOWNER"]])
        let custom = Self.aspect(changes, Self.items, "datasetProperties")?["customProperties"]
        #expect(custom?["job_id"] == first["id"] && custom?["mode"] == "merge" && custom?["source"] == "demo-secret"
                && custom?["last_run_id"] == first["last_run"]?["id"], "\(String(describing: custom))")
        #expect(Self.aspect(changes, "urn:li:domain:sales", "domainProperties")?["name"] == "Sales")
        #expect(Self.aspect(changes, "urn:li:tag:pii", "tagProperties")?["name"] == "pii")

        // A second job on the same table adds its tag to those there; the file stays one aspect per entity.
        let second = try await Self.runJob(service, api, name: "items two", tags: ["gold"])
        changes = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file)))).arrayValue ?? []
        #expect(Self.aspect(changes, Self.items, "globalTags")?["tags"] == [["tag": "urn:li:tag:pii"], ["tag": "urn:li:tag:crm"], ["tag": "urn:li:tag:gold"]],
                "\(changes)")
        #expect(Self.aspect(changes, Self.items, "datasetProperties")?["customProperties"]?["job_id"] == second["id"])
        #expect(changes.filter { $0["entityUrn"] == .string(Self.items) && $0["aspectName"] == "globalTags" }.count == 1)
        let recheck = try await FinishedProcess.run(datahub, ["check", "metadata-file", file], environment: ProcessInfo.processInfo.environment.merging(Self.quiet) { $1 })
        #expect(recheck.status == 0, "\(recheck.output.suffix(3000))")
        await service.stop()
    }

    @Test func withDataHubTheMetadataGoesToGMSMergedWithWhatIsThere() async throws {
        let python = Self.venv + "/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "no DataHub venv at \(Self.venv): run .ci/run once")
        let gms = try await onOwnThread {
            try ChildServer(executable: "/usr/bin/env",
                            arguments: ["DATAHUB_TELEMETRY_ENABLED=false", python, AirflowTests.peerScript("datahub_gms.py")])
        }
        defer { gms.stop() }
        let gmsURL = gms.url
        let http = HTTPSession()
        // What DataHub already holds for the table: a tag and a description someone set there.
        for (aspect, value) in [("globalTags", #"{"tags": [{"tag": "urn:li:tag:certified"}]}"#),
                                ("datasetProperties", #"{"description": "kept", "customProperties": {"team": "sales-ops"}, "tags": []}"#)] {
            let proposal: JSONValue = ["proposal": ["entityType": "dataset", "entityUrn": .string(Self.items), "changeType": "UPSERT",
                                                    "aspectName": .string(aspect), "aspect": ["value": .string(value), "contentType": "application/json"]]]
            let seeded = try await http.send(HTTPRequest(method: "POST", url: gmsURL + "/aspects?action=ingestProposal",
                                                         headers: [("X-RestLi-Protocol-Version", "2.0.0")], body: Array(JSONWriter.string(from: proposal).utf8)))
            #expect(seeded.status == 200, "\(seeded.bodyText)")
        }
        let api = try await SyncExecutableTests.DemoAPI.start(count: 20, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start(arguments: ["--datahub-url", gmsURL])
        let job = try await Self.runJob(service, api, name: "items", tags: ["pii", "crm"])
        let state = try JSONParser.parse(try await http.send(HTTPRequest(url: gmsURL + "/_state")).body)
        #expect(state["errors"] == [], "\(state)")
        let stored = state["aspects"]
        #expect(stored?["\(Self.items) globalTags"]?["tags"] == [["tag": "urn:li:tag:certified"], ["tag": "urn:li:tag:pii"], ["tag": "urn:li:tag:crm"]],
                "\(String(describing: stored))")
        let properties = stored?["\(Self.items) datasetProperties"]
        #expect(properties?["description"] == "kept" && properties?["customProperties"]?["team"] == "sales-ops"
                && properties?["customProperties"]?["job_id"] == job["id"], "\(String(describing: properties))")
        #expect(stored?["\(Self.items) domains"]?["domains"] == ["urn:li:domain:sales"])
        #expect(stored?["urn:li:domain:sales domainProperties"]?["name"] == "Sales")
        #expect(stored?["\(Self.items) ownership"]?["owners"]?[0]?["owner"] == "urn:li:corpuser:jdoe")
        let log = try await service.call("GET", "/api/v1/syncs/\(job["last_run"]?["id"]?.stringValue ?? "")/logs", token: JobsTests.manage)
        #expect(log.text.contains("datahub: metadata of 1 table sent to \(gmsURL)"), "\(log.text)")
        // A second run looks the domain up no more and adds no tag twice.
        let posts = state["posts"]?.intValue ?? 0
        let again = try await service.call("POST", "/api/jobs/\(job["id"]?.stringValue ?? "")/trigger", token: JobsTests.manage)
        #expect(try await ServeTests.finished(service, again.json["id"]?.stringValue ?? "")["status"] == "SUCCEEDED")
        try await Task.sleep(for: .milliseconds(300))
        let after = try JSONParser.parse(try await http.send(HTTPRequest(url: gmsURL + "/_state")).body)
        #expect(after["aspects"]?["\(Self.items) globalTags"]?["tags"]?.arrayValue?.count == 3 && after["errors"] == [], "\(after)")
        #expect((after["posts"]?.intValue ?? 0) - posts == 6, "domain made once, tags' entities and the 4 dataset aspects again: \(after["posts"] ?? .null)")
        await service.stop()
        await http.shutdown()

        // DataHub down: the run still succeeds, and its log says the metadata waits for the next run.
        let offline = try await ServiceProcess.start(arguments: ["--datahub-url", "http://127.0.0.1:1"])
        let landed = try await Self.runJob(offline, api, name: "items", tags: ["pii"])
        let offlineLog = try await offline.call("GET", "/api/v1/syncs/\(landed["last_run"]?["id"]?.stringValue ?? "")/logs", token: JobsTests.manage)
        #expect(offlineLog.text.contains("failed (the next run sends it again)") && offlineLog.text.contains("cannot be reached"), "\(offlineLog.text)")
        await offline.stop()
    }
}
