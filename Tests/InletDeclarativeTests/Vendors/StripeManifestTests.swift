import Foundation
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

/// `manifests/stripe` against a mock of the Stripe API, read by Inlet and by the CDK.
@Suite("Stripe manifest", .serialized)
struct StripeManifestTests {
    static let streams = ["customers", "charges", "payment_intents", "invoices", "invoice_items", "subscriptions", "products", "prices",
                          "refunds", "payouts", "disputes", "balance_transactions", "events"]
    /// The stream's list path in the mock.
    static let paths = ["invoice_items": "invoiceitems"]

    static func config(_ api: StripeMockAPI, key: String = StripeMockAPI.secretKey, account: String? = nil) -> JSONObject {
        var config: JSONObject = ["client_secret": .string(key), "start_date": "2024-01-01T00:00:00Z", "end_date": "2024-12-31T00:00:00Z",
                                  "slice_range": 90, "api_url": .string(api.server.baseURL)]
        if let account { config["account_id"] = .string(account) }
        return config
    }

    @Test func everyStreamReadsEveryGeneratedObjectAsTheCDKDoes() async throws {
        let api = try await StripeMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("stripe")
        let output = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: Self.streams, incremental: false)
        for stream in Self.streams where stream != "events" {
            let ids = output.records(of: stream).compactMap { $0["id"]?.stringValue }
            #expect(Set(ids) == Set(api.objects(Self.paths[stream] ?? stream).compactMap { $0["id"]?.stringValue }), "\(stream)")
            #expect(ids.count == Set(ids).count, "\(stream) has duplicates")
        }
        #expect(output.records(of: "events").count == api.events.count)
        #expect(output.records(of: "customers").allSatisfy { $0["updated"] == $0["created"] && $0["is_deleted"] == .bool(false) })
        // Canceled subscriptions too.
        #expect(output.records(of: "subscriptions").contains { $0["status"]?.stringValue == "canceled" })
        try await manifest.expectRecordsMatchTheirSchemas(output, config: Self.config(api))
    }

    @Test func laterSyncsReadChangesFromEvents() async throws {
        let api = try await StripeMockAPI.start()
        defer { Task { await api.shutdown() } }
        let manifest = try VendorManifestRead("stripe")
        let streams = ["customers", "charges", "products", "balance_transactions"]
        let first = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: streams, incremental: true)
        api.applyChanges()
        let requestsBefore = api.server.requests.count
        let second = try await manifest.readLikeTheCDK(server: api.server, config: Self.config(api), streams: streams, incremental: true,
                                                       state: VendorManifestRead.finalStateMessages(first))
        // A sync starts at the cursor it ended on, inclusive (as the CDK does): the object it ended on
        // comes again, and is left out here.
        func changed(_ stream: String) -> [JSONObject] {
            let boundary = first.records(of: stream).compactMap { $0["updated"]?.intValue }.max()
            return second.records(of: stream).filter { $0["updated"]?.intValue != boundary }
        }
        let customers = changed("customers")
        #expect(customers.map { $0["email"]?.stringValue ?? "" }.sorted() == ["changed3@example.com", "changed40@example.com", "changed77@example.com"])
        #expect(customers.allSatisfy { ($0["updated"]?.intValue ?? 0) > ($0["created"]?.intValue ?? 0) })
        #expect(changed("charges").compactMap { $0["id"]?.stringValue }.sorted() == ["ch_new0", "ch_new1"])
        let products = changed("products")
        #expect(products.count == 1 && products.first?["is_deleted"] == .bool(true))
        #expect(changed("balance_transactions").isEmpty && second.records(of: "balance_transactions").count == 1)
        // Changes come from the events endpoint, not from listing every object again.
        let paths = Set(api.server.requests[requestsBefore...].map(\.path))
        #expect(paths == ["/v1/events", "/v1/balance_transactions"], "\(paths)")
        #expect(first.records(of: "customers").count == 150)
    }

    @Test func aConnectedAccountIsReadWithTheStripeAccountHeader() async throws {
        let api = try await StripeMockAPI.start()
        defer { Task { await api.shutdown() } }
        let run = try ManifestRun(try VendorManifestRead("stripe").yaml)
        _ = await run.read(config: Self.config(api, account: "acct_1Connected"), streams: ["payouts"])
        #expect(!api.server.requests.isEmpty && api.server.requests.allSatisfy { $0.header("Stripe-Account") == "acct_1Connected" })
    }

    @Test func aBadKeyFailsTheCheckAndRateLimitsAreRetried() async throws {
        let api = try await StripeMockAPI.start()
        defer { Task { await api.shutdown() } }
        let yaml = try VendorManifestRead("stripe").yaml
        let check = await (try ManifestRun(yaml)).check(config: Self.config(api, key: "sk_test_revoked"))
        let status = check.connectionStatus
        #expect(status?.status == .failed && status?.message?.contains("Stripe refused the secret key (401)") == true, "\(String(describing: status?.message))")
        #expect(status?.message?.contains("sk_test_revoked") == false)

        api.rateLimitNextRequest()
        let run = try ManifestRun(yaml)
        let output = await run.read(config: Self.config(api), streams: ["payouts"])
        #expect(output.errors.isEmpty && output.records(of: "payouts").count == 35, "\(output.errors.map(\.message))")
        #expect(run.sleeps.withLockedValue { $0.count } == 1)
        #expect(output.statuses.contains("payouts:RUNNING"))
    }
}
