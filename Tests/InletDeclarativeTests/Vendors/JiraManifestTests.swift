import Foundation
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

/// `manifests/jira` against a mock of Jira Cloud's REST and agile APIs, read by Inlet and by the CDK.
@Suite("Jira manifest", .serialized)
struct JiraManifestTests {
    static let streams = ["projects", "issues", "issue_fields", "issue_comments", "issue_worklogs", "issue_changelogs", "users", "boards", "sprints"]

    static func config(_ api: JiraMockAPI, oauth: Bool = false, token: String = JiraMockAPI.apiToken, projects: [String]? = nil) -> JSONObject {
        let credentials: JSONValue = oauth
            ? ["auth_type": "oauth2.0", "access_token": .string(JiraMockAPI.accessToken)]
            : ["auth_type": "api_token", "email": .string(JiraMockAPI.email), "api_token": .string(token)]
        var config: JSONObject = ["domain": "acme.atlassian.net", "credentials": credentials, "start_date": "2024-01-01T00:00:00Z",
                                  "page_size": 25, "api_url": .string(api.server.baseURL)]
        if let projects { config["projects"] = .array(projects.map(JSONValue.string)) }
        return config
    }

    @Test func everyStreamReadsEveryGeneratedRecordAsTheCDKDoes() async throws {
        let api = try await JiraMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("jira")
        let output = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: Self.streams, incremental: false)
        #expect(output.records(of: "projects").count == 3 && output.records(of: "issue_fields").count == 15)
        #expect(Set(output.records(of: "issues").compactMap { $0["key"]?.stringValue }) == Set(api.issues.compactMap { $0["key"]?.stringValue }))
        #expect(output.records(of: "issues").count == api.issues.count)
        #expect(output.records(of: "issue_comments").count == api.childCount("comment"))
        #expect(output.records(of: "issue_worklogs").count == api.childCount("worklog"))
        #expect(output.records(of: "issue_changelogs").count == api.childCount("changelog"))
        #expect(output.records(of: "users").count == api.users.count)
        #expect(output.records(of: "boards").count == 4 && output.records(of: "sprints").count == api.sprintCount)
        try await manifest.expectRecordsMatchTheirSchemas(output, config: Self.config(api))
    }

    @Test func aSecondIncrementalReadOfSomeProjectsGetsOnlyWhatChanged() async throws {
        let api = try await JiraMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("jira")
        let config = Self.config(api, oauth: true, projects: ["CORE", "WEB"])
        let first = try await manifest.readLikeTheCDK(server: api.server, config: config, streams: ["issues"], incremental: true)
        #expect(first.records(of: "issues").allSatisfy { ["CORE", "WEB"].contains($0["project_key"]?.stringValue ?? "") })
        #expect(first.records(of: "issues").count == 40 + 53)
        api.applyChanges()
        let second = try await manifest.readLikeTheCDK(server: api.server, config: config, streams: ["issues"], incremental: true,
                                                       state: VendorManifestRead.finalStateMessages(first))
        // JQL compares to the minute: the issues of the minute the last sync ended on come again.
        let boundary = first.records(of: "issues").compactMap { $0["updated"]?.stringValue }.max().map { String($0.prefix(16)) }
        let changed = second.records(of: "issues").filter { String(($0["updated"]?.stringValue ?? "").prefix(16)) != boundary }
        #expect(changed.compactMap { $0["key"]?.stringValue }.sorted() == ["CORE-5", "WEB-21", "WEB-99"], "\(changed.map { $0["key"] })")
    }

    @Test func aBadTokenFailsTheCheckAndRateLimitsWaitForRetryAfter() async throws {
        let api = try await JiraMockAPI.start()
        defer { Task { await api.shutdown() } }
        let yaml = try VendorManifestRead("jira").yaml
        let check = await (try ManifestRun(yaml)).check(config: Self.config(api, token: "jira_wrong"))
        #expect(check.connectionStatus?.status == .failed && check.connectionStatus?.message?.contains("Jira refused the credentials (401)") == true,
                "\(String(describing: check.connectionStatus?.message))")
        api.rateLimitNextRequest()
        let run = try ManifestRun(yaml)
        let output = await run.read(config: Self.config(api), streams: ["boards"])
        #expect(output.errors.isEmpty && output.records(of: "boards").count == 4)
        #expect(run.sleeps.withLockedValue { $0 } == [2])
    }
}
