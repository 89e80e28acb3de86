import Foundation
import InletJSON
import NIOConcurrencyHelpers

/// Jira Cloud's REST API v3 and agile API as documented: basic auth with email and API token or a
/// bearer token, `startAt`/`maxResults` pages with `total` and `isLast`, the enhanced JQL search
/// (`/rest/api/3/search/jql`, `nextPageToken`, minute-precision `updated >=`), kanban boards that
/// refuse sprints with a 400, and a 429 with `Retry-After` when asked for.
final class JiraMockAPI: VendorMock {
    static let email = "dev@acme.test", apiToken = "jira_api_token_0123", accessToken = "jira_oauth_4567"
    static let projects = ["CORE", "WEB", "OPS"]
    /// 2024-01-01T00:00:00Z.
    static let epoch = 1_704_067_200

    struct Data: Sendable, RateLimitedOnce {
        var issues: [JSONObject] = []
        var children: [String: [String: [JSONObject]]] = [:]  // endpoint → issue key → records
        var users: [JSONObject] = []
        var boards: [JSONObject] = []
        var sprints: [Int64: [JSONObject]] = [:]
        var rateLimitNext = false
    }

    let mock: VendorMockServer<Data>

    private init(mock: VendorMockServer<Data>) {
        self.mock = mock
    }

    static func start() async throws -> JiraMockAPI {
        JiraMockAPI(mock: try await VendorMockServer(generate()) { data, request in JiraAnswers(data: data).answer(request) })
    }

    func rateLimitNextRequest() { data.withLockedValue { $0.rateLimitNext = true } }
    var issues: [JSONObject] { data.withLockedValue { $0.issues } }
    var users: [JSONObject] { data.withLockedValue { $0.users } }
    func childCount(_ endpoint: String) -> Int { data.withLockedValue { $0.children[endpoint]?.values.map(\.count).reduce(0, +) ?? 0 } }
    var sprintCount: Int { data.withLockedValue { $0.sprints.values.map(\.count).reduce(0, +) } }

    /// Jira's timestamps: `2024-01-05T10:00:00.000+0000`.
    static func timestamp(_ seconds: Int) -> String {
        String(ZendeskMockAPI.iso(seconds).dropLast()) + ".000+0000"
    }

    static func user(_ number: Int) -> JSONValue {
        ["accountId": .string("5b10ac8d82e05b22cc7d\(String(format: "%04d", number))"), "accountType": "atlassian",
         "displayName": .string("Person \(number)"), "active": true, "timeZone": "UTC"]
    }

    static func issue(project: String, projectIndex: Int, number: Int, updated: Int) -> JSONObject {
        let created = epoch + projectIndex * 86_400 + number * 3_000
        return ["id": .string("\(10_000 + projectIndex * 1000 + number)"), "key": .string("\(project)-\(number)"), "expand": "renderedFields",
                "fields": ["summary": .string("Issue \(number) of \(project)"), "status": ["name": .string(number % 3 == 0 ? "Done" : "To Do")],
                           "issuetype": ["name": "Task"], "project": ["id": .string("\(100 + projectIndex)"), "key": .string(project), "name": .string(project.capitalized)],
                           "assignee": number % 4 == 0 ? .null : user(number % 7), "reporter": user(1), "labels": number % 2 == 0 ? ["backend"] : [],
                           "created": .string(timestamp(created)), "updated": .string(timestamp(updated)),
                           "description": ["type": "doc", "version": 1, "content": []]]]
    }

    static func generate() -> Data {
        var data = Data()
        for (projectIndex, project) in projects.enumerated() {
            for number in 1...(40 + projectIndex * 13) {
                let created = epoch + projectIndex * 86_400 + number * 3_000
                let key = "\(project)-\(number)"
                data.issues.append(issue(project: project, projectIndex: projectIndex, number: number, updated: created + 600))
                if number % 3 != 0 {
                    data.children["comment", default: [:]][key] = (0..<(number % 3)).map { index in
                        ["id": .string("\(number * 10 + index)\(projectIndex)"), "author": user(index), "body": ["type": "doc", "version": 1, "content": []],
                         "created": .string(timestamp(created + 60)), "updated": .string(timestamp(created + 60))]
                    }
                }
                if number % 5 == 0 {
                    data.children["worklog", default: [:]][key] = [["id": .string("7\(number)\(projectIndex)"), "issueId": .string("\(10_000 + projectIndex * 1000 + number)"),
                        "author": user(2), "timeSpent": "1h", "timeSpentSeconds": 3600, "started": .string(timestamp(created)), "created": .string(timestamp(created))]]
                }
                data.children["changelog", default: [:]][key] = (0..<(number % 2 + 1)).map { index in
                    ["id": .string("9\(number)\(projectIndex)\(index)"), "author": user(3), "created": .string(timestamp(created + 300)),
                     "items": [["field": "status", "fieldtype": "jira", "fromString": "To Do", "toString": "In Progress"]]]
                }
            }
        }
        data.users = (0..<112).map { user($0).objectValue ?? [:] }
        data.boards = (1...4).map { id in
            ["id": .int(Int64(id)), "name": .string("Board \(id)"), "type": .string(id == 4 ? "kanban" : "scrum"),
             "location": ["projectKey": .string(projects[(id - 1) % 3])]]
        }
        for board in 1...3 {
            data.sprints[Int64(board)] = (1...3).map { index in
                ["id": .int(Int64(board * 10 + index)), "state": .string(index == 3 ? "active" : "closed"), "name": .string("Sprint \(index)"),
                 "originBoardId": .int(Int64(board)), "startDate": .string(timestamp(epoch + index * 1_209_600))]
            }
        }
        return data
    }

    /// Two issues change and one is created, weeks later.
    func applyChanges() {
        data.withLockedValue { data in
            let later = Self.epoch + 90 * 86_400
            for index in [4, 60] {
                var fields = data.issues[index]["fields"]?.objectValue ?? [:]
                fields["updated"] = .string(Self.timestamp(later + index * 60))
                fields["summary"] = "Changed"
                data.issues[index]["fields"] = .object(fields)
            }
            data.issues.append(Self.issue(project: "WEB", projectIndex: 1, number: 99, updated: later + 7_200))
        }
    }
}

private struct JiraAnswers {
    let data: NIOLockedValueBox<JiraMockAPI.Data>

    func answer(_ request: LoopbackServer.Request) -> LoopbackServer.Response {
        let basic = "Basic " + Foundation.Data("\(JiraMockAPI.email):\(JiraMockAPI.apiToken)".utf8).base64EncodedString()
        guard request.header("Authorization") == basic || request.header("Authorization") == "Bearer \(JiraMockAPI.accessToken)" else {
            return LoopbackServer.Response(status: 401, headers: [("Content-Type", "text/plain")], body: "Client must be authenticated to access this resource.")
        }
        if data.takeRateLimit() { return .json(#"{"errorMessages": ["Rate limit exceeded."]}"#, status: 429, headers: [("Retry-After", "1")]) }
        let query = request.query
        let parts = request.path.split(separator: "/").map(String.init)
        switch request.path {
        case "/rest/api/3/project/search":
            let projects: [JSONObject] = JiraMockAPI.projects.enumerated().map { index, key in
                ["id": .string("\(100 + index)"), "key": .string(key), "name": .string(key.capitalized), "projectTypeKey": "software", "lead": JiraMockAPI.user(1)]
            }
            return offsetPage(projects, field: "values", query: query)
        case "/rest/api/3/search/jql":
            return search(query)
        case "/rest/api/3/field":
            let fields: [JSONValue] = (1...15).map { index in
                ["id": .string(index < 10 ? "field\(index)" : "customfield_100\(index)"), "name": .string("Field \(index)"), "custom": .bool(index >= 10),
                 "orderable": true, "navigable": true, "searchable": true, "clauseNames": [.string("cf[\(index)]")], "schema": ["type": "string"]]
            }
            return .json(String(decoding: JSONWriter.bytes(from: .array(fields)), as: UTF8.self))
        case "/rest/api/3/users/search":
            let start = Int(query["startAt"] ?? "") ?? 0, size = min(Int(query["maxResults"] ?? "") ?? 50, 1000)
            let page = data.withLockedValue { Array($0.users.dropFirst(start).prefix(size)) }
            return .json(String(decoding: JSONWriter.bytes(from: .array(page.map(JSONValue.object))), as: UTF8.self))
        case "/rest/agile/1.0/board":
            return offsetPage(data.withLockedValue { $0.boards }, field: "values", query: query)
        default:
            if parts.count == 6, parts[0...3] == ["rest", "agile", "1.0", "board"], parts[5] == "sprint" {
                let board = Int64(parts[4]) ?? 0
                guard let sprints = data.withLockedValue({ $0.sprints[board] }) else {
                    return .json(#"{"errorMessages": ["The board does not support sprints"], "errors": {}}"#, status: 400)
                }
                return offsetPage(sprints, field: "values", query: query)
            }
            if parts.count == 6, parts[0...3] == ["rest", "api", "3", "issue"] {
                let field = ["comment": "comments", "worklog": "worklogs", "changelog": "values"][parts[5]] ?? "values"
                let records = data.withLockedValue { $0.children[parts[5]]?[parts[4]] ?? [] }
                return offsetPage(records, field: field, query: query)
            }
            return .json(#"{"errorMessages": ["Not found"]}"#, status: 404)
        }
    }

    private func offsetPage(_ all: [JSONObject], field: String, query: [String: String]) -> LoopbackServer.Response {
        let start = Int(query["startAt"] ?? "") ?? 0, size = min(Int(query["maxResults"] ?? "") ?? 50, 100)
        let page = Array(all.dropFirst(start).prefix(size))
        let body: JSONValue = [.init(stringLiteral: field): .array(page.map(JSONValue.object)), "startAt": .int(Int64(start)),
                               "maxResults": .int(Int64(size)), "total": .int(Int64(all.count)), "isLast": .bool(start + size >= all.count)]
        return .json(String(decoding: JSONWriter.bytes(from: body), as: UTF8.self))
    }

    /// `project in (A,B) AND updated >= 'yyyy/MM/dd HH:mm' ORDER BY updated ASC`, as much of JQL as the connector sends.
    private func search(_ query: [String: String]) -> LoopbackServer.Response {
        guard let jql = query["jql"], let since = jql.firstMatch(of: /updated >= '(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})'/) else {
            return .json(#"{"errorMessages": ["Unbounded JQL queries are not allowed here. Please add a search restriction to your query."]}"#, status: 400)
        }
        let floor = "\(since.1)-\(since.2)-\(since.3)T\(since.4):\(since.5):00.000+0000"
        var projects: Set<String>?
        if let match = jql.firstMatch(of: /project in \(([A-Z0-9_,]+)\)/) { projects = Set(match.1.split(separator: ",").map(String.init)) }
        var found = data.withLockedValue { $0.issues }.filter { issue in
            (issue["fields"]?["updated"]?.stringValue ?? "") >= floor
                && projects.map { $0.contains(issue["fields"]?["project"]?["key"]?.stringValue ?? "") } ?? true
        }
        found.sort { ($0["fields"]?["updated"]?.stringValue ?? "", $0["id"]?.stringValue ?? "") < ($1["fields"]?["updated"]?.stringValue ?? "", $1["id"]?.stringValue ?? "") }
        let offset = query["nextPageToken"].flatMap { Int(String(decoding: Foundation.Data(base64Encoded: $0) ?? Foundation.Data(), as: UTF8.self)) } ?? 0
        let size = min(Int(query["maxResults"] ?? "") ?? 50, 100)
        let page = Array(found.dropFirst(offset).prefix(size))
        let last = offset + page.count >= found.count
        var body: JSONObject = ["issues": .array(page.map(JSONValue.object)), "isLast": .bool(last)]
        if !last { body["nextPageToken"] = .string(Foundation.Data("\(offset + page.count)".utf8).base64EncodedString()) }
        return .json(String(decoding: JSONWriter.bytes(from: .object(body)), as: UTF8.self))
    }
}
