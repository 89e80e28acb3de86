import Foundation
import InletJSON
import NIOConcurrencyHelpers

/// The Stripe API as documented (docs.stripe.com/api), over generated data: bearer secret keys
/// (401 with Stripe's error object), lists newest first with `limit`, `starting_after` and
/// `has_more`, `created[gte|lte|gt|lt]` filters, `/v1/events` with a `type` that may end in `*`,
/// `status=all` for subscriptions, and a 429 when asked for.
final class StripeMockAPI: VendorMock {
    static let secretKey = "sk_test_mock_51Hx0123456789"
    /// 2024-01-01T00:00:00Z.
    static let epoch = 1_704_067_200

    /// List path, id prefix, object name, event prefix, how many, seconds between them.
    static let kinds: [(path: String, prefix: String, object: String, eventPrefix: String, count: Int, spacing: Int)] = [
        ("customers", "cus", "customer", "customer", 150, 2 * 86_400),
        ("charges", "ch", "charge", "charge", 260, 9_000),
        ("payment_intents", "pi", "payment_intent", "payment_intent", 120, 43_200),
        ("invoices", "in", "invoice", "invoice", 80, 3 * 86_400),
        ("invoiceitems", "ii", "invoiceitem", "invoiceitem", 60, 4 * 86_400),
        ("subscriptions", "sub", "subscription", "customer.subscription", 40, 6 * 86_400),
        ("products", "prod", "product", "product", 25, 10 * 86_400),
        ("prices", "price", "price", "price", 30, 8 * 86_400),
        ("refunds", "re", "refund", "refund", 20, 12 * 86_400),
        ("payouts", "po", "payout", "payout", 35, 7 * 86_400),
        ("disputes", "dp", "dispute", "charge.dispute", 6, 40 * 86_400),
        ("balance_transactions", "txn", "balance_transaction", "", 140, 2 * 86_400),
    ]

    struct Data: Sendable, RateLimitedOnce {
        var objects: [String: [JSONObject]] = [:]
        var events: [JSONObject] = []
        var rateLimitNext = false
    }

    let mock: VendorMockServer<Data>

    private init(mock: VendorMockServer<Data>) {
        self.mock = mock
    }

    static func start() async throws -> StripeMockAPI {
        StripeMockAPI(mock: try await VendorMockServer(generate()) { data, request in StripeAnswers(data: data).answer(request) })
    }


    func objects(_ path: String) -> [JSONObject] { data.withLockedValue { $0.objects[path] ?? [] } }
    var events: [JSONObject] { data.withLockedValue { $0.events } }
    func rateLimitNextRequest() { data.withLockedValue { $0.rateLimitNext = true } }

    static func generate() -> Data {
        var data = Data()
        for kind in kinds {
            var objects: [JSONObject] = []
            for index in 0..<kind.count {
                let created = epoch + 3_600 + index * kind.spacing
                var object: JSONObject = ["id": .string("\(kind.prefix)_\(String(format: "%05d", index))"), "object": .string(kind.object),
                                          "created": .int(Int64(created)), "livemode": false, "metadata": ["order": .string("o\(index)")]]
                switch kind.object {
                case "customer": object["email"] = .string("c\(index)@example.com"); object["name"] = .string("Customer \(index)"); object["balance"] = 0
                case "charge", "payment_intent", "refund", "payout", "dispute", "invoiceitem":
                    object["amount"] = .int(Int64(100 + index * 7)); object["currency"] = "usd"; object["status"] = "succeeded"
                case "subscription": object["status"] = .string(index % 5 == 0 ? "canceled" : "active"); object["customer"] = .string("cus_\(String(format: "%05d", index))")
                case "balance_transaction": object["amount"] = .int(Int64(index * 10)); object["fee"] = 30; object["net"] = .int(Int64(index * 10 - 30)); object["type"] = "charge"
                case "invoice": object["total"] = .int(Int64(index * 100)); object["status"] = "paid"; object["lines"] = ["object": "list", "data": [], "has_more": false]
                default: object["name"] = .string("\(kind.object) \(index)"); object["active"] = true
                }
                objects.append(object)
                if !kind.eventPrefix.isEmpty { data.events.append(event(kind.eventPrefix + ".created", object: object, at: created)) }
            }
            data.objects[kind.path] = objects
        }
        return data
    }

    static func event(_ type: String, object: JSONObject, at created: Int) -> JSONObject {
        ["id": .string("evt_\(type.replacingOccurrences(of: ".", with: "_"))_\(object["id"]?.stringValue ?? "")_\(created)"), "object": "event",
         "api_version": "2024-06-20", "created": .int(Int64(created)), "livemode": false, "pending_webhooks": 0, "type": .string(type),
         "data": ["object": .object(object)], "request": ["id": .null, "idempotency_key": .null]]
    }

    /// Later in the year: three customers change, two charges are made, a product is deleted.
    func applyChanges() {
        data.withLockedValue { data in
            let later = Self.epoch + 300 * 86_400
            for (offset, index) in [3, 40, 77].enumerated() {
                var customer = data.objects["customers"]![index]
                customer["email"] = .string("changed\(index)@example.com")
                data.objects["customers"]![index] = customer
                data.events.append(Self.event("customer.updated", object: customer, at: later + offset * 60))
            }
            for number in 0..<2 {
                let created = later + 600 + number
                let charge: JSONObject = ["id": .string("ch_new\(number)"), "object": "charge", "created": .int(Int64(created)), "livemode": false,
                                          "amount": 999, "currency": "eur", "status": "succeeded", "metadata": [:]]
                data.objects["charges"]!.append(charge)
                data.events.append(Self.event("charge.succeeded", object: charge, at: created))
            }
            let deleted = data.objects["products"]!.removeLast()
            data.events.append(Self.event("product.deleted", object: deleted, at: later + 900))
            // A subscription event matches `customer.*` too, and is not a customer.
            data.events.append(Self.event("customer.subscription.updated", object: data.objects["subscriptions"]![1], at: later + 950))
        }
    }
}

private struct StripeAnswers {
    let data: NIOLockedValueBox<StripeMockAPI.Data>

    func answer(_ request: LoopbackServer.Request) -> LoopbackServer.Response {
        guard request.header("Authorization") == "Bearer \(StripeMockAPI.secretKey)" else {
            return .json(#"{"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****wxyz"}}"#, status: 401)
        }
        let limited = data.takeRateLimit()
        if limited {
            return .json(#"{"error": {"type": "rate_limit_error", "code": "rate_limit", "message": "Too many requests made to the API too quickly"}}"#, status: 429)
        }
        let query = request.query
        let path = String(request.path.dropFirst("/v1/".count))
        var found: [JSONObject]
        if path == "events" {
            found = data.withLockedValue { $0.events }
            if let type = query["type"] {
                found = found.filter { event in
                    let name = event["type"]?.stringValue ?? ""
                    return type.hasSuffix("*") ? name.hasPrefix(String(type.dropLast())) : name == type
                }
            }
        } else {
            guard let objects = data.withLockedValue({ $0.objects[path] }) else {
                return .json(#"{"error": {"type": "invalid_request_error", "message": "Unrecognized request URL (GET: \#(request.path))."}}"#, status: 404)
            }
            found = objects
            if path == "subscriptions", query["status"] != "all" { found = found.filter { $0["status"]?.stringValue != "canceled" } }
        }
        for (bound, keep) in [("gte", { (a: Int64, b: Int64) in a >= b }), ("lte", { $0 <= $1 }), ("gt", { $0 > $1 }), ("lt", { $0 < $1 })] {
            guard let text = query["created[\(bound)]"] else { continue }
            guard let limit = Int64(text) else {
                return .json(#"{"error": {"type": "invalid_request_error", "message": "Invalid integer: \#(text)", "param": "created[\#(bound)]"}}"#, status: 400)
            }
            found = found.filter { keep($0["created"]?.intValue ?? 0, limit) }
        }
        // Newest first, as Stripe lists.
        found.sort { ($0["created"]?.intValue ?? 0, $0["id"]?.stringValue ?? "") > ($1["created"]?.intValue ?? 0, $1["id"]?.stringValue ?? "") }
        if let after = query["starting_after"] {
            guard let position = found.firstIndex(where: { $0["id"]?.stringValue == after }) else {
                return .json(#"{"error": {"type": "invalid_request_error", "message": "No such object: '\#(after)'", "param": "starting_after"}}"#, status: 400)
            }
            found = Array(found[(position + 1)...])
        }
        let limit = min(max(Int(query["limit"] ?? "") ?? 10, 1), 100)
        let page = Array(found.prefix(limit))
        let body: JSONValue = ["object": "list", "url": .string(request.path), "has_more": .bool(found.count > limit), "data": .array(page.map(JSONValue.object))]
        return .json(String(decoding: JSONWriter.bytes(from: body), as: UTF8.self))
    }
}
