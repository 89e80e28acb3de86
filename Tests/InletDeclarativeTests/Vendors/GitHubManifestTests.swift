import Foundation
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

/// `manifests/github` against a mock of GitHub's REST API, read by Inlet and by the CDK.
@Suite("GitHub manifest", .serialized)
struct GitHubManifestTests {
    static let streams = ["repositories", "issues", "pull_requests", "commits", "issue_comments", "reviews", "releases", "tags",
                          "branches", "workflow_runs", "stargazers", "collaborators", "teams"]

    static func config(_ api: GitHubMockAPI, token: String = GitHubMockAPI.token) -> JSONObject {
        ["credentials": ["option_title": "PAT Credentials", "personal_access_token": .string(token)],
         "repositories": ["solo/gamma"], "organizations": .array([.string(GitHubMockAPI.organization)]),
         "api_url": .string(api.server.baseURL), "page_size": 20, "start_date": "2024-01-01T00:00:00Z"]
    }

    @Test func everyStreamReadsEveryGeneratedRecordAsTheCDKDoes() async throws {
        let api = try await GitHubMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("github")
        let output = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: Self.streams,
                                                       incremental: false, beforeEachRead: api.resetRateLimits)
        for repository in GitHubMockAPI.repositories {
            for (stream, endpoint) in [("issues", "issues"), ("pull_requests", "pulls"), ("commits", "commits"), ("issue_comments", "issues/comments"),
                                       ("releases", "releases"), ("tags", "tags"), ("branches", "branches"), ("stargazers", "stargazers"),
                                       ("collaborators", "collaborators"), ("reviews", "reviews")] {
                let read = output.records(of: stream).filter { $0["repository"]?.stringValue == repository }
                #expect(read.count == api.items("\(repository) \(endpoint)").count, "\(stream) of \(repository)")
            }
            let runs = output.records(of: "workflow_runs").filter { $0["repository"]?["full_name"]?.stringValue == repository }
            #expect(runs.count == api.items("\(repository) actions/runs").count)
        }
        let issues = output.records(of: "issues")
        #expect(issues.filter { $0["is_pull_request"] == .bool(true) }.count == output.records(of: "pull_requests").count)
        #expect(Set(output.records(of: "repositories").compactMap { $0["full_name"]?.stringValue }) == Set(GitHubMockAPI.repositories))
        #expect(output.records(of: "teams").count == 3 && output.records(of: "stargazers").allSatisfy { $0["starred_at"] != nil && $0["user_id"] != nil })
        try await manifest.expectRecordsMatchTheirSchemas(output, config: Self.config(api))
    }

    @Test func aSecondIncrementalReadGetsOnlyWhatChanged() async throws {
        let api = try await GitHubMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("github")
        let incremental = ["issues", "pull_requests", "commits", "issue_comments", "workflow_runs"]
        let first = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: incremental, incremental: true)
        let before = Dictionary(uniqueKeysWithValues: incremental.map { ($0, Set(first.records(of: $0).map(Self.identity))) })
        api.applyChanges()
        let second = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: incremental, incremental: true,
                                                       state: VendorManifestRead.finalStateMessages(first))
        // Each stream reads its changed and new records, and of the others at most the one its cursor ended on.
        for stream in incremental {
            let records = second.records(of: stream)
            let changed = records.filter { !before[stream, default: []].contains(Self.identity($0)) }
            #expect(!changed.isEmpty, "\(stream) read nothing new")
            #expect(records.count - changed.count <= GitHubMockAPI.repositories.count, "\(stream) read \(records.count - changed.count) unchanged records")
        }
        #expect(second.records(of: "issues").count < first.records(of: "issues").count / 4)
        let pullRequestsWithStates = second.messages.filter {
            if case .state(let state) = $0.content { return state.stream?.streamDescriptor.name == "pull_requests" }
            return false
        }
        #expect(!pullRequestsWithStates.isEmpty)
    }

    @Test func aBadTokenFailsTheCheckSayingSo() async throws {
        let api = try await GitHubMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("github")
        let check = await (try ManifestRun(manifest.yaml)).check(config: Self.config(api, token: "ghp_revoked"))
        let status = check.connectionStatus
        #expect(status?.status == .failed)
        #expect(status?.message?.contains("GitHub refused the token (401 Bad credentials)") == true, "\(String(describing: status?.message))")
        #expect(status?.message?.contains("ghp_revoked") == false)
        let good = await (try ManifestRun(manifest.yaml)).check(config: Self.config(api))
        #expect(good.messages.contains { if case .connectionStatus(let status) = $0.content { return status.status == .succeeded } else { return false } })
    }

    @Test func rateLimitsAreWaitedOut() async throws {
        let api = try await GitHubMockAPI.start()
        defer { Task { await api.shutdown() } }
        let run = try ManifestRun(try VendorManifestRead("github").yaml)
        let output = await run.read(config: Self.config(api), streams: ["tags", "branches"])
        #expect(output.errors.isEmpty && output.error == nil, "\(output.errors.map(\.message))")
        #expect(output.records(of: "tags").count == GitHubMockAPI.repositories.indices.map { 25 + $0 }.reduce(0, +))
        let sleeps = run.sleeps.withLockedValue { $0 }
        #expect(sleeps.count == 2 && sleeps.contains { $0 >= 1 }, "\(sleeps)")
        #expect(output.statuses.contains { $0.hasPrefix("tags:") }, "\(output.statuses)")
        // The repositories both streams partition by are asked for once: the parent's answers are cached.
        #expect(api.server.requests.filter { $0.path == "/orgs/octo/repos" }.count == 1)
    }

    static func identity(_ record: JSONObject) -> String {
        var writer = JSONWriter()
        writer.write(record["id"] ?? record["sha"] ?? .null)
        writer.write(record["updated_at"] ?? record["committed_at"] ?? .null)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
