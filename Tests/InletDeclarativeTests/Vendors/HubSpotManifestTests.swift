import Foundation
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

/// `manifests/hubspot` against a mock of HubSpot's CRM API, read by Inlet and by the CDK.
@Suite("HubSpot manifest", .serialized)
struct HubSpotManifestTests {
    static let objectStreams = ["contacts": "contacts", "companies": "companies", "deals": "deals", "tickets": "tickets", "line_items": "line_items",
                                "products": "products", "engagements_calls": "calls", "engagements_emails": "emails", "engagements_meetings": "meetings",
                                "engagements_notes": "notes", "engagements_tasks": "tasks"]

    static func config(_ api: HubSpotMockAPI, oauth: Bool = false, token: String = HubSpotMockAPI.privateAppToken) -> JSONObject {
        let credentials: JSONValue = oauth
            ? ["credentials_title": "OAuth Credentials", "client_id": .string(HubSpotMockAPI.clientID), "client_secret": .string(HubSpotMockAPI.clientSecret),
               "refresh_token": .string(HubSpotMockAPI.refreshToken)]
            : ["credentials_title": "Private App Credentials", "access_token": .string(token)]
        return ["credentials": credentials, "start_date": "2024-01-01T00:00:00Z", "end_date": "2024-07-01T00:00:00Z", "search_window_days": 45,
                "api_url": .string(api.server.baseURL)]
    }

    @Test(arguments: [false, true])
    func everyStreamReadsEveryRecordWithAllItsPropertiesAsTheCDKDoes(oauth: Bool) async throws {
        let api = try await HubSpotMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("hubspot")
        let associations = [("contacts", "companies"), ("deals", "contacts"), ("deals", "companies"), ("tickets", "contacts")]
        let streams = Self.objectStreams.keys.sorted() + ["owners", "pipelines"] + associations.map { "associations_\($0.0)_\($0.1)" }
        let output = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api, oauth: oauth), streams: streams, incremental: false)
        for (stream, object) in Self.objectStreams {
            let read = output.records(of: stream)
            #expect(read.map { $0["id"]?.stringValue ?? "" }.sorted() == api.records(object).map { $0["id"]?.stringValue ?? "" }.sorted(), "\(stream)")
            // Every property, though contacts' 153 come in two chunks merged by id.
            let expected = api.records(object).first?["properties"]?.objectValue?.count ?? 0
            #expect(read.allSatisfy { $0["properties"]?.objectValue?.count == expected }, "\(stream): \(read.first?["properties"]?.objectValue?.count ?? 0) of \(expected) properties")
        }
        #expect(output.records(of: "owners").count == 130 && output.records(of: "pipelines").count == 4)
        for (from, to) in associations {
            let read = output.records(of: "associations_\(from)_\(to)")
            let expected = api.records(from).filter { !(HubSpotMockAPI.associated(from: from, to: to, id: $0["id"]?.stringValue ?? "") ?? []).isEmpty }
            #expect(read.compactMap { $0["from_id"]?.stringValue }.sorted() == expected.compactMap { $0["id"]?.stringValue }.sorted(), "\(from) → \(to)")
        }
        // contacts come in batches of 100 ids: 230 contacts are three requests.
        #expect(api.server.requests.filter { $0.path == "/crm/v4/associations/contacts/companies/batch/read" }.count == 6)
        if !oauth { try await manifest.expectRecordsMatchTheirSchemas(output, config: Self.config(api)) }
    }

    @Test func aSecondIncrementalReadGetsOnlyWhatChanged() async throws {
        let api = try await HubSpotMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("hubspot")
        let first = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: ["contacts", "deals"], incremental: true)
        api.applyChanges()
        let second = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: ["contacts", "deals"], incremental: true,
                                                       state: VendorManifestRead.finalStateMessages(first))
        // A window starts at its cursor inclusively: the record the last sync ended on may come again.
        func changed(_ stream: String) -> [String] {
            let boundary = first.records(of: stream).compactMap { $0["updatedAt"]?.stringValue }.max()
            return second.records(of: stream).filter { $0["updatedAt"]?.stringValue != boundary }.compactMap { $0["id"]?.stringValue }.sorted()
        }
        #expect(changed("contacts") == ["200", "6"] && changed("deals") == ["200010"], "\(second.records.map { $0["id"] })")
        // Both chunks of the changed contacts' properties are the new ones.
        let changedContacts = second.records(of: "contacts").filter { ["200", "6"].contains($0["id"]?.stringValue ?? "") }
        #expect(changedContacts.allSatisfy { ($0["properties"]?["contacts_prop_149"]?.stringValue ?? "").hasPrefix("v1-")
            && ($0["properties"]?["contacts_prop_1"]?.stringValue ?? "").hasPrefix("v1-") })
    }

    @Test func aBadTokenFailsTheCheckAndRateLimitsAreRetried() async throws {
        let api = try await HubSpotMockAPI.start()
        defer { Task { await api.shutdown() } }
        let yaml = try VendorManifestRead("hubspot").yaml
        let check = await (try ManifestRun(yaml)).check(config: Self.config(api, token: "pat-revoked"))
        #expect(check.connectionStatus?.status == .failed && check.connectionStatus?.message?.contains("HubSpot refused the token (401)") == true,
                "\(String(describing: check.connectionStatus?.message))")
        api.rateLimitNextRequest()
        let run = try ManifestRun(yaml)
        let output = await run.read(config: Self.config(api), streams: ["owners"])
        #expect(output.errors.isEmpty && output.records(of: "owners").count == 130)
        #expect(run.sleeps.withLockedValue { $0.count } == 1)
    }
}
