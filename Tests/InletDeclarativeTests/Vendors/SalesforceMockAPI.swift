import Foundation
import InletJSON
import NIOConcurrencyHelpers

/// Salesforce's REST API as documented: the OAuth refresh-token flow (`/services/oauth2/token`, no
/// `expires_in`), the global describe (`/sobjects`), each object's describe, and SOQL through
/// `queryAll` with `Sforce-Query-Options: batchSize` pages followed by `nextRecordsUrl`; a field the
/// object does not have is a 400 INVALID_FIELD, as Salesforce answers.
final class SalesforceMockAPI: VendorMock {
    static let clientID = "sf-consumer-key", clientSecret = "sf-consumer-secret", refreshToken = "sf-refresh-0123"
    static let accessToken = "00DMOCK!session-4567"
    /// Object, its own fields, how many records, whether it is queryable.
    static let objects: [(name: String, fields: [String], count: Int, queryable: Bool)] = [
        ("Account", ["Name", "Industry", "AnnualRevenue", "BillingCity"], 130, true),
        ("Contact", ["FirstName", "LastName", "Email", "AccountId"], 260, true),
        ("Opportunity", ["Name", "StageName", "Amount", "CloseDate", "AccountId"], 70, true),
        ("Lead", ["FirstName", "LastName", "Company", "Status"], 45, true),
        ("FeedItemLocked", ["Body"], 3, false),
    ]
    static let systemFields = ["Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp"]
    /// The describe's types (Salesforce's field types); the others are `string`.
    static let fieldTypes = ["Id": "id", "IsDeleted": "boolean", "CreatedDate": "datetime", "LastModifiedDate": "datetime", "SystemModstamp": "datetime",
                             "AnnualRevenue": "currency", "Amount": "currency", "CloseDate": "date", "AccountId": "reference", "Email": "email",
                             "Industry": "picklist", "StageName": "picklist", "Status": "picklist", "Body": "textarea"]
    /// 2024-01-01T00:00:00Z.
    static let epoch = 1_704_067_200

    struct Data: Sendable, RateLimitedOnce {
        var records: [String: [JSONObject]] = [:]
        var queries: [String: [JSONObject]] = [:]
        var rateLimitNext = false
    }

    let mock: VendorMockServer<Data>

    private init(mock: VendorMockServer<Data>) {
        self.mock = mock
    }

    static func start() async throws -> SalesforceMockAPI {
        SalesforceMockAPI(mock: try await VendorMockServer(generate()) { data, request in SalesforceAnswers(data: data).answer(request) })
    }

    func records(_ object: String) -> [JSONObject] { data.withLockedValue { $0.records[object] ?? [] } }

    /// Salesforce's timestamps: `2024-01-05T10:00:00.000+0000`.
    static func timestamp(_ seconds: Int) -> String { JiraMockAPI.timestamp(seconds) }

    static func record(_ object: (name: String, fields: [String], count: Int, queryable: Bool), number: Int, modified: Int, version: Int) -> JSONObject {
        let prefix = String(object.name.prefix(3)).uppercased()
        let id = "\(prefix)\(String(format: "%015d", number))"
        var record: JSONObject = ["attributes": ["type": .string(object.name), "url": .string("/services/data/v62.0/sobjects/\(object.name)/\(id)")],
                                  "Id": .string(id), "IsDeleted": false, "CreatedDate": .string(timestamp(epoch + number * 40_000)),
                                  "LastModifiedDate": .string(timestamp(modified)), "SystemModstamp": .string(timestamp(modified))]
        for field in object.fields {
            switch fieldTypes[field] {
            case "currency": record[field] = .double(Double(number) * 1000.5)
            case "date": record[field] = .string(String(timestamp(epoch + number * 86_400).prefix(10)))
            default: record[field] = .string("\(field) \(number) v\(version)")
            }
        }
        return record
    }

    static func generate() -> Data {
        var data = Data()
        for object in objects {
            data.records[object.name] = (1...object.count).map { record(object, number: $0, modified: epoch + $0 * 40_000 + 120, version: 0) }
        }
        return data
    }

    /// Later: two accounts change and one opportunity is deleted (queryAll still returns it, IsDeleted).
    func applyChanges() {
        data.withLockedValue { data in
            let later = Self.epoch + 140 * 86_400
            let account = Self.objects[0], opportunity = Self.objects[2]
            for number in [7, 99] { data.records["Account"]![number - 1] = Self.record(account, number: number, modified: later + number, version: 1) }
            var deleted = Self.record(opportunity, number: 3, modified: later + 500, version: 1)
            deleted["IsDeleted"] = true
            data.records["Opportunity"]![2] = deleted
        }
    }
}

private struct SalesforceAnswers {
    let data: NIOLockedValueBox<SalesforceMockAPI.Data>

    func answer(_ request: LoopbackServer.Request) -> LoopbackServer.Response {
        if request.path == "/services/oauth2/token" {
            let form = request.form
            guard form["grant_type"] == "refresh_token", form["refresh_token"] == SalesforceMockAPI.refreshToken,
                  form["client_id"] == SalesforceMockAPI.clientID, form["client_secret"] == SalesforceMockAPI.clientSecret else {
                return .json(#"{"error": "invalid_grant", "error_description": "expired access/refresh token"}"#, status: 400)
            }
            return .json(#"{"access_token": "\#(SalesforceMockAPI.accessToken)", "instance_url": "http://\#(request.header("Host") ?? "")", "id": "https://login.salesforce.com/id/00D/005", "token_type": "Bearer", "issued_at": "1704067200000", "signature": "c2ln"}"#)
        }
        guard request.header("Authorization") == "Bearer \(SalesforceMockAPI.accessToken)" else {
            return .json(#"[{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]"#, status: 401)
        }
        if data.takeRateLimit() {
            return .json(#"[{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]"#, status: 403)
        }
        let parts = request.path.split(separator: "/").map(String.init)  // services, data, v62.0, …
        guard parts.count >= 4, parts[0...2] == ["services", "data", "v62.0"] else {
            return .json(#"[{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]"#, status: 404)
        }
        switch Array(parts[3...]) {
        case ["sobjects"]:
            let sobjects: [JSONValue] = SalesforceMockAPI.objects.map { object in
                ["name": .string(object.name), "label": .string(object.name), "queryable": .bool(object.queryable), "retrieveable": .bool(object.queryable),
                 "deprecatedAndHidden": false, "custom": false, "replicateable": .bool(object.queryable), "urls": ["describe": .string("/services/data/v62.0/sobjects/\(object.name)/describe")]]
            }
            return .json(String(decoding: JSONWriter.bytes(from: ["encoding": "UTF-8", "maxBatchSize": 200, "sobjects": .array(sobjects)]), as: UTF8.self))
        case let path where path.count == 3 && path[0] == "sobjects" && path[2] == "describe":
            guard let object = SalesforceMockAPI.objects.first(where: { $0.name == path[1] }) else {
                return .json(#"[{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]"#, status: 404)
            }
            let fields: [JSONValue] = (SalesforceMockAPI.systemFields + object.fields).map {
                ["name": .string($0), "type": .string(SalesforceMockAPI.fieldTypes[$0] ?? "string"), "label": .string($0)]
            }
            return .json(String(decoding: JSONWriter.bytes(from: ["name": .string(object.name), "fields": .array(fields)]), as: UTF8.self))
        case ["queryAll"]:
            return query(request)
        case let path where path.count == 2 && path[0] == "query":
            let locator = path[1].split(separator: "-")
            guard locator.count == 2, let offset = Int(locator[1]), let rows = data.withLockedValue({ $0.queries[String(locator[0])] }) else {
                return .json(#"[{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]"#, status: 400)
            }
            return page(rows, query: String(locator[0]), offset: offset, batchSize: batchSize(request))
        default:
            return .json(#"[{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]"#, status: 404)
        }
    }

    private func batchSize(_ request: LoopbackServer.Request) -> Int {
        let option = request.header("Sforce-Query-Options") ?? ""
        let size = option.hasPrefix("batchSize=") ? Int(option.dropFirst("batchSize=".count)) ?? 2000 : 2000
        return min(max(size, 200), 2000)
    }

    /// `SELECT f1,f2 FROM Object WHERE SystemModstamp >= T AND SystemModstamp <= T ORDER BY SystemModstamp ASC`.
    private func query(_ request: LoopbackServer.Request) -> LoopbackServer.Response {
        guard let soql = request.query["q"],
              let match = soql.wholeMatch(of: /SELECT ([A-Za-z_,]+) FROM (\w+) WHERE SystemModstamp >= (\S+) AND SystemModstamp <= (\S+) ORDER BY SystemModstamp ASC/) else {
            return .json(#"[{"message": "unexpected SOQL", "errorCode": "MALFORMED_QUERY"}]"#, status: 400)
        }
        guard let object = SalesforceMockAPI.objects.first(where: { $0.name == String(match.2) }), object.queryable else {
            return .json(#"[{"message": "sObject type '\#(match.2)' is not supported.", "errorCode": "INVALID_TYPE"}]"#, status: 400)
        }
        let fields = match.1.split(separator: ",").map(String.init)
        if let unknown = fields.first(where: { !(SalesforceMockAPI.systemFields + object.fields).contains($0) }) {
            return .json(#"[{"message": "No such column '\#(unknown)' on entity '\#(object.name)'.", "errorCode": "INVALID_FIELD"}]"#, status: 400)
        }
        let from = String(match.3.prefix(19)), to = String(match.4.prefix(19))
        var rows = data.withLockedValue { $0.records[object.name] ?? [] }.filter { record in
            let modified = String((record["SystemModstamp"]?.stringValue ?? "").prefix(19))
            return modified >= from && modified <= to
        }
        rows.sort { ($0["SystemModstamp"]?.stringValue ?? "", $0["Id"]?.stringValue ?? "") < ($1["SystemModstamp"]?.stringValue ?? "", $1["Id"]?.stringValue ?? "") }
        let selected = rows.map { row in JSONObject(row.filter { $0.key == "attributes" || fields.contains($0.key) }.map { ($0.key, $0.value) }) }
        let id = "01g\(abs(soql.hashValue) % 1_000_000)"
        data.withLockedValue { $0.queries[id] = selected }
        return page(selected, query: id, offset: 0, batchSize: batchSize(request))
    }

    private func page(_ rows: [JSONObject], query: String, offset: Int, batchSize: Int) -> LoopbackServer.Response {
        let slice = Array(rows.dropFirst(offset).prefix(batchSize))
        let done = offset + slice.count >= rows.count
        var body: JSONObject = ["totalSize": .int(Int64(rows.count)), "done": .bool(done), "records": .array(slice.map(JSONValue.object))]
        if !done { body["nextRecordsUrl"] = .string("/services/data/v62.0/query/\(query)-\(offset + slice.count)") }
        return .json(String(decoding: JSONWriter.bytes(from: .object(body)), as: UTF8.self))
    }
}
