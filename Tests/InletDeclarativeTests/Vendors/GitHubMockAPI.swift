import Foundation
import InletJSON
import NIOConcurrencyHelpers

/// GitHub's REST API as documented (docs.github.com/en/rest), over generated data: bearer tokens
/// (401 "Bad credentials"), `per_page`/`page` with a `Link` header, `since` on issues, comments and
/// commits, `created=>=` on workflow runs, the star+json media type, and the primary and secondary
/// rate limits once per read.
final class GitHubMockAPI: VendorMock {
    static let token = "ghp_mock_token_0123456789"
    static let organization = "octo"
    static let repositories = ["octo/alpha", "octo/beta", "solo/gamma"]

    struct Data: Sendable {
        var items: [String: [JSONObject]] = [:]
        var rateLimitsSent: Set<String> = []
    }

    let mock: VendorMockServer<Data>

    private init(mock: VendorMockServer<Data>) {
        self.mock = mock
    }

    static func start() async throws -> GitHubMockAPI {
        GitHubMockAPI(mock: try await VendorMockServer(Data(items: generate(changed: false))) { data, request in Answers(data: data).answer(request) })
    }


    /// The rate limits are answered again on the next read.
    func resetRateLimits() { data.withLockedValue { $0.rateLimitsSent = [] } }

    /// Updates some issues, pull requests and comments, and adds commits, runs and issues, all later than the first data.
    func applyChanges() { data.withLockedValue { $0.items = Self.generate(changed: true) } }

    func items(_ key: String) -> [JSONObject] { Answers(data: data).items(key) }

    // MARK: - Data

    static func timestamp(hours: Int) -> String {
        let day = hours / 24, hour = hours % 24
        // Days from 2024-01-01, in 2024 (a leap year) and 2025.
        let lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var month = 0, remaining = day
        while remaining >= lengths[month] { remaining -= lengths[month]; month += 1 }
        return String(format: "%04d-%02d-%02dT%02d:00:00Z", 2024 + month / 12, month % 12 + 1, remaining + 1, hour)
    }

    static func user(_ id: Int) -> JSONValue {
        ["login": .string("user\(id)"), "id": .int(Int64(id)), "node_id": .string("U_\(id)"), "type": "User", "site_admin": false,
         "html_url": .string("https://github.com/user\(id)")]
    }

    /// Keyed by "<repository> <endpoint>" (and "org <login> teams").
    static func generate(changed: Bool) -> [String: [JSONObject]] {
        var items: [String: [JSONObject]] = [:]
        for (index, repository) in repositories.enumerated() {
            let base = index * 10_000
            items["repo \(repository)"] = [[
                "id": .int(Int64(1000 + index)), "node_id": .string("R_\(index)"), "name": .string(String(repository.split(separator: "/")[1])),
                "full_name": .string(repository), "private": .bool(index == 2), "owner": user(900 + index), "fork": false,
                "created_at": .string(timestamp(hours: index)), "updated_at": .string(timestamp(hours: 100 + index)),
                "pushed_at": .string(timestamp(hours: 200 + index)), "stargazers_count": 5, "default_branch": "main", "topics": ["data", "lake"],
                "visibility": .string(index == 2 ? "private" : "public"), "license": .null, "language": "Swift", "archived": false,
            ]]
            var issues: [JSONObject] = [], pulls: [JSONObject] = [], comments: [JSONObject] = [], commits: [JSONObject] = []
            var reviews: [JSONObject] = [], runs: [JSONObject] = []
            let issueCount = 45 + index * 7 + (changed ? 3 : 0)
            for number in 1...issueCount {
                let isPull = number % 4 == 0
                let updatedHours = changed && number % 9 == 0 ? 5000 + number : 10 + number * 3
                var issue: JSONObject = [
                    "id": .int(Int64(base + number)), "node_id": .string("I_\(base + number)"), "number": .int(Int64(number)),
                    "title": .string("Issue \(number) of \(repository)"), "body": number % 5 == 0 ? .null : .string("Body \(number)\nwith lines"),
                    "user": user(number % 6), "labels": number % 3 == 0 ? [["id": 7, "name": "bug", "color": "d73a4a", "default": true]] : [],
                    "state": .string(number % 2 == 0 ? "closed" : "open"), "locked": false, "comments": .int(Int64(number % 3)),
                    "created_at": .string(timestamp(hours: 10 + number)), "updated_at": .string(timestamp(hours: updatedHours)),
                    "closed_at": number % 2 == 0 ? .string(timestamp(hours: updatedHours)) : .null, "author_association": "MEMBER",
                    "assignees": [user(3)],
                ]
                if isPull { issue["pull_request"] = ["url": .string("https://api.github.com/repos/\(repository)/pulls/\(number)"), "merged_at": .null] }
                issues.append(issue)
                if isPull {
                    pulls.append([
                        "id": .int(Int64(500_000 + base + number)), "number": .int(Int64(number)), "state": issue["state"]!,
                        "title": issue["title"]!, "user": user(number % 6), "body": issue["body"]!, "labels": issue["labels"]!,
                        "created_at": issue["created_at"]!, "updated_at": issue["updated_at"]!, "closed_at": issue["closed_at"]!,
                        "merged_at": .null, "draft": .bool(number % 8 == 0), "head": ["ref": "feature", "sha": .string("h\(number)")],
                        "base": ["ref": "main", "sha": "b0"], "requested_reviewers": [], "author_association": "MEMBER",
                    ])
                    for review in 0..<(number % 3) {
                        reviews.append([
                            "id": .int(Int64(800_000 + base + number * 10 + review)), "user": user(review), "body": "looks good",
                            "state": .string(review == 0 ? "APPROVED" : "COMMENTED"), "submitted_at": .string(timestamp(hours: 20 + number)),
                            "commit_id": .string("h\(number)"), "author_association": "MEMBER", "pull_number_for_mock": .int(Int64(number)),
                        ])
                    }
                }
                if number % 2 == 1 {
                    let commentUpdated = changed && number % 7 == 1 ? 6000 + number : 12 + number * 3
                    comments.append([
                        "id": .int(Int64(300_000 + base + number)), "body": .string("Comment on #\(number)"), "user": user(number % 4),
                        "created_at": .string(timestamp(hours: 12 + number * 3)), "updated_at": .string(timestamp(hours: commentUpdated)),
                        "issue_url": .string("https://api.github.com/repos/\(repository)/issues/\(number)"), "author_association": "NONE",
                    ])
                }
            }
            let commitCount = 33 + index * 5 + (changed ? 4 : 0)
            for number in 0..<commitCount {
                let person: JSONValue = ["name": "Dev", "email": "dev@example.com", "date": .string(timestamp(hours: number < commitCount - (changed ? 4 : 0) ? 30 + number * 2 : 7000 + number))]
                commits.append([
                    "sha": .string(String(format: "%040x", base * 100 + number)), "node_id": .string("C_\(number)"),
                    "commit": ["author": person, "committer": person, "message": .string("Change \(number)"), "comment_count": 0,
                               "tree": ["sha": "t", "url": "u"]],
                    "author": user(number % 5), "committer": user(number % 5), "parents": number == 0 ? [] : [["sha": .string(String(format: "%040x", base * 100 + number - 1))]],
                ])
            }
            for number in 0..<(12 + (changed ? 2 : 0)) {
                let created = number < 12 ? 40 + number * 5 : 8000 + number
                runs.append([
                    "id": .int(Int64(700_000 + base + number)), "name": "CI", "head_branch": "main", "head_sha": "abc", "run_number": .int(Int64(number + 1)),
                    "run_attempt": 1, "event": "push", "status": "completed", "conclusion": .string(number % 3 == 0 ? "failure" : "success"),
                    "workflow_id": 42, "created_at": .string(timestamp(hours: created)), "updated_at": .string(timestamp(hours: created + 1)),
                    "actor": user(1), "repository": ["id": .int(Int64(1000 + index)), "full_name": .string(repository), "name": "r"],
                ])
            }
            items["\(repository) issues"] = issues
            items["\(repository) pulls"] = pulls
            items["\(repository) issues/comments"] = comments
            items["\(repository) commits"] = commits.reversed()  // newest first, as GitHub lists them
            items["\(repository) reviews"] = reviews
            items["\(repository) actions/runs"] = runs.reversed()
            items["\(repository) releases"] = (0..<(3 + index)).map { number in
                ["id": .int(Int64(600_000 + base + number)), "tag_name": .string("v1.\(number)"), "name": .string("Release 1.\(number)"),
                 "draft": false, "prerelease": .bool(number == 0), "created_at": .string(timestamp(hours: 50 + number)),
                 "published_at": .string(timestamp(hours: 51 + number)), "author": user(2),
                 "assets": [["id": .int(Int64(number)), "name": "bin.tar.gz", "size": 1024, "download_count": 3, "content_type": "application/gzip"]]]
            }
            items["\(repository) tags"] = (0..<(25 + index)).map { number in
                ["name": .string("v0.\(number)"), "commit": ["sha": .string(String(format: "%040x", number)), "url": "u"], "node_id": .string("T_\(number)")]
            }
            items["\(repository) branches"] = (0..<(4 + index)).map { number in
                ["name": .string(number == 0 ? "main" : "feature-\(number)"), "commit": ["sha": .string(String(format: "%040x", number)), "url": "u"], "protected": .bool(number == 0)]
            }
            items["\(repository) stargazers"] = (0..<(21 + index)).map { number in
                ["starred_at": .string(timestamp(hours: 60 + number)), "user": user(100 + number)]
            }
            items["\(repository) collaborators"] = (0..<3).map { number in
                var collaborator = user(200 + number).objectValue ?? [:]
                collaborator["permissions"] = ["admin": .bool(number == 0), "push": true, "pull": true]
                collaborator["role_name"] = .string(number == 0 ? "admin" : "write")
                return collaborator
            }
        }
        items["org \(organization) repos"] = repositories.filter { $0.hasPrefix(organization + "/") }.flatMap { items["repo \($0)"] ?? [] }
        items["org \(organization) teams"] = (0..<3).map { number in
            ["id": .int(Int64(50 + number)), "name": .string("Team \(number)"), "slug": .string("team-\(number)"), "privacy": "closed",
             "permission": "pull", "notification_setting": "notifications_enabled", "parent": .null]
        }
        return items
    }

}

/// How the mock answers requests.
private struct Answers {
    let data: NIOLockedValueBox<GitHubMockAPI.Data>

    func items(_ key: String) -> [JSONObject] { data.withLockedValue { $0.items[key] ?? [] } }

    func answer(_ request: LoopbackServer.Request) -> LoopbackServer.Response {
        guard request.header("Authorization") == "Bearer \(GitHubMockAPI.token)" else {
            return .json(#"{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"}"#, status: 401)
        }
        if let limited = rateLimit(request) { return limited }
        let parts = request.path.split(separator: "/").map(String.init)
        if parts.count == 3, parts[0] == "orgs" {
            return page(items("org \(parts[1]) \(parts[2])"), request)
        }
        guard parts.count >= 3, parts[0] == "repos" else { return .json(#"{"message": "Not Found"}"#, status: 404) }
        let repository = parts[1] + "/" + parts[2]
        guard GitHubMockAPI.repositories.contains(repository) else { return .json(#"{"message": "Not Found"}"#, status: 404) }
        guard parts.count > 3 else {
            return .json(String(decoding: JSONWriter.bytes(from: .object(items("repo \(repository)").first ?? [:])), as: UTF8.self))
        }
        let endpoint = parts[3...].joined(separator: "/")
        let query = request.query
        switch endpoint {
        case "issues", "issues/comments":
            var found = items("\(repository) \(endpoint)")
            if let since = query["since"] { found = found.filter { ($0["updated_at"]?.stringValue ?? "") >= since } }
            if query["sort"] == "updated" { found.sort { ($0["updated_at"]?.stringValue ?? "", $0["id"]?.intValue ?? 0) < ($1["updated_at"]?.stringValue ?? "", $1["id"]?.intValue ?? 0) } }
            if query["direction"] == "desc" { found.reverse() }
            return page(found, request)
        case "pulls":
            var found = items("\(repository) pulls")
            if query["sort"] == "updated" { found.sort { ($0["updated_at"]?.stringValue ?? "", $0["id"]?.intValue ?? 0) < ($1["updated_at"]?.stringValue ?? "", $1["id"]?.intValue ?? 0) } }
            return page(found, request)
        case "commits":
            var found = items("\(repository) commits")
            if let since = query["since"] { found = found.filter { ($0["commit"]?["committer"]?["date"]?.stringValue ?? "") >= since } }
            return page(found, request)
        case "actions/runs":
            var found = items("\(repository) actions/runs")
            if let created = query["created"], created.hasPrefix(">=") {
                let from = String(created.dropFirst(2))
                found = found.filter { ($0["created_at"]?.stringValue ?? "") >= from }
            }
            return page(found, request, wrappedIn: "workflow_runs")
        case "stargazers":
            let found = items("\(repository) stargazers")
            guard request.header("Accept") == "application/vnd.github.star+json" else {
                return page(found.compactMap { $0["user"]?.objectValue }, request)
            }
            return page(found, request)
        default:
            if endpoint.hasPrefix("pulls/"), endpoint.hasSuffix("/reviews") {
                let number = Int64(endpoint.split(separator: "/")[1]) ?? 0
                let found = items("\(repository) reviews").filter { $0["pull_number_for_mock"]?.intValue == number }.map { review in
                    var review = review
                    review["pull_number_for_mock"] = nil
                    return review
                }
                return page(found, request)
            }
            return page(items("\(repository) \(endpoint)"), request)
        }
    }

    /// The primary limit on beta's tags and a secondary limit on gamma's branches, once each.
    private func rateLimit(_ request: LoopbackServer.Request) -> LoopbackServer.Response? {
        let key: String
        switch request.path {
        case "/repos/octo/beta/tags": key = "primary"
        case "/repos/solo/gamma/branches": key = "secondary"
        default: return nil
        }
        let first = data.withLockedValue { $0.rateLimitsSent.insert(key).inserted }
        guard first else { return nil }
        if key == "primary" {
            let reset = Int(Date().timeIntervalSince1970) + 1
            return .json(#"{"message": "API rate limit exceeded"}"#, status: 403, headers: [
                ("x-ratelimit-limit", "5000"), ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "\(reset)")])
        }
        return .json(#"{"message": "You have exceeded a secondary rate limit."}"#, status: 429, headers: [("retry-after", "1")])
    }

    /// One page of `per_page` (30 by default, 100 at most) from `page` (1 by default), with the
    /// `Link` header GitHub sends when there are more.
    private func page(_ all: [JSONObject], _ request: LoopbackServer.Request, wrappedIn key: String? = nil) -> LoopbackServer.Response {
        let query = request.query
        let perPage = min(max(Int(query["per_page"] ?? "") ?? 30, 1), 100)
        let number = max(Int(query["page"] ?? "") ?? 1, 1)
        let slice = Array(all.dropFirst((number - 1) * perPage).prefix(perPage))
        var headers: [(String, String)] = []
        let lastPage = max((all.count + perPage - 1) / perPage, 1)
        if number < lastPage {
            let host = request.header("Host") ?? "127.0.0.1"
            var others = query.filter { $0.key != "page" }.sorted { $0.key < $1.key }.map { "\($0.key)=\(GitHubMockAPI.encoded($0.value))" }
            others.append("page=\(number + 1)")
            let next = "http://\(host)\(request.path)?\(others.joined(separator: "&"))"
            let last = next.replacingOccurrences(of: "page=\(number + 1)", with: "page=\(lastPage)")
            headers.append(("Link", "<\(next)>; rel=\"next\", <\(last)>; rel=\"last\""))
        }
        let body: JSONValue = key.map { ["total_count": .int(Int64(all.count)), $0: .array(slice.map(JSONValue.object))] } ?? .array(slice.map(JSONValue.object))
        return .json(String(decoding: JSONWriter.bytes(from: body), as: UTF8.self), headers: headers)
    }

}

extension GitHubMockAPI {
    static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:"))) ?? value
    }
}
