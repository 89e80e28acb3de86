import InletJSON
import Testing

/// Paging the CDK added lately and properties asked for by chunks, read by Inlet and by
/// airbyte-cdk 7.39.1 from the same loopback server.
@Suite("Page size reduction and query properties against the CDK")
struct CDKReferenceRequestTests {
    /// `REDUCE_PAGE_SIZE`: a page the API refuses at 100 (or 50) records is asked for again, the same
    /// cursor with a smaller `limit`; the reduced size stays, or comes back after each page.
    @Test(arguments: ["NEVER", "AFTER_SUCCESSFUL_PAGE"])
    func aRefusedPageIsAskedForAgainWithFewerRecords(resetPolicy: String) async throws {
        let server = try await LoopbackServer { request in
            let limit = Int(request.query["limit"] ?? "") ?? 0
            let start = Int(request.query["after"] ?? "0") ?? 0
            guard limit <= 40 else { return .json(#"{"error": "response too large"}"#, status: 502) }
            let ids = Array(start..<min(start + limit, 130))
            let records = ids.map { "{\"id\": \($0)}" }.joined(separator: ", ")
            let next = ids.count == limit && start + limit < 130 ? "\(start + limit)" : "null"
            return .json("{\"data\": [\(records)], \"next\": \(next)}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", requesterExtras: """
            error_handler:
              type: DefaultErrorHandler
              response_filters:
                - type: HttpResponseFilter
                  http_codes: [502]
                  action: REDUCE_PAGE_SIZE
                  error_message: the page is too large
            """, retrieverExtras: TestManifest.paginator(token: "after", pageSize: "limit", strategy: """
            type: CursorPagination
            page_size: 100
            cursor_value: "{{ response.next }}"
            stop_condition: "{{ response.next is none }}"
            """) + """

            page_size_reduction:
              type: PageSizeReduction
              backoff_seconds: 0
              reset_policy: \(resetPolicy)
            """)
        try await expectSameRead(manifest, server: server, streams: ["items"], incremental: false)
        let limits = server.requests.prefix(server.requests.count / 2).map { $0.query["limit"] ?? "" }
        #expect(limits.prefix(3) == ["100", "50", "25"], "\(limits)")
    }

    /// QueryProperties: the properties come from an endpoint and go in chunks of two (plus `id`, always);
    /// each page is asked for once per chunk and the chunks' records are merged by `id`.
    @Test(arguments: [true, false])
    func propertiesFromAnEndpointAreAskedForInChunksAndMerged(chunked: Bool) async throws {
        let server = try await LoopbackServer { request in
            if request.path == "/properties" {
                return .json(#"{"results": [{"name": "alpha"}, {"name": "beta"}, {"name": "gamma"}, {"name": "delta"}, {"name": "epsilon"}]}"#)
            }
            let properties = (request.query["properties"] ?? "").split(separator: ",").map(String.init)
            let page = Int(request.query["page"] ?? "1") ?? 1
            let records = (0..<3).map { index -> String in
                let id = (page - 1) * 3 + index
                let members = properties.map { "\"\($0)\": \($0 == "id" ? "\(id)" : "\"\($0)-\(id)\"")" }
                return "{" + (members + ["\"nested\": {\"\(properties.last ?? "")\": 1}"]).joined(separator: ", ") + "}"
            }
            return .json("{\"data\": [\(records.joined(separator: ", "))], \"next\": \(page < 2 ? "\(page + 1)" : "null")}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        let chunking = chunked ? """

                  property_chunking:
                    type: PropertyChunking
                    property_limit_type: property_count
                    property_limit: 2
                    record_merge_strategy:
                      type: GroupByKeyMergeStrategy
                      key: id
            """ : ""
        manifest.stream("items", path: "/items", requesterExtras: """
            request_parameters:
              properties:
                type: QueryProperties
                always_include_properties: [id]
                property_list:
                  type: PropertiesFromEndpoint
                  property_field_path: [name]
                  retriever:
                    type: SimpleRetriever
                    requester:
                      type: HttpRequester
                      url_base: \(server.baseURL)
                      path: /properties
                    record_selector:
                      type: RecordSelector
                      extractor:
                        type: DpathExtractor
                        field_path: [results]
            """ + chunking, retrieverExtras: TestManifest.paginator(token: "page", strategy: """
            type: CursorPagination
            cursor_value: "{{ response.next }}"
            stop_condition: "{{ response.next is none }}"
            """))
        try await expectSameRead(manifest, server: server, streams: ["items"], incremental: false)
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["items"])
        #expect(output.records.count == 6)
        #expect(output.records.allSatisfy { $0.count == 7 }, "\(output.records.first ?? [:])")
    }

    private func expectSameRead(_ manifest: TestManifest, server: LoopbackServer, streams: [String], incremental: Bool) async throws {
        try await CDKComparison.expectSameRead(yaml: manifest.yaml, server: server, streams: streams, incremental: incremental)
    }
}
