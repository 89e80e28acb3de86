import Foundation
import InletDeclarative
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

/// Reads against a real HTTP server on 127.0.0.1: retries, errors, authentication and pagination.
@Suite("Reading manifests over loopback HTTP")
struct LoopbackReadTests {
    private func records(_ ids: ClosedRange<Int>) -> String {
        "[" + ids.map { "{\"id\": \($0), \"name\": null}" }.joined(separator: ",") + "]"
    }

    @Test func a429WithRetryAfterIsRetriedAfterTheServersDelay() async throws {
        let calls = NIOLockedValueBox(0)
        let server = try await LoopbackServer { _ in
            let call = calls.withLockedValue { $0 += 1; return $0 }
            if call == 1 { return .json(#"{"message": "slow down"}"#, status: 429, headers: [("Retry-After", "7")]) }
            return .json(#"{"data": [{"id": 1}, {"id": 2}]}"#)
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items")
        let run = try ManifestRun(manifest.yaml)
        let output = await run.read(streams: ["items"])
        #expect(output.error == nil)
        #expect(output.records.count == 2)
        #expect(run.sleeps.withLockedValue { $0 } == [7])
        #expect(server.requests.count == 2)
        #expect(output.statuses.last == "items:COMPLETE")
    }

    @Test func a500IsRetriedWithBackoffThenSucceeds() async throws {
        let calls = NIOLockedValueBox(0)
        let server = try await LoopbackServer { _ in
            let call = calls.withLockedValue { $0 += 1; return $0 }
            if call <= 2 { return .json(#"{"error": "boom"}"#, status: 500) }
            return .json(#"{"data": [{"id": 1}]}"#)
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items")
        let run = try ManifestRun(manifest.yaml)
        let output = await run.read(streams: ["items"])
        #expect(output.error == nil)
        #expect(output.records.map { $0["id"] } == [.int(1)])
        // The CDK's default exponential backoff: 1, 2, 4, … seconds.
        #expect(run.sleeps.withLockedValue { $0 } == [1, 2])
    }

    @Test func retriesStopAtMaxRetriesWithATransientFailure() async throws {
        let server = try await LoopbackServer { _ in .json(#"{"error": "down"}"#, status: 503) }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", requesterExtras: """
        error_handler:
          type: DefaultErrorHandler
          max_retries: 2
          backoff_strategies:
            - type: ConstantBackoffStrategy
              backoff_time_in_seconds: 3
        """)
        let run = try ManifestRun(manifest.yaml)
        let output = await run.read(streams: ["items"])
        #expect(server.requests.count == 3)
        // A user backoff gets the CDK's extra second.
        #expect(run.sleeps.withLockedValue { $0 } == [4, 4])
        #expect(output.statuses.last == "items:INCOMPLETE")
        #expect(output.error != nil)
    }

    @Test func a401IsAConfigErrorAndOtherStreamsStillRun() async throws {
        let server = try await LoopbackServer { request in
            if request.path == "/secret" { return .json(#"{"message": "bad key"}"#, status: 401) }
            return .json(#"{"data": [{"id": 5}]}"#)
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("secret", path: "/secret")
        manifest.stream("open", path: "/open")
        let run = try ManifestRun(manifest.yaml)
        let output = await run.read(streams: ["secret", "open"])
        let failure = try #require(output.errors.first)
        #expect(failure.failureType == .configError)
        #expect(failure.streamDescriptor?.name == "secret")
        #expect(output.records(of: "open").count == 1)
        // The two streams are read at once: each stream's statuses keep their order.
        #expect(output.statuses.filter { $0.hasPrefix("secret:") }.last == "secret:INCOMPLETE")
        #expect(output.statuses.filter { $0.hasPrefix("open:") }.last == "open:COMPLETE")
        #expect(server.requests.filter { $0.path == "/secret" }.count == 1, "a 401 is not retried")
        let error = try #require(output.error as? ConnectorError)
        #expect(error.message.contains("secret"))
    }

    @Test func secretsNeverAppearInErrors() async throws {
        let server = try await LoopbackServer { _ in .json(#"{"message": "key sk-live-123 is revoked"}"#, status: 403) }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", requesterExtras: """
        authenticator:
          type: ApiKeyAuthenticator
          api_token: "{{ config['api_key'] }}"
          inject_into:
            type: RequestOption
            inject_into: header
            field_name: X-Key
        """)
        let run = try ManifestRun(manifest.yaml)
        let output = await run.read(config: ["api_key": "sk-live-123"], streams: ["items"])
        #expect(server.requests.first?.header("X-Key") == "sk-live-123")
        let text = output.messages.map { JSONWriter.string(from: $0.json) }.joined(separator: "\n")
        #expect(!text.contains("sk-live-123"))
        #expect(text.contains("****"))
    }

    @Test func topLevelNullFieldsAreDroppedFromRecords() async throws {
        let server = try await LoopbackServer { _ in .json(#"{"data": [{"id": 1, "name": null, "nested": {"x": null}}]}"#) }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items")
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["items"])
        #expect(output.records == [["id": 1, "nested": ["x": .null]]])
    }
}

@Suite("Decoders over loopback HTTP")
struct LoopbackDecoderTests {
    /// Reads one stream of XmlDecoder-decoded responses at `fieldPath`.
    private func readXML(from server: LoopbackServer, fieldPath: String) async throws -> ManifestRun.Output {
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("documents", path: "/items", fieldPath: fieldPath, retrieverExtras: """
        decoder:
          type: XmlDecoder
        """)
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["documents"])
        #expect(output.error == nil)
        return output
    }

    @Test func xmlBodiesBecomeDocumentsAsXmltodictMakesThem() async throws {
        let server = try await LoopbackServer { _ in
            var response = LoopbackServer.Response.json("""
                <?xml version="1.0"?><r><a>  x  </a><b y="1">t</b><b>u<c>v</c>w</b><d/><e z="2"/><n:f xmlns:n="urn:x">g</n:f></r>
                """)
            response.headers = [("Content-Type", "application/xml")]
            return response
        }
        defer { Task { await server.shutdown() } }
        // What airbyte-cdk 7.39.1 (xmltodict) yields for this body at [r, b], and whole.
        #expect(try await readXML(from: server, fieldPath: "[r, b]").records == [["@y": "1", "#text": "t"], ["c": "v", "#text": "uw"]])
        let document = try await readXML(from: server, fieldPath: "[]").records.first?["r"]
        #expect(document?["d"] == .null)
        #expect(document?["n:f"] == ["@xmlns:n": "urn:x", "#text": "g"])
        #expect(document?["a"] == "x")
    }

    @Test(arguments: [
        ("<r><a>1 &amp; 2 &#233;</a><![CDATA[<x>]]><!-- c --></r>", [["r": ["a": "1 & 2 é", "#text": "<x>"]] as JSONObject]),
        ("<r><a></r>", []),   // not XML: the CDK yields {}, which selects no record
    ])
    func xmlTextEntitiesAndBrokenBodies(body: String, expected: [JSONObject]) async throws {
        let server = try await LoopbackServer { _ in .json(body) }
        defer { Task { await server.shutdown() } }
        #expect(try await readXML(from: server, fieldPath: "[]").records == expected)
    }
}

@Suite("Pagination over loopback HTTP")
struct LoopbackPaginationTests {
    @Test func linkHeaderPaginationFollowsNextUntilThereIsNone() async throws {
        let server = try await LoopbackServer { request in
            let page = Int(request.query["page"] ?? "1") ?? 1
            var headers: [(String, String)] = []
            if page < 3 {
                headers.append(("Link", "<http://127.0.0.1:0/unused>; rel=\"prev\", <\(request.path)?page=\(page + 1)&per_page=2>; rel=\"next\""))
            }
            return .json("[{\"id\": \(page * 10)}, {\"id\": \(page * 10 + 1)}]", headers: headers)
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", fieldPath: "[]", retrieverExtras: """
        paginator:
          type: DefaultPaginator
          page_token_option:
            type: RequestPath
          pagination_strategy:
            type: CursorPagination
            cursor_value: "{{ headers['link']['next']['url'] }}"
            stop_condition: "{{ 'next' not in headers['link'] }}"
        """)
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["items"])
        #expect(output.error == nil)
        #expect(output.records.compactMap { $0["id"]?.intValue } == [10, 11, 20, 21, 30, 31])
        #expect(server.requests.map(\.uri) == ["/items", "/items?page=2&per_page=2", "/items?page=3&per_page=2"])
    }

    @Test func offsetPaginationStopsOnAShortPage() async throws {
        let all = Array(1...5)
        let server = try await LoopbackServer { request in
            let offset = Int(request.query["offset"] ?? "0") ?? 0
            let limit = Int(request.query["limit"] ?? "0") ?? 0
            let page = all.dropFirst(offset).prefix(limit)
            return .json("{\"data\": [" + page.map { "{\"id\": \($0)}" }.joined(separator: ",") + "]}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", retrieverExtras: TestManifest.paginator(token: "offset", pageSize: "limit", strategy: """
        type: OffsetIncrement
        page_size: 2
        """))
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["items"])
        #expect(output.records.compactMap { $0["id"]?.intValue } == all.map(Int64.init))
        #expect(server.requests.map { $0.query["offset"] ?? "-" } == ["-", "2", "4"])
        #expect(server.requests.allSatisfy { $0.query["limit"] == "2" })
    }

    @Test func pageIncrementStartsFromTheGivenPageAndStopsOnAnEmptyPage() async throws {
        let server = try await LoopbackServer { request in
            let page = Int(request.query["page"] ?? "0") ?? 0
            return .json(page <= 2 ? "{\"data\": [{\"id\": \(page)}]}" : "{\"data\": []}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", retrieverExtras: TestManifest.paginator(token: "page", strategy: """
        type: PageIncrement
        start_from_page: 1
        inject_on_first_request: true
        """))
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["items"])
        #expect(output.records.compactMap { $0["id"]?.intValue } == [1, 2])
        #expect(server.requests.map { $0.query["page"] ?? "-" } == ["1", "2", "3"])
    }

    @Test func cursorPaginationInAJSONBody() async throws {
        let server = try await LoopbackServer { request in
            let cursor = (try? JSONParser.parse(request.body))?["cursor"]?.stringValue
            if cursor == nil { return .json(#"{"data": [{"id": 1}], "next": "abc"}"#) }
            return .json(#"{"data": [{"id": 2}], "next": null}"#)
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/search", requesterExtras: """
        http_method: POST
        request_body_json:
          query: everything
        """, retrieverExtras: """
        paginator:
          type: DefaultPaginator
          page_token_option:
            type: RequestOption
            inject_into: body_json
            field_name: cursor
          pagination_strategy:
            type: CursorPagination
            cursor_value: "{{ response.next }}"
        """)
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["items"])
        #expect(output.records.compactMap { $0["id"]?.intValue } == [1, 2])
        #expect(server.requests.map(\.body) == [#"{"query": "everything"}"#, #"{"query": "everything", "cursor": "abc"}"#])
        #expect(server.requests.allSatisfy { $0.header("Content-Type") == "application/json" })
    }
}

@Suite("API budget over loopback HTTP")
struct APIBudgetTests {
    /// A server that notes when each request arrived and answers one record per page, `pages` pages.
    private func pagedServer(pages: Int, headers: @escaping @Sendable (Int) -> [(String, String)] = { _ in [] })
        async throws -> (LoopbackServer, NIOLockedValueBox<[Double]>) {
        let arrivals = NIOLockedValueBox<[Double]>([])
        let server = try await LoopbackServer { request in
            let count = arrivals.withLockedValue { $0.append(Date().timeIntervalSince1970); return $0.count }
            let page = Int(request.query["page"] ?? "1") ?? 1
            let records = page <= pages ? "[{\"id\": \(page)}]" : "[]"
            return .json("{\"data\": \(records)}", headers: headers(count))
        }
        return (server, arrivals)
    }

    private func manifest(_ baseURL: String, budget: String) -> String {
        var manifest = TestManifest(baseURL: baseURL)
        manifest.stream("items", path: "/items", retrieverExtras: TestManifest.paginator(token: "page", strategy: """
        type: PageIncrement
        page_size: 1
        start_from_page: 1
        """))
        return manifest.yaml + "\n" + budget
    }

    @Test func aMovingWindowSpacesRequestsOutToItsRate() async throws {
        let (server, arrivals) = try await pagedServer(pages: 5)
        defer { Task { await server.shutdown() } }
        let yaml = manifest(server.baseURL, budget: """
        api_budget:
          type: HTTPAPIBudget
          policies:
            - type: UnlimitedCallRatePolicy
              matchers:
                - {type: HttpRequestRegexMatcher, url_path_pattern: "^/other"}
            - type: MovingWindowCallRatePolicy
              rates:
                - {type: Rate, limit: 2, interval: PT1S}
              matchers:
                - {type: HttpRequestRegexMatcher, method: GET, url_path_pattern: "^/items$"}
        """)
        let output = await (try ManifestRun(yaml)).read(streams: ["items"])
        #expect(output.error == nil)
        #expect(output.records.count == 5)
        let times = arrivals.withLockedValue { $0 }
        #expect(times.count == 6)
        // No three requests within one second. Arrival times carry the transit's jitter, so the bound
        // is loose; without the budget the requests come milliseconds apart.
        for index in times.indices.dropLast(2) {
            #expect(times[index + 2] - times[index] >= 0.5, "requests \(index) and \(index + 2) came \(times[index + 2] - times[index]) s apart")
        }
    }

    @Test func aFixedWindowWaitsForTheResetTheAPIReports() async throws {
        let (server, arrivals) = try await pagedServer(pages: 2) { count in
            count == 1 ? [("ratelimit-remaining", "0"), ("ratelimit-reset", String(Int(Date().timeIntervalSince1970) + 3))] : []
        }
        defer { Task { await server.shutdown() } }
        let yaml = manifest(server.baseURL, budget: """
        api_budget:
          type: HTTPAPIBudget
          policies:
            - type: FixedWindowCallRatePolicy
              period: PT1H
              call_limit: 100
              matchers: []
        """)
        let output = await (try ManifestRun(yaml)).read(streams: ["items"])
        #expect(output.error == nil)
        #expect(output.records.count == 2)
        let times = arrivals.withLockedValue { $0 }
        #expect(times.count == 3)
        // The reset is 2 to 3 s away; arrival times carry the transit's jitter.
        #expect(times[1] - times[0] >= 0.5)
    }
}
