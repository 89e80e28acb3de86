import Foundation
import InletDeclarative
import InletJSON
import NIOConcurrencyHelpers

/// HubSpot's CRM API v3 as documented (developers.hubspot.com/docs/api/crm): private-app bearer
/// tokens or OAuth (`/oauth/v1/token`), `/crm/v3/properties/{object}`, the search API (POST, filters
/// on the last-modified property in milliseconds, ascending sort, `after` paging and its 10,000-result
/// cap, only the asked-for properties returned), owners and pipelines.
final class HubSpotMockAPI: VendorMock {
    static let privateAppToken = "pat-na1-mock-0123", clientID = "hs-client", clientSecret = "hs-secret", refreshToken = "hs-refresh-4567"
    static let accessToken = "hs-oauth-access-89"
    /// 2024-01-01T00:00:00Z, in milliseconds.
    static let epochMilliseconds: Int64 = 1_704_067_200_000

    /// Object, last-modified property, how many records, how many properties.
    static let objects: [(name: String, modified: String, count: Int, properties: Int)] = [
        ("contacts", "lastmodifieddate", 230, 150), ("companies", "hs_lastmodifieddate", 60, 12), ("deals", "hs_lastmodifieddate", 80, 20),
        ("tickets", "hs_lastmodifieddate", 30, 10), ("line_items", "hs_lastmodifieddate", 20, 8), ("products", "hs_lastmodifieddate", 12, 8),
        ("calls", "hs_lastmodifieddate", 15, 6), ("emails", "hs_lastmodifieddate", 15, 6), ("meetings", "hs_lastmodifieddate", 15, 6),
        ("notes", "hs_lastmodifieddate", 15, 6), ("tasks", "hs_lastmodifieddate", 15, 6),
    ]

    struct Data: Sendable, RateLimitedOnce {
        var records: [String: [JSONObject]] = [:]
        var rateLimitNext = false
    }

    let mock: VendorMockServer<Data>

    private init(mock: VendorMockServer<Data>) {
        self.mock = mock
    }

    static func start() async throws -> HubSpotMockAPI {
        HubSpotMockAPI(mock: try await VendorMockServer(generate()) { data, request in HubSpotAnswers(data: data).answer(request) })
    }

    func records(_ object: String) -> [JSONObject] { data.withLockedValue { $0.records[object] ?? [] } }
    func rateLimitNextRequest() { data.withLockedValue { $0.rateLimitNext = true } }

    static func iso(milliseconds: Int64) -> String {
        String(ZendeskMockAPI.iso(Int(milliseconds / 1000)).dropLast()) + String(format: ".%03dZ", Int(milliseconds % 1000))
    }

    static func generate() -> Data {
        var data = Data()
        for (index, object) in objects.enumerated() {
            data.records[object.name] = (1...object.count).map { number in
                let created = epochMilliseconds + Int64(index * 3_600_000 + number * 52_000_000)
                return record(object: object, id: index * 100_000 + number, created: created, modified: created + 90_000, version: 0)
            }
        }
        return data
    }

    static func record(object: (name: String, modified: String, count: Int, properties: Int), id: Int, created: Int64, modified: Int64, version: Int) -> JSONObject {
        var properties: JSONObject = ["hs_object_id": .string("\(id)"), "createdate": .string(iso(milliseconds: created)),
                                      .init(object.modified): .string(iso(milliseconds: modified))]
        for property in 0..<object.properties { properties["\(object.name)_prop_\(property)"] = .string("v\(version)-\(id)-\(property)") }
        return ["id": .string("\(id)"), "properties": .object(properties), "createdAt": .string(iso(milliseconds: created)),
                "updatedAt": .string(iso(milliseconds: modified)), "archived": false]
    }

    /// The ids an object is associated with: contacts with a company (not every tenth), deals with
    /// two contacts and a company, tickets with a contact.
    static func associated(from: String, to: String, id: String) -> [Int64]? {
        guard let fromIndex = objects.firstIndex(where: { $0.name == from }), let toIndex = objects.firstIndex(where: { $0.name == to }),
              let number = Int64(id).map({ $0 - Int64(fromIndex) * 100_000 }) else { return nil }
        let base = Int64(toIndex) * 100_000, count = Int64(objects[toIndex].count)
        switch (from, to) {
        case ("contacts", "companies"): return number % 10 == 0 ? [] : [base + (number - 1) % count + 1]
        case ("deals", "contacts"): return [base + number, base + number + 1]
        case ("deals", "companies"): return [base + number % count + 1]
        case ("tickets", "contacts"): return [base + number]
        default: return []
        }
    }

    /// Months later: two contacts and a deal change.
    func applyChanges() {
        data.withLockedValue { data in
            let later = Self.epochMilliseconds + 150 * 86_400_000
            for (object, index) in [("contacts", 5), ("contacts", 199), ("deals", 9)] {
                let definition = Self.objects.first { $0.name == object }!
                let old = data.records[object]![index]
                let id = Int(old["id"]?.stringValue ?? "") ?? 0
                data.records[object]![index] = Self.record(object: definition, id: id, created: Self.epochMilliseconds, modified: later + Int64(index), version: 1)
            }
        }
    }
}

private struct HubSpotAnswers {
    let data: NIOLockedValueBox<HubSpotMockAPI.Data>

    func answer(_ request: LoopbackServer.Request) -> LoopbackServer.Response {
        if request.path == "/oauth/v1/token" {
            let form = request.form
            guard form["grant_type"] == "refresh_token", form["refresh_token"] == HubSpotMockAPI.refreshToken,
                  form["client_id"] == HubSpotMockAPI.clientID, form["client_secret"] == HubSpotMockAPI.clientSecret else {
                return .json(#"{"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"}"#, status: 400)
            }
            return .json(#"{"token_type": "bearer", "access_token": "\#(HubSpotMockAPI.accessToken)", "expires_in": 1800, "refresh_token": "\#(HubSpotMockAPI.refreshToken)"}"#)
        }
        let authorization = request.header("Authorization")
        guard authorization == "Bearer \(HubSpotMockAPI.privateAppToken)" || authorization == "Bearer \(HubSpotMockAPI.accessToken)" else {
            return .json(#"{"status": "error", "message": "Authentication credentials not found.", "category": "INVALID_AUTHENTICATION"}"#, status: 401)
        }
        if data.takeRateLimit() {
            return .json(#"{"status": "error", "message": "You have reached your secondly limit.", "errorType": "RATE_LIMIT", "policyName": "SECONDLY"}"#, status: 429)
        }
        let parts = request.path.split(separator: "/").map(String.init)
        if parts.count == 4, parts[0...2] == ["crm", "v3", "properties"], let object = HubSpotMockAPI.objects.first(where: { $0.name == parts[3] }) {
            let names = [object.modified, "createdate", "hs_object_id"] + (0..<object.properties).map { "\(object.name)_prop_\($0)" }
            let results: [JSONValue] = names.map { ["name": .string($0), "label": .string($0), "type": "string", "fieldType": "text"] }
            return .json(String(decoding: JSONWriter.bytes(from: ["results": .array(results)]), as: UTF8.self))
        }
        if parts.count == 5, parts[0...2] == ["crm", "v3", "objects"], parts[4] == "search", request.method == "POST",
           let object = HubSpotMockAPI.objects.first(where: { $0.name == parts[3] }) {
            return search(object, body: request.body)
        }
        if parts.count == 7, parts[0...2] == ["crm", "v4", "associations"], parts[5...6] == ["batch", "read"], request.method == "POST" {
            return associations(from: parts[3], to: parts[4], body: request.body)
        }
        if request.path == "/crm/v3/owners" {
            let owners: [JSONObject] = (1...130).map { ["id": .string("\($0)"), "email": .string("owner\($0)@acme.test"), "firstName": "Ann",
                                                       "lastName": .string("Owner \($0)"), "userId": .int(Int64(9000 + $0)), "archived": false,
                                                       "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"] }
            let after = Int(request.query["after"] ?? "0") ?? 0, limit = min(Int(request.query["limit"] ?? "100") ?? 100, 500)
            return page(Array(owners.dropFirst(after).prefix(limit)), next: after + limit < owners.count ? after + limit : nil)
        }
        if parts.count == 4, parts[0...2] == ["crm", "v3", "pipelines"], ["deals", "tickets"].contains(parts[3]) {
            let pipelines: [JSONObject] = (0..<2).map { index in
                ["id": .string(index == 0 ? "default" : "\(parts[3])-2"), "label": .string("Pipeline \(index)"), "displayOrder": .int(Int64(index)), "archived": false,
                 "stages": [["id": "s1", "label": "Open", "displayOrder": 0, "archived": false, "metadata": ["probability": "0.2"]]]]
            }
            return .json(String(decoding: JSONWriter.bytes(from: ["results": .array(pipelines.map(JSONValue.object))]), as: UTF8.self))
        }
        return .json(#"{"status": "error", "message": "Resource not found", "category": "OBJECT_NOT_FOUND"}"#, status: 404)
    }

    /// The v4 batch read: for each input id with associations, `{from: {id}, to: [{toObjectId, associationTypes}]}`.
    private func associations(from: String, to: String, body: String) -> LoopbackServer.Response {
        guard let inputs = (try? JSONParser.parse(Array(body.utf8)))?["inputs"]?.arrayValue else {
            return .json(#"{"status": "error", "message": "Invalid input JSON", "category": "VALIDATION_ERROR"}"#, status: 400)
        }
        guard inputs.count <= 1000 else {
            return .json(#"{"status": "error", "message": "Too many inputs: at most 1000", "category": "VALIDATION_ERROR"}"#, status: 400)
        }
        let results: [JSONValue] = inputs.compactMap { input in
            guard let id = input["id"]?.stringValue, let targets = HubSpotMockAPI.associated(from: from, to: to, id: id), !targets.isEmpty else { return nil }
            return ["from": ["id": .string(id)],
                    "to": .array(targets.map { ["toObjectId": .int($0), "associationTypes": [["category": "HUBSPOT_DEFINED", "typeId": 1, "label": .null]]] })]
        }
        return .json(String(decoding: JSONWriter.bytes(from: ["status": "COMPLETE", "results": .array(results)]), as: UTF8.self))
    }

    private func search(_ object: (name: String, modified: String, count: Int, properties: Int), body: String) -> LoopbackServer.Response {
        guard let query = try? JSONParser.parse(Array(body.utf8)), let filters = query["filterGroups"]?[0]?["filters"]?.arrayValue else {
            return .json(#"{"status": "error", "message": "Invalid input JSON", "category": "VALIDATION_ERROR"}"#, status: 400)
        }
        let after = Int(query["after"].map(PythonValueText.str) ?? "0") ?? 0
        guard after < 10_000 else {
            return .json(#"{"status": "error", "message": "Cannot page beyond the first 10000 records", "category": "VALIDATION_ERROR"}"#, status: 400)
        }
        var found = data.withLockedValue { $0.records[object.name] ?? [] }
        for filter in filters {
            guard filter["propertyName"]?.stringValue == object.modified, let bound = filter["value"].map(PythonValueText.str).flatMap({ Int64($0) }) else {
                return .json(#"{"status": "error", "message": "unknown filter", "category": "VALIDATION_ERROR"}"#, status: 400)
            }
            let below = filter["operator"]?.stringValue == "LTE"
            found = found.filter { record in
                let modified = MockClock.milliseconds(record["updatedAt"]?.stringValue ?? "")
                return below ? modified <= bound : modified >= bound
            }
        }
        found.sort { (MockClock.milliseconds($0["updatedAt"]?.stringValue ?? ""), $0["id"]?.stringValue ?? "") < (MockClock.milliseconds($1["updatedAt"]?.stringValue ?? ""), $1["id"]?.stringValue ?? "") }
        let asked = Set((query["properties"]?.arrayValue ?? []).compactMap(\.stringValue) + ["hs_object_id", "createdate", object.modified])
        let limit = min(query["limit"]?.intValue.map(Int.init) ?? 10, 200)
        let results = found.dropFirst(after).prefix(limit).map { record -> JSONObject in
            var record = record
            record["properties"] = .object(JSONObject((record["properties"]?.objectValue ?? [:]).filter { asked.contains($0.key) }.map { ($0.key, $0.value) }))
            return record
        }
        return page(Array(results), next: after + limit < found.count ? after + limit : nil, total: found.count)
    }

    private func page(_ results: [JSONObject], next: Int?, total: Int? = nil) -> LoopbackServer.Response {
        var body: JSONObject = ["results": .array(results.map(JSONValue.object))]
        if let total { body["total"] = .int(Int64(total)) }
        if let next { body["paging"] = ["next": ["after": .string("\(next)"), "link": .string("?after=\(next)")]] }
        return .json(String(decoding: JSONWriter.bytes(from: .object(body)), as: UTF8.self))
    }
}
