import Foundation
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

/// `manifests/zendesk` against a mock of Zendesk Support's API, read by Inlet and by the CDK.
@Suite("Zendesk manifest", .serialized)
struct ZendeskManifestTests {
    static let streams = ["tickets", "users", "organizations", "groups", "ticket_fields", "macros", "satisfaction_ratings", "ticket_comments"]

    static func config(_ api: ZendeskMockAPI, oauth: Bool = false, token: String = ZendeskMockAPI.apiToken) -> JSONObject {
        let credentials: JSONValue = oauth
            ? ["credentials": "oauth2.0", "access_token": .string(ZendeskMockAPI.accessToken)]
            : ["credentials": "api_token", "email": .string(ZendeskMockAPI.email), "api_token": .string(token)]
        return ["subdomain": "acme", "credentials": credentials, "start_date": "2024-01-01T00:00:00Z", "export_page_size": 100,
                "api_url": .string(api.server.baseURL)]
    }

    @Test(arguments: [false, true])
    func everyStreamReadsEveryGeneratedRecordAsTheCDKDoes(oauth: Bool) async throws {
        let api = try await ZendeskMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("zendesk")
        let output = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api, oauth: oauth), streams: Self.streams, incremental: false)
        for stream in Self.streams where stream != "ticket_comments" {
            let ids = output.records(of: stream).compactMap { $0["id"]?.intValue }
            #expect(ids.sorted() == api.collection(stream).compactMap { $0["id"]?.intValue }.sorted(), "\(stream)")
        }
        #expect(output.records(of: "ticket_comments").count == api.commentCount)
        #expect(output.records(of: "ticket_comments").allSatisfy { $0["ticket_id"]?.intValue != nil && $0["event_type"] == "Comment" && $0["body"] != nil })
        if !oauth { try await manifest.expectRecordsMatchTheirSchemas(output, config: Self.config(api)) }
    }

    @Test func aSecondIncrementalReadGetsOnlyWhatChanged() async throws {
        let api = try await ZendeskMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("zendesk")
        let streams = ["tickets", "users", "ticket_comments"]
        let first = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: streams, incremental: true)
        api.applyChanges()
        let second = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: streams, incremental: true,
                                                       state: VendorManifestRead.finalStateMessages(first))
        func changed(_ stream: String) -> [Int64] {
            let boundary = first.records(of: stream).compactMap { $0["updated_at"]?.stringValue }.max()
            return second.records(of: stream).filter { $0["updated_at"]?.stringValue != boundary }.compactMap { $0["id"]?.intValue }.sorted()
        }
        #expect(changed("tickets") == [8, 9, 231])
        #expect(changed("users") == [1003])
        // Comments come from the ticket events since the state: the new one, not the others again.
        let lastComment = first.records(of: "ticket_comments").compactMap { $0["created_at"]?.stringValue }.max()
        let newComments = second.records(of: "ticket_comments").filter { $0["created_at"]?.stringValue != lastComment }
        #expect(newComments.compactMap { $0["id"]?.intValue } == [80_099] && newComments.first?["ticket_id"] == 8,
                "\(second.records(of: "ticket_comments").map { $0["id"] })")
        #expect(first.records(of: "tickets").count == 230)
    }

    @Test func aBadTokenFailsTheCheckAndRateLimitsWaitForRetryAfter() async throws {
        let api = try await ZendeskMockAPI.start()
        defer { Task { await api.shutdown() } }
        let yaml = try VendorManifestRead("zendesk").yaml
        let check = await (try ManifestRun(yaml)).check(config: Self.config(api, token: "zd_wrong"))
        let status = check.connectionStatus
        #expect(status?.status == .failed && status?.message?.contains("Zendesk could not authenticate (401)") == true, "\(String(describing: status?.message))")
        api.rateLimitNextRequest()
        let run = try ManifestRun(yaml)
        let output = await run.read(config: Self.config(api), streams: ["groups"])
        #expect(output.errors.isEmpty && output.records(of: "groups").count == 4)
        // Retry-After's second, and the CDK's one more.
        #expect(run.sleeps.withLockedValue { $0 } == [2])
    }
}
