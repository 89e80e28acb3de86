import InletDeclarative
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

/// Incremental reads and partition routing checked against the Python CDK itself: each scenario is
/// read by Inlet and by airbyte-cdk 7.39.1 (`ReferenceCDK`) from the same loopback server, and the
/// two must send the same requests (which carry the windows and partitions), emit the same records
/// and end in the same state.
@Suite("Incremental reads and partitions against the CDK")
struct CDKReferenceReadTests {
    private static func cursor(step: String, start: String = "2024-01-01", end: String, granularity: String = "P1D",
                               format: String = "%Y-%m-%d", extra: String = "") -> String {
        """
        incremental_sync:
          type: DatetimeBasedCursor
          cursor_field: updated
          datetime_format: "\(format)"
          start_datetime: "\(start)"
          end_datetime: "\(end)"
          step: \(step)
          cursor_granularity: \(granularity)
          start_time_option:
            type: RequestOption
            inject_into: request_parameter
            field_name: since
          end_time_option:
            type: RequestOption
            inject_into: request_parameter
            field_name: until
        \(extra)
        """
    }

    /// Answers every window with a record dated at each end of it.
    private static func windowRecords(_ request: LoopbackServer.Request, extra: String = "") -> LoopbackServer.Response {
        let since = request.query["since"] ?? "2024-01-03", until = request.query["until"] ?? "2024-01-04"
        return .json("""
        {"data": [{"id": "\(request.path)\(since)a", "updated": "\(since)"\(extra)}, {"id": "\(request.path)\(until)b", "updated": "\(until)"\(extra)}]}
        """)
    }

    private static func streamState(_ name: String, _ state: JSONObject) -> AirbyteStateMessage {
        AirbyteStateMessage(type: .stream, stream: AirbyteStreamState(streamDescriptor: StreamDescriptor(name: name), streamState: .object(state)))
    }

    @Test(arguments: [nil, ["updated": "2024-01-06"]] as [JSONObject?])
    func datetimeWindowsWithLookbackAndInputState(_ state: JSONObject?) async throws {
        let server = try await LoopbackServer { Self.windowRecords($0) }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("events", path: "/events", streamExtras: Self.cursor(step: "P3D", end: "2024-01-12", extra: "  lookback_window: P2D"))
        try await expectSameRead(manifest, server: server, streams: ["events"], state: state.map { [Self.streamState("events", $0)] } ?? [])
    }

    /// A full refresh of a stream with a cursor still reports the cursor's state after each window,
    /// as the CDK's concurrent streams do whatever the configured sync mode.
    @Test func aFullRefreshOfAStreamWithACursorReportsItsState() async throws {
        let server = try await LoopbackServer { Self.windowRecords($0) }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("events", path: "/events", streamExtras: Self.cursor(step: "P3D", end: "2024-01-09"))
        try await expectSameRead(manifest, server: server, streams: ["events"], incremental: false)
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["events"], incremental: false)
        #expect(output.states.last == ["updated": "2024-01-09"], "\(output.states)")
    }

    @Test(arguments: [
        ("DAY", "P2D", "2024-01-01T10:00:00Z", "2024-01-09T05:00:00Z", "PT1S"),
        ("DAY", "P2D", "2024-01-01T00:00:00Z", "2024-01-06T00:00:00Z", "P1D"),
        ("WEEK", "P7D", "2024-01-03T00:00:00Z", "2024-02-10T12:00:00Z", "P1D"),
        ("MONTH", "P1M", "2024-01-15T00:00:00Z", "2024-04-10T00:00:00Z", "PT1S"),
        ("MONTH", "P10D", "2024-01-15T00:00:00Z", "2024-03-01T00:00:00Z", "PT1H"),
    ])
    func clampedWindowsFollowDaysWeeksAndMonths(target: String, step: String, start: String, end: String, granularity: String) async throws {
        let server = try await LoopbackServer { Self.windowRecords($0) }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        let clamping = """
              clamping:
                target: "{{ '\(target)' }}"
                target_details:
                  weekday: MONDAY
            """
        manifest.stream("events", path: "/events", streamExtras: Self.cursor(
            step: step, start: start, end: end, granularity: granularity, format: "%Y-%m-%dT%H:%M:%SZ", extra: clamping))
        try await expectSameRead(manifest, server: server, streams: ["events"])
    }

    @Test(arguments: [nil, ["states": [["partition": ["section": "a"], "cursor": ["updated": "2024-01-07"]]]]] as [JSONObject?])
    func listPartitionsKeepAStatePerPartition(_ state: JSONObject?) async throws {
        let server = try await LoopbackServer { request in
            Self.windowRecords(request, extra: ", \"section\": \"\(request.query["section"] ?? "")\"")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("events", path: "/events", retrieverExtras: """
            partition_router:
              type: ListPartitionRouter
              values: [a, b]
              cursor_field: section
              request_option:
                type: RequestOption
                inject_into: request_parameter
                field_name: section
            """, streamExtras: Self.cursor(step: "P5D", end: "2024-01-10"))
        try await expectSameRead(manifest, server: server, streams: ["events"], state: state.map { [Self.streamState("events", $0)] } ?? [])
    }

    /// A saved child state: a cursor for project 7 and the parent's state, which the parent resumes
    /// from when the child depends on it incrementally.
    private static let savedSubstreamState: JSONObject = [
        "use_global_cursor": false,
        "states": [["partition": ["project_id": 7, "parent_slice": [:]], "cursor": ["updated": "2024-01-06"]]],
        "state": ["updated": "2024-01-06"],
        "parent_state": ["projects": ["updated": "2024-01-03"]],
        "lookback_window": 0,
    ]

    @Test(arguments: [(false, nil), (true, nil), (false, savedSubstreamState), (true, savedSubstreamState)] as [(Bool, JSONObject?)])
    func substreamPartitionsFollowTheParentsRecords(incrementalDependency: Bool, state: JSONObject?) async throws {
        let server = try await LoopbackServer { request in
            if request.path == "/projects" {
                let projects = [(7, "2024-01-02"), (nil, "2024-01-03"), (9, "2024-01-04")].filter { $0.1 >= request.query["since", default: ""] }
                let records = projects.map { "{\"id\": \($0.0.map(String.init) ?? "null"), \"updated\": \"\($0.1)\"}" }
                return .json("{\"data\": [\(records.joined(separator: ", "))]}")
            }
            return Self.windowRecords(request, extra: ", \"project\": \(request.path.split(separator: "/")[1])")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("projects", path: "/projects", streamExtras: """
            incremental_sync:
              type: DatetimeBasedCursor
              cursor_field: updated
              datetime_format: "%Y-%m-%d"
              start_datetime: "2024-01-01"
              end_datetime: "2024-01-10"
              start_time_option:
                type: RequestOption
                inject_into: request_parameter
                field_name: since
            """)
        manifest.stream("tasks", path: "\"/projects/{{ stream_partition.project_id }}/tasks\"", retrieverExtras: """
            partition_router:
              type: SubstreamPartitionRouter
              parent_stream_configs:
                - type: ParentStreamConfig
                  parent_key: id
                  partition_field: project_id
                  incremental_dependency: \(incrementalDependency)
                  stream:
                    $ref: "#/streams/0"
            """, streamExtras: Self.cursor(step: "P5D", end: "2024-01-08"))
        try await expectSameRead(manifest, server: server, streams: ["tasks"], state: state.map { [Self.streamState("tasks", $0)] } ?? [])
    }

    /// The parent's records embed the first page of each child list; only the first sync reads it
    /// from there (the CDK's LazySimpleRetriever), later ones request every page.
    @Test(arguments: [nil, ["use_global_cursor": true, "state": ["updated": "2024-01-02"]]] as [JSONObject?])
    func lazyReadPointersTakeTheFirstChildPageFromTheParent(_ state: JSONObject?) async throws {
        let server = try await LoopbackServer { request in
            if request.path == "/projects" {
                return .json("""
                {"data": [{"id": 7, "tasks": {"data": [{"id": "t1", "updated": "2024-01-03"}], "has_more": true}},
                          {"id": 9, "tasks": {"data": [{"id": "t5", "updated": "2024-01-04"}], "has_more": false}},
                          {"id": 11}]}
                """)
            }
            let after = request.query["starting_after"]
            let project = request.path.split(separator: "/")[1]
            if after == nil { return .json("{\"data\": [{\"id\": \"p\(project)-1\", \"updated\": \"2024-01-05\"}], \"has_more\": true}") }
            return .json("{\"data\": [{\"id\": \"p\(project)-\(after!)-next\", \"updated\": \"2024-01-06\"}], \"has_more\": false}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("projects", path: "/projects")
        manifest.stream("tasks", path: "\"/projects/{{ stream_partition.project_id }}/tasks\"", retrieverExtras: """
            paginator:
              type: DefaultPaginator
              page_token_option:
                type: RequestOption
                inject_into: request_parameter
                field_name: starting_after
              pagination_strategy:
                type: CursorPagination
                cursor_value: "{{ last_record.id }}"
                stop_condition: "{{ not response.has_more }}"
            partition_router:
              type: SubstreamPartitionRouter
              parent_stream_configs:
                - type: ParentStreamConfig
                  parent_key: id
                  partition_field: project_id
                  lazy_read_pointer: [tasks]
                  stream:
                    $ref: "#/streams/0"
            """, streamExtras: """
            incremental_sync:
              type: DatetimeBasedCursor
              cursor_field: updated
              datetime_format: "%Y-%m-%d"
              start_datetime: "2024-01-01"
              end_datetime: "2024-01-10"
              global_substream_cursor: true
            """)
        try await expectSameRead(manifest, server: server, streams: ["tasks"], state: state.map { [Self.streamState("tasks", $0)] } ?? [])
    }

    @Test(arguments: [nil, ["updated": "2024-01-05"]] as [JSONObject?])
    func clientSideIncrementalDropsRecordsBeforeTheState(_ state: JSONObject?) async throws {
        let server = try await LoopbackServer { _ in
            .json(#"{"data": [{"id": 1, "updated": "2024-01-02"}, {"id": 2, "updated": "2024-01-05"}, {"id": 3, "updated": "2024-01-09"}, {"id": 4, "updated": "2023-12-30"}]}"#)
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("events", path: "/events", streamExtras: """
            incremental_sync:
              type: DatetimeBasedCursor
              cursor_field: updated
              datetime_format: "%Y-%m-%d"
              start_datetime: "2024-01-01"
              end_datetime: "2024-01-31"
              is_client_side_incremental: true
            """)
        try await expectSameRead(manifest, server: server, streams: ["events"], state: state.map { [Self.streamState("events", $0)] } ?? [])
    }

    @Test(arguments: [nil, ["id": 5], ["id": 1, "other": "kept"]] as [JSONObject?])
    func incrementingCountsStartFromTheGreaterOfStartValueAndState(_ state: JSONObject?) async throws {
        let server = try await LoopbackServer { request in
            let after = Int(request.query["after"] ?? "") ?? 0
            let records = (after + 1...after + 3).map { "{\"id\": \($0), \"name\": \"n\($0)\"}" }
            return .json("{\"data\": [\(records.joined(separator: ", "))]}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", streamExtras: """
            incremental_sync:
              type: IncrementingCountCursor
              cursor_field: id
              start_value: "{{ config['start'] }}"
              start_value_option:
                type: RequestOption
                inject_into: request_parameter
                field_name: after
            """)
        try await expectSameRead(manifest, server: server, config: ["start": "2"], streams: ["items"],
                                 state: state.map { [Self.streamState("items", $0)] } ?? [])
    }

    /// Jobs: created by POST; the first job of partition `x` is pending on its first poll, then every
    /// poll finds the job ready (or failed, for `failing`); ready jobs are downloaded from two files,
    /// then deleted.
    private static func jobServer(failing: Bool = false) async throws -> LoopbackServer {
        let kinds = NIOLockedValueBox<[String: String]>([:])
        let polled = NIOLockedValueBox<Set<String>>([])
        let created = NIOLockedValueBox(0)
        return try await LoopbackServer { request in
            let parts = request.path.split(separator: "/").map(String.init)
            switch (request.method, parts.first, parts.count) {
            case ("POST", "exports", 1):
                let kind = request.query["kind"] ?? ""
                let id = created.withLockedValue { $0 += 1; return "job\($0)" }
                kinds.withLockedValue { $0[id] = kind }
                return .json("{\"id\": \"\(id)\", \"kind\": \"\(kind)\"}")
            case ("GET", "exports", 2):
                let kind = kinds.withLockedValue { $0[parts[1]] ?? "" }
                let firstPoll = polled.withLockedValue { $0.insert(parts[1]).inserted }
                if failing { return .json(#"{"status": "failed"}"#) }
                if kind == "x" && firstPoll { return .json(#"{"status": "pending"}"#) }
                return .json("{\"status\": \"ready\", \"urls\": [\"/files/\(parts[1])/a\", \"/files/\(parts[1])/b\"]}")
            case ("GET", "files", 3):
                let kind = kinds.withLockedValue { $0[parts[1]] ?? "" }
                return .json("[{\"id\": \"\(kind)-\(parts[2])1\", \"Amount\": 1}, {\"id\": \"\(kind)-\(parts[2])2\", \"Amount\": -1}]")
            case ("POST", "exports", 3) where parts[2] == "delete":
                return .json("{}")
            default:
                return .json(#"{"error": "no such endpoint"}"#, status: 404)
            }
        }
    }

    private static func asyncStream(_ baseURL: String, partitioned: Bool = true) -> String {
        let router = partitioned ? """
                  partition_router:
                    type: ListPartitionRouter
                    values: [x, y]
                    cursor_field: kind
            """ : ""
        return """
          - type: DeclarativeStream
            name: exports
            primary_key: id
            schema_loader:
              type: InlineSchemaLoader
              schema: {type: object}
            transformations:
              - type: KeysToLower
            retriever:
              type: AsyncRetriever
              status_mapping:
                running: [pending]
                completed: [ready]
                failed: [failed]
                timeout: [timeout]
              status_extractor: {type: DpathExtractor, field_path: [status]}
              download_target_extractor: {type: DpathExtractor, field_path: [urls]}
              creation_requester:
                type: HttpRequester
                url_base: \(baseURL)
                path: /exports
                http_method: POST
                request_parameters:
                  kind: "{{ stream_partition.kind }}"
              polling_requester:
                type: HttpRequester
                url_base: \(baseURL)
                path: "/exports/{{ stream_slice.extra_fields['creation_response']['id'] }}"
              download_requester:
                type: HttpRequester
                url_base: \(baseURL)
                path: "{{ stream_slice.extra_fields['download_target'] }}"
              delete_requester:
                type: HttpRequester
                url_base: \(baseURL)
                path: "/exports/{{ stream_slice.extra_fields['creation_response']['id'] }}/delete"
                http_method: POST
        \(router)
              record_selector:
                type: RecordSelector
                extractor: {type: DpathExtractor, field_path: []}
                record_filter:
                  condition: "{{ record['Amount'] > 0 }}"
        """
    }

    @Test func asyncJobsAreCreatedPolledDownloadedAndDeleted() async throws {
        let server = try await Self.jobServer()
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.streams.append(Self.asyncStream(server.baseURL))
        try await expectSameRead(manifest, server: server, streams: ["exports"], incremental: false, normalize: Self.withoutJobNumbers)
    }

    @Test func anAsyncJobThatKeepsFailingFailsTheStreamAfterThreeAttempts() async throws {
        let server = try await Self.jobServer(failing: true)
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.streams.append(Self.asyncStream(server.baseURL))
        let before = server.requests.count
        let inlet = await (try ManifestRun(manifest.yaml)).read(streams: ["exports"])
        let between = server.requests.count
        let reference = try await ReferenceCDK.read(manifest.yaml, config: [:], streams: ["exports"], incremental: false, state: [], mayFail: true)
        let requests = server.requests
        #expect(inlet.errors.first?.message == "One or more async jobs failed after exhausting all retry attempts.")
        #expect(inlet.errors.first?.message == reference.errors.first?.message)
        #expect(inlet.statuses == reference.statuses)
        #expect(Self.withoutJobNumbers(CDKComparison.normalized(requests[before..<between])) == Self.withoutJobNumbers(CDKComparison.normalized(requests[between...])))
        #expect(inlet.records.isEmpty && reference.records.isEmpty)
        #expect(inlet.states == reference.states)
    }

    @Test func aFailedJobOfAStreamWithoutPartitionsStillEndsWithItsState() async throws {
        let server = try await Self.jobServer(failing: true)
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.streams.append(Self.asyncStream(server.baseURL, partitioned: false))
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["exports"])
        #expect(output.errors.map(\.message) == ["One or more async jobs failed after exhausting all retry attempts."])
        #expect(output.statuses == ["exports:STARTED", "exports:INCOMPLETE"])
        #expect(output.states == [["__ab_no_cursor_state_message": true]])
        #expect(server.requests.filter { $0.method == "POST" }.count == 3)
    }

    /// Streams made from the config, from a fixed list and from an API's records, each filling the
    /// same template.
    @Test func dynamicStreamsAreMadeFromConfigListsAndAPIRecords() async throws {
        let server = try await LoopbackServer { request in
            if request.path == "/catalog" { return .json(#"{"tables": [{"name": "api_one", "id": 20}, {"name": "api_two", "id": 21}]}"#) }
            let id = Int(request.path.split(separator: "/").last ?? "") ?? 0
            return .json("{\"data\": [{\"id\": \(id * 100), \"table\": \(id)}]}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("static", path: "/tables/1")
        func dynamic(_ name: String, resolver: String) -> String {
            """
              - type: DynamicDeclarativeStream
                name: \(name)
                stream_template:
                  type: DeclarativeStream
                  name: placeholder
                  primary_key: id
                  schema_loader: {type: InlineSchemaLoader, schema: {type: object}}
                  retriever:
                    type: SimpleRetriever
                    requester: {type: HttpRequester, url_base: \(server.baseURL), path: /tables/0}
                    record_selector:
                      type: RecordSelector
                      extractor: {type: DpathExtractor, field_path: [data]}
                components_resolver:
            \(resolver)
                  components_mapping:
                    - {type: ComponentMappingDefinition, field_path: [name], value: "{{ components_values['name'] }}"}
                    - {type: ComponentMappingDefinition, field_path: [retriever, requester, path], value: "/tables/{{ components_values['id'] }}"}
                    - {type: ComponentMappingDefinition, field_path: [primary_key], value: "[table]", create_or_update: true}
            """
        }
        let yaml = manifest.yaml + "\ndynamic_streams:\n" + [
            dynamic("from_config", resolver: """
                  type: ConfigComponentsResolver
                  stream_config:
                    type: StreamConfig
                    configs_pointer: [tables]
            """),
            dynamic("from_list", resolver: """
                  type: ParametrizedComponentsResolver
                  stream_parameters:
                    type: StreamParametersDefinition
                    list_of_parameters_for_stream:
                      - {name: alpha, id: 1}
                      - {name: beta, id: 2}
            """),
            dynamic("from_api", resolver: """
                  type: HttpComponentsResolver
                  retriever:
                    type: SimpleRetriever
                    requester: {type: HttpRequester, url_base: \(server.baseURL), path: /catalog}
                    record_selector:
                      type: RecordSelector
                      extractor: {type: DpathExtractor, field_path: [tables]}
            """),
        ].joined(separator: "\n")
        let config: JSONObject = ["tables": [["name": "users", "id": 10], ["name": "orders", "id": 11]]]
        let streams = ["static", "users", "orders", "alpha", "beta", "api_one", "api_two"]
        let run = try ManifestRun(yaml)
        let discovered = await run.discover(config: config)
        let catalog = discovered.messages.compactMap { if case .catalog(let catalog) = $0.content { return catalog } else { return nil } }.first
        #expect(catalog?.streams.map(\.name) == streams)
        #expect(catalog?.streams.last?.sourceDefinedPrimaryKey == [["table"]])
        try await expectSameRead(yaml: yaml, server: server, config: config, streams: streams, incremental: false)
    }

    @Test func cartesianProductsOfListsMakeEveryCombination() async throws {
        let server = try await LoopbackServer { request in
            .json("{\"data\": [{\"id\": \"\(request.query["kind"] ?? "")-\(request.query["region"] ?? "")\"}]}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("things", path: "/things", retrieverExtras: """
            partition_router:
              - type: ListPartitionRouter
                values: [x, y]
                cursor_field: kind
                request_option:
                  type: RequestOption
                  inject_into: request_parameter
                  field_name: kind
              - type: ListPartitionRouter
                values: [eu, us, ap]
                cursor_field: region
                request_option:
                  type: RequestOption
                  inject_into: request_parameter
                  field_name: region
            """)
        try await expectSameRead(manifest, server: server, streams: ["things"], incremental: false)
    }

    /// Nested records with mixed-case keys, lists and nulls, for the transformations below.
    private static let transformationRecords = """
        {"data": [
          {"id": 1, "FirstName": "Ann", "HTTPStatus": 200, "meta": {"Created At": "2024-01-02", "tags": ["a", "b"], "owner": {"id": 7}}, "empty": null, "v2Field": 1.5},
          {"id": 2, "FirstName": null, "HTTPStatus": 404, "meta": {"Created At": null, "tags": [], "owner": null}, "v2Field": "x"}
        ]}
        """

    @Test(arguments: [
        """
        - type: AddFields
          fields:
            - {path: [status_text], value: "{{ 'ok' if record['HTTPStatus'] < 400 else 'error' }}"}
            - {path: [meta, owner_id], value: "{{ record.meta.owner.id if record.meta.owner else none }}"}
            - {path: [status_number], value: "{{ record['HTTPStatus'] }}", value_type: string}
        - type: AddFields
          condition: "{{ value is not none and value != '' }}"
          fields:
            - {path: [first], value: "{{ record['FirstName'] }}"}
        """,
        """
        - type: RemoveFields
          field_pointers: [[meta, tags], [empty], ["*Name"], ["v[0-9]F?eld"], [meta, "[!C]*", id]]
        - type: RemoveFields
          condition: "{{ property is none }}"
          field_pointers: [[meta, "**"]]
        """,
        """
        - type: KeysToLower
        - type: KeysReplace
          old: " "
          new: "_"
        """,
        """
        - type: KeysToSnakeCase
        """,
        """
        - type: FlattenFields
          flatten_lists: true
        """,
        """
        - type: FlattenFields
          flatten_lists: false
        """,
        """
        - type: DpathFlattenFields
          field_path: [meta]
          delete_origin_value: true
          key_prefix: "meta_"
        """,
        """
        - type: DpathFlattenFields
          field_path: [meta, owner]
          replace_record: true
        """,
    ])
    func transformationsChangeRecordsAsTheCDKs(_ transformations: String) async throws {
        let server = try await LoopbackServer { _ in .json(Self.transformationRecords) }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", streamExtras: "transformations:\n" + transformations.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        try await expectSameRead(manifest, server: server, streams: ["items"], incremental: false)
    }

    // MARK: - Comparing

    private func expectSameRead(_ manifest: TestManifest, server: LoopbackServer, config: JSONObject = [:], streams: [String],
                                incremental: Bool = true, state: [AirbyteStateMessage] = [],
                                normalize: ([String]) -> [String] = { $0 }, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        try await expectSameRead(yaml: manifest.yaml, server: server, config: config, streams: streams, incremental: incremental,
                                 state: state, normalize: normalize, sourceLocation: sourceLocation)
    }

    private func expectSameRead(yaml: String, server: LoopbackServer, config: JSONObject = [:], streams: [String],
                                incremental: Bool = true, state: [AirbyteStateMessage] = [],
                                normalize: ([String]) -> [String] = { $0 }, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        try await CDKComparison.expectSameRead(yaml: yaml, server: server, config: config, streams: streams, incremental: incremental, state: state,
                                               normalize: normalize, sourceLocation: sourceLocation)
    }

    /// Job numbers count on across both reads of one server; the requests match without them.
    private static func withoutJobNumbers(_ requests: [String]) -> [String] {
        requests.map { $0.replacing(/job[0-9]+/, with: "job#") }.sorted()
    }

}
