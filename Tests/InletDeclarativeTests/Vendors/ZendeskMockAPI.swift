import Foundation
import InletJSON
import NIOConcurrencyHelpers

/// Zendesk Support's Ticketing API as documented (developer.zendesk.com/api-reference/ticketing):
/// API-token basic auth (`email/token:TOKEN`) or OAuth bearer, the incremental cursor-based exports
/// (`start_time` first, then `cursor` alone, until `end_of_stream`), `page[size]`/`page[after]`
/// cursor pagination with `meta.has_more`, and a 429 with `Retry-After` when asked for.
final class ZendeskMockAPI: VendorMock {
    static let email = "agent@acme.test", apiToken = "zd_api_token_0123", accessToken = "zd_oauth_token_4567"
    static let epoch = 1_704_067_200

    struct Data: Sendable, RateLimitedOnce {
        var collections: [String: [JSONObject]] = [:]
        var comments: [Int64: [JSONObject]] = [:]
        var rateLimitNext = false
    }

    let mock: VendorMockServer<Data>

    private init(mock: VendorMockServer<Data>) {
        self.mock = mock
    }

    static func start() async throws -> ZendeskMockAPI {
        ZendeskMockAPI(mock: try await VendorMockServer(generate()) { data, request in ZendeskAnswers(data: data).answer(request) })
    }

    func collection(_ name: String) -> [JSONObject] { data.withLockedValue { $0.collections[name] ?? [] } }
    var commentCount: Int { data.withLockedValue { $0.comments.values.map(\.count).reduce(0, +) } }
    func rateLimitNextRequest() { data.withLockedValue { $0.rateLimitNext = true } }

    static func iso(_ seconds: Int) -> String {
        let days = seconds / 86_400, rest = seconds % 86_400
        let lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var month = 0, day = days - epoch / 86_400
        while day >= lengths[month % 12] { day -= lengths[month % 12]; month += 1 }
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", 2024 + month / 12, month % 12 + 1, day + 1, rest / 3600, rest % 3600 / 60, rest % 60)
    }

    static func generate() -> Data {
        var data = Data()
        data.collections["tickets"] = (1...230).map { id in
            let created = epoch + id * 5_400
            return ["id": .int(Int64(id)), "subject": .string("Ticket \(id)"), "status": .string(["new", "open", "pending", "solved"][id % 4]),
                    "priority": id % 3 == 0 ? "high" : .null, "requester_id": .int(Int64(1000 + id % 40)), "assignee_id": .int(Int64(1000 + id % 5)),
                    "tags": id % 2 == 0 ? ["vip"] : [], "custom_fields": [["id": 77, "value": .string("x\(id)")]], "via": ["channel": "email"],
                    "created_at": .string(iso(created)), "updated_at": .string(iso(created + 600)), "generated_timestamp": .int(Int64(created + 600))]
        }
        data.collections["users"] = (1000..<1140).map { id in
            ["id": .int(Int64(id)), "name": .string("User \(id)"), "email": .string("u\(id)@acme.test"), "role": .string(id < 1005 ? "agent" : "end-user"),
             "active": true, "created_at": .string(iso(epoch + (id - 1000) * 3_600)), "updated_at": .string(iso(epoch + (id - 1000) * 3_600 + 60)),
             "user_fields": [:], "tags": []]
        }
        data.collections["organizations"] = (1...130).map { id in
            ["id": .int(Int64(id)), "name": .string("Org \(id)"), "domain_names": .array([.string("org\(id).test")]), "tags": [],
             "created_at": .string(iso(epoch + id * 60)), "updated_at": .string(iso(epoch + id * 60)), "organization_fields": [:]]
        }
        data.collections["groups"] = (1...4).map { id in ["id": .int(Int64(id)), "name": .string("Group \(id)"), "default": .bool(id == 1), "deleted": false, "is_public": true, "created_at": .string(iso(epoch)), "updated_at": .string(iso(epoch))] }
        data.collections["ticket_fields"] = (1...12).map { id in ["id": .int(Int64(id)), "type": "text", "title": .string("Field \(id)"), "active": true, "required": false, "position": .int(Int64(id)), "created_at": .string(iso(epoch)), "updated_at": .string(iso(epoch))] }
        data.collections["macros"] = (1...7).map { id in ["id": .int(Int64(id)), "title": .string("Macro \(id)"), "active": true, "actions": [["field": "status", "value": "solved"]], "created_at": .string(iso(epoch)), "updated_at": .string(iso(epoch))] }
        data.collections["satisfaction_ratings"] = (1...45).map { id in ["id": .int(Int64(id)), "ticket_id": .int(Int64(id * 3)), "score": .string(id % 4 == 0 ? "bad" : "good"), "comment": .null, "created_at": .string(iso(epoch + id * 7200)), "updated_at": .string(iso(epoch + id * 7200))] }
        for ticket in 1...230 where ticket % 10 < 4 {
            let created = epoch + ticket * 5_400
            data.comments[Int64(ticket)] = (0..<(ticket % 3 + 1)).map { index in
                ["id": .int(Int64(ticket * 100 + index)), "type": "Comment", "author_id": .int(Int64(1000 + index)), "body": .string("Comment \(index) on \(ticket)"),
                 "public": .bool(index != 1), "attachments": [], "created_at": .string(iso(created + index * 300))]
            }
        }
        return data
    }

    /// A month later: ticket 8 gets a comment and tickets 9 and 231 change or arrive, a user changes.
    func applyChanges() {
        data.withLockedValue { data in
            let later = Self.epoch + 60 * 86_400
            for id in [8, 9] {
                var ticket = data.collections["tickets"]![id - 1]
                ticket["status"] = "solved"
                ticket["updated_at"] = .string(Self.iso(later + id))
                data.collections["tickets"]![id - 1] = ticket
            }
            data.comments[8, default: []].append(["id": 80_099, "type": "Comment", "author_id": 1001, "body": "Solved", "public": true,
                                                  "attachments": [], "created_at": .string(Self.iso(later + 8))])
            data.collections["tickets"]!.append(["id": 231, "subject": "New", "status": "new", "created_at": .string(Self.iso(later + 50)),
                                                 "updated_at": .string(Self.iso(later + 50)), "tags": [], "custom_fields": [], "via": ["channel": "web"]])
            var user = data.collections["users"]![3]
            user["name"] = "Renamed"
            user["updated_at"] = .string(Self.iso(later + 99))
            data.collections["users"]![3] = user
        }
    }
}

private struct ZendeskAnswers {
    let data: NIOLockedValueBox<ZendeskMockAPI.Data>

    func answer(_ request: LoopbackServer.Request) -> LoopbackServer.Response {
        let basic = "Basic " + Foundation.Data("\(ZendeskMockAPI.email)/token:\(ZendeskMockAPI.apiToken)".utf8).base64EncodedString()
        guard request.header("Authorization") == basic || request.header("Authorization") == "Bearer \(ZendeskMockAPI.accessToken)" else {
            return .json(#"{"error": "Couldn't authenticate you"}"#, status: 401)
        }
        let limited = data.takeRateLimit()
        if limited { return .json(#"{"error": "APIRateLimitExceeded"}"#, status: 429, headers: [("Retry-After", "1")]) }
        let parts = request.path.split(separator: "/").map(String.init)  // api, v2, …
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v2" else { return .json(#"{"error": "InvalidEndpoint"}"#, status: 404) }
        let query = request.query
        if parts[2] == "incremental", parts.count == 5, parts[4] == "cursor.json" {
            return export(parts[3], query: query)
        }
        if parts[2] == "incremental", parts.count == 4, parts[3] == "ticket_events.json" {
            return ticketEvents(query: query, host: request.header("Host") ?? "127.0.0.1")
        }
        if parts[2] == "tickets", parts.count == 5, parts[4] == "comments" {
            let ticket = Int64(parts[3]) ?? 0
            let (exists, comments) = data.withLockedValue { data in
                (data.collections["tickets"]!.contains { $0["id"]?.intValue == ticket }, data.comments[ticket] ?? [])
            }
            guard exists else { return .json(#"{"error": "RecordNotFound", "description": "Not found"}"#, status: 404) }
            return cursorPage("comments", comments, query: query)
        }
        guard parts.count == 3, let items = data.withLockedValue({ $0.collections[parts[2]] }) else {
            return .json(#"{"error": "InvalidEndpoint"}"#, status: 404)
        }
        return cursorPage(parts[2], items, query: query)
    }

    /// The incremental cursor-based export: `start_time` (Unix seconds) starts it, `cursor` continues it.
    private func export(_ name: String, query: [String: String]) -> LoopbackServer.Response {
        guard var items = data.withLockedValue({ $0.collections[name] }) else { return .json(#"{"error": "InvalidEndpoint"}"#, status: 404) }
        items.sort { ($0["updated_at"]?.stringValue ?? "", $0["id"]?.intValue ?? 0) < ($1["updated_at"]?.stringValue ?? "", $1["id"]?.intValue ?? 0) }
        let offset: Int, start: Int
        switch (query["start_time"], query["cursor"]) {
        case (let time?, nil):
            guard let seconds = Int(time) else { return .json(#"{"error": "InvalidValue", "description": "start_time must be an integer"}"#, status: 400) }
            (offset, start) = (0, seconds)
        case (nil, let cursor?):
            let fields = String(decoding: Foundation.Data(base64Encoded: cursor) ?? Foundation.Data(), as: UTF8.self).split(separator: ":").compactMap { Int($0) }
            guard fields.count == 2 else { return .json(#"{"error": "InvalidCursor"}"#, status: 400) }
            (offset, start) = (fields[0], fields[1])
        default:
            return .json(#"{"error": "InvalidPaginationParameter", "description": "give start_time on the first request and cursor alone after it"}"#, status: 400)
        }
        let changed = items.filter { ($0["updated_at"]?.stringValue ?? "") >= ZendeskMockAPI.iso(start) }
        let size = min(Int(query["per_page"] ?? "") ?? 1000, 1000)
        let page = Array(changed.dropFirst(offset).prefix(size))
        let next = Foundation.Data("\(offset + page.count):\(start)".utf8).base64EncodedString()
        let body: JSONValue = [.init(stringLiteral: name): .array(page.map(JSONValue.object)), "after_cursor": .string(next),
                               "before_cursor": .null, "end_of_stream": .bool(offset + page.count >= changed.count)]
        return .json(String(decoding: JSONWriter.bytes(from: body), as: UTF8.self))
    }

    /// The time-based ticket events export: events from `start_time` (Unix seconds), 100 a page here,
    /// `next_page` starting after the page's last event, `end_of_stream` on the last; a comment's
    /// event carries it as a child event with `include=comment_events`.
    private func ticketEvents(query: [String: String], host: String) -> LoopbackServer.Response {
        guard let start = query["start_time"].flatMap({ Int($0) }) else {
            return .json(#"{"error": "InvalidValue", "description": "start_time is required"}"#, status: 400)
        }
        let withComments = query["include"]?.split(separator: ",").contains("comment_events") == true
        let (tickets, comments) = data.withLockedValue { ($0.collections["tickets"] ?? [], $0.comments) }
        var events: [(time: Int, event: JSONObject)] = []
        for ticket in tickets {
            let id = ticket["id"]?.intValue ?? 0
            for comment in comments[id] ?? [] {
                let time = Self.seconds(comment["created_at"]?.stringValue ?? "")
                var child = comment
                child["event_type"] = "Comment"
                var children: [JSONValue] = [.object(["id": .int((comment["id"]?.intValue ?? 0) + 1_000_000), "event_type": "Change", "field_name": "status", "value": "open"])]
                if withComments { children.insert(.object(child), at: 0) }
                events.append((time, ["id": .int((comment["id"]?.intValue ?? 0) + 5_000_000), "ticket_id": .int(id), "timestamp": .int(Int64(time)),
                                      "created_at": .string(ZendeskMockAPI.iso(time)), "updater_id": 1000, "event_type": "Audit",
                                      "via": ["channel": "web"], "child_events": .array(children)]))
            }
            // An event without a comment: a status change.
            let changed = Self.seconds(ticket["updated_at"]?.stringValue ?? "")
            events.append((changed, ["id": .int(id + 9_000_000), "ticket_id": .int(id), "timestamp": .int(Int64(changed)), "created_at": .string(ZendeskMockAPI.iso(changed)),
                                     "event_type": "Audit", "child_events": [["id": .int(id + 9_500_000), "event_type": "Change", "field_name": "status"]]]))
        }
        events.sort { ($0.time, $0.event["id"]?.intValue ?? 0) < ($1.time, $1.event["id"]?.intValue ?? 0) }
        let page = Array(events.filter { $0.time >= start }.prefix(100))
        let remaining = events.filter { $0.time >= start }.count - page.count
        let endTime = (page.last?.time ?? start) + 1
        let body: JSONValue = ["ticket_events": .array(page.map { .object($0.event) }), "count": .int(Int64(page.count)), "end_time": .int(Int64(endTime)),
                               "end_of_stream": .bool(remaining == 0),
                               "next_page": .string("http://\(host)/api/v2/incremental/ticket_events.json?start_time=\(endTime)&include=comment_events")]
        return .json(String(decoding: JSONWriter.bytes(from: body), as: UTF8.self))
    }

    /// `2024-01-05T10:00:00Z` → Unix seconds (the mock's dates are in 2024).
    static func seconds(_ iso: String) -> Int {
        Int(MockClock.milliseconds(iso) / 1000)
    }

    private func cursorPage(_ name: String, _ items: [JSONObject], query: [String: String]) -> LoopbackServer.Response {
        let size = min(Int(query["page[size]"] ?? "") ?? 100, 100)
        var offset = 0
        if let after = query["page[after]"] {
            guard let position = Int(String(decoding: Foundation.Data(base64Encoded: after) ?? Foundation.Data(), as: UTF8.self)) else {
                return .json(#"{"error": "InvalidPaginationParameter"}"#, status: 400)
            }
            offset = position
        }
        let page = Array(items.dropFirst(offset).prefix(size))
        let more = offset + page.count < items.count
        let body: JSONValue = [.init(stringLiteral: name): .array(page.map(JSONValue.object)),
                               "meta": ["has_more": .bool(more), "after_cursor": more ? .string(Foundation.Data("\(offset + page.count)".utf8).base64EncodedString()) : .null,
                                        "before_cursor": .null]]
        return .json(String(decoding: JSONWriter.bytes(from: body), as: UTF8.self))
    }
}
