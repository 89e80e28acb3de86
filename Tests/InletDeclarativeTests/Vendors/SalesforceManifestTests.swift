import Foundation
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

/// `manifests/salesforce` against a mock of Salesforce's REST API, read by Inlet and by the CDK:
/// streams come from the org's describe, fields from each object's describe.
@Suite("Salesforce manifest", .serialized)
struct SalesforceManifestTests {
    static func config(_ api: SalesforceMockAPI, objects: [String]? = nil, refreshToken: String = SalesforceMockAPI.refreshToken) -> JSONObject {
        var config: JSONObject = ["instance_url": .string(api.server.baseURL), "login_url": .string(api.server.baseURL),
                                  "client_id": .string(SalesforceMockAPI.clientID), "client_secret": .string(SalesforceMockAPI.clientSecret),
                                  "refresh_token": .string(refreshToken), "start_date": "2024-01-01T00:00:00Z", "end_date": "2024-08-01T00:00:00Z",
                                  "window_days": 60, "batch_size": 200]
        if let objects { config["objects"] = .array(objects.map(JSONValue.string)) }
        return config
    }

    @Test func streamsComeFromTheDescribeAndReadEveryRecordAsTheCDKDoes() async throws {
        let api = try await SalesforceMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("salesforce")
        let discovered = await (try ManifestRun(manifest.yaml)).discover(config: Self.config(api))
        let names = discovered.messages.compactMap { message -> [String]? in
            if case .catalog(let catalog) = message.content { return catalog.streams.map(\.name) } else { return nil }
        }.first ?? []
        #expect(names.sorted() == ["Account", "Contact", "Lead", "Opportunity", "sobjects"], "\(names)")
        // Each object's schema is its describe's fields, typed.
        let catalog = discovered.messages.compactMap { message -> AirbyteCatalog? in
            if case .catalog(let catalog) = message.content { return catalog } else { return nil }
        }.first
        let reference = try await ReferenceCDK.discover(manifest.yaml, config: Self.config(api))
        #expect(reference.count == 5)
        for stream in catalog?.streams ?? [] {
            #expect(CDKComparison.canonical([.object(stream.jsonSchema)]) == CDKComparison.canonical([.object(reference[stream.name]?.jsonSchema ?? [:])]),
                    "\(stream.name)'s schema differs from the CDK's")
        }
        let opportunity = catalog?.streams.first { $0.name == "Opportunity" }?.jsonSchema["properties"]?.objectValue ?? [:]
        #expect(opportunity["Amount"] == ["type": ["null", "number"]] && opportunity["CloseDate"] == ["type": ["null", "string"], "format": "date"]
                && opportunity["IsDeleted"] == ["type": ["null", "boolean"]] && opportunity.count == 10, "\(opportunity)")
        let streams = ["Account", "Contact", "Lead", "Opportunity"]
        let output = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: streams, incremental: false)
        for stream in streams {
            let read = output.records(of: stream)
            #expect(read.compactMap { $0["Id"]?.stringValue }.sorted() == api.records(stream).compactMap { $0["Id"]?.stringValue }.sorted(), "\(stream)")
            // Every field of the describe, and no `attributes`.
            let fields = Set((api.records(stream).first ?? [:]).keys).subtracting(["attributes"])
            #expect(read.allSatisfy { Set($0.keys) == fields }, "\(stream): \(read.first.map { Array($0.keys) } ?? [])")
        }
        try await manifest.expectRecordsMatchTheirSchemas(output, config: Self.config(api))
    }

    @Test func aSecondIncrementalReadGetsChangedAndDeletedRecords() async throws {
        let api = try await SalesforceMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("salesforce")
        let config = Self.config(api, objects: ["Account", "Opportunity"])
        let first = try await manifest.readLikeTheCDK(server: api.server, config: config, streams: ["Account", "Opportunity"], incremental: true)
        api.applyChanges()
        let second = try await manifest.readLikeTheCDK(server: api.server, config: config, streams: ["Account", "Opportunity"], incremental: true,
                                                       state: VendorManifestRead.finalStateMessages(first))
        func changed(_ stream: String) -> [JSONObject] {
            let boundary = first.records(of: stream).compactMap { $0["SystemModstamp"]?.stringValue }.max()
            return second.records(of: stream).filter { $0["SystemModstamp"]?.stringValue != boundary }
        }
        #expect(changed("Account").compactMap { $0["Name"]?.stringValue }.sorted() == ["Name 7 v1", "Name 99 v1"])
        #expect(changed("Opportunity").map { $0["IsDeleted"] } == [.bool(true)])
    }

    @Test func aBadRefreshTokenFailsTheCheck() async throws {
        let api = try await SalesforceMockAPI.start()
        defer { Task { await api.shutdown() } }
        let check = await (try ManifestRun(try VendorManifestRead("salesforce").yaml)).check(config: Self.config(api, refreshToken: "sf-revoked"))
        #expect(check.connectionStatus?.status == .failed, "\(check.messages.map { "\($0.content)".prefix(300) })")
        #expect(check.connectionStatus?.message?.contains("sf-revoked") == false)
    }
}
