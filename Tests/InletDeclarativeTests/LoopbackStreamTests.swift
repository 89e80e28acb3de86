import Foundation
import InletDeclarative
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

@Suite("Incremental reads, partitions, check and discover over loopback HTTP")
struct LoopbackStreamTests {
    private let cursor = """
    incremental_sync:
      type: DatetimeBasedCursor
      cursor_field: updated
      datetime_format: "%Y-%m-%d"
      start_datetime: "{{ config['start_date'] }}"
      end_datetime: "2024-01-10"
      step: P3D
      cursor_granularity: P1D
      start_time_option:
        type: RequestOption
        inject_into: request_parameter
        field_name: since
      end_time_option:
        type: RequestOption
        inject_into: request_parameter
        field_name: until
    """

    /// Answers each window with one record dated at its start, except the window starting on `failOn`.
    private func windowServer(failOn: String? = nil) async throws -> LoopbackServer {
        try await LoopbackServer { request in
            let since = request.query["since"] ?? "?"
            if since == failOn { return .json(#"{"error": "bad window"}"#, status: 400) }
            return .json("{\"data\": [{\"id\": 1, \"updated\": \"\(since)\"}]}")
        }
    }

    @Test func windowsFollowStepAndGranularityAndTheStateIsTheLastCursorValue() async throws {
        let server = try await windowServer()
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("events", path: "/events", streamExtras: cursor)
        let output = await (try ManifestRun(manifest.yaml)).read(config: ["start_date": "2024-01-01"], streams: ["events"], incremental: true)
        #expect(output.error == nil)
        // Windows end a granularity before the next starts; the last one runs to the end itself.
        #expect(server.requests.map { "\($0.query["since"]!)..\($0.query["until"]!)" } == [
            "2024-01-01..2024-01-03", "2024-01-04..2024-01-06", "2024-01-07..2024-01-10",
        ])
        #expect(output.states.last == ["updated": "2024-01-07"])
        // A checkpoint after every window, and the final one.
        #expect(output.states.count == 4)
    }

    @Test func aFailedWindowHoldsTheStateBeforeIt() async throws {
        let server = try await windowServer(failOn: "2024-01-07")
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("events", path: "/events", streamExtras: cursor)
        let output = await (try ManifestRun(manifest.yaml)).read(config: ["start_date": "2024-01-01"], streams: ["events"], incremental: true)
        #expect(output.statuses.last == "events:INCOMPLETE")
        // Nothing after the failed window counts: the next sync starts from the 4th again.
        #expect(output.states.last == ["updated": "2024-01-04"])
        #expect(output.error != nil)
    }

    @Test func theInputStateSetsTheLowerBound() async throws {
        let server = try await windowServer()
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("events", path: "/events", streamExtras: cursor)
        let state = AirbyteStateMessage(type: .stream, stream: AirbyteStreamState(
            streamDescriptor: StreamDescriptor(name: "events"), streamState: ["updated": "2024-01-08"]))
        let output = await (try ManifestRun(manifest.yaml)).read(
            config: ["start_date": "2024-01-01"], streams: ["events"], incremental: true, state: [state])
        #expect(server.requests.map { $0.query["since"]! } == ["2024-01-08"])
        #expect(output.states.last == ["updated": "2024-01-08"])
    }

    /// A full refresh starts from the start date whatever the saved state, and still reports the
    /// cursor it reached (compared with the CDK in `CDKReferenceReadTests`).
    @Test func aFullRefreshReadOfAnIncrementalStreamIgnoresTheSavedStateAndReportsItsCursor() async throws {
        let server = try await windowServer()
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("events", path: "/events", streamExtras: cursor)
        let state = AirbyteStateMessage(type: .stream, stream: AirbyteStreamState(
            streamDescriptor: StreamDescriptor(name: "events"), streamState: ["updated": "2024-01-08"]))
        let output = await (try ManifestRun(manifest.yaml)).read(config: ["start_date": "2024-01-01"], streams: ["events"], state: [state])
        #expect(server.requests.first?.query["since"] == "2024-01-01")
        #expect(output.states.last == ["updated": "2024-01-07"], "\(output.states)")
    }

    @Test func substreamsReadOnePartitionPerParentRecordWithPerPartitionState() async throws {
        let server = try await LoopbackServer { request in
            if request.path == "/projects" { return .json(#"{"data": [{"id": 7}, {"id": null}, {"id": 9}]}"#) }
            let project = request.path.split(separator: "/")[1]
            return .json("{\"data\": [{\"id\": 1, \"project\": \(project), \"updated\": \"\(request.query["since"] ?? "")\"}]}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("projects", path: "/projects")
        manifest.stream("tasks", path: "\"/projects/{{ stream_partition.project_id }}/tasks\"", retrieverExtras: """
        partition_router:
          type: SubstreamPartitionRouter
          parent_stream_configs:
            - type: ParentStreamConfig
              parent_key: id
              partition_field: project_id
              stream:
                type: DeclarativeStream
                name: projects
                retriever:
                  type: SimpleRetriever
                  requester:
                    type: HttpRequester
                    url_base: \(server.baseURL)
                    path: /projects
                  record_selector:
                    type: RecordSelector
                    extractor:
                      type: DpathExtractor
                      field_path: [data]
        """, streamExtras: """
        incremental_sync:
          type: DatetimeBasedCursor
          cursor_field: updated
          datetime_format: "%Y-%m-%d"
          start_datetime: "2024-01-01"
          end_datetime: "2024-01-02"
          start_time_option:
            type: RequestOption
            inject_into: request_parameter
            field_name: since
        """)
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["tasks"], incremental: true)
        #expect(output.error == nil)
        // The parent record with a null key makes no partition.
        #expect(output.records.compactMap { $0["project"]?.intValue } == [7, 9])
        let state = try #require(output.states.last?.objectValue)
        #expect(state["use_global_cursor"] == false)
        #expect(state["state"] == ["updated": "2024-01-01"])
        #expect(state["parent_state"] == .object([:]))
        let partitions = state["states"]?.arrayValue?.compactMap { $0["partition"]?["project_id"]?.intValue }
        #expect(partitions == [7, 9])
    }

    @Test func listPartitionsAreInjectedAsRequestOptions() async throws {
        let server = try await LoopbackServer { request in .json("{\"data\": [{\"id\": 1, \"region\": \"\(request.query["region"] ?? "")\"}]}") }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("sales", path: "/sales", retrieverExtras: """
        partition_router:
          type: ListPartitionRouter
          cursor_field: region
          values: "{{ config['regions'] }}"
          request_option:
            type: RequestOption
            inject_into: request_parameter
            field_name: region
        """)
        let output = await (try ManifestRun(manifest.yaml)).read(config: ["regions": ["eu", "us"]], streams: ["sales"])
        #expect(output.records.compactMap { $0["region"]?.stringValue } == ["eu", "us"])
    }

    @Test func checkReadsTheFirstRecordAndReportsAFailingStream() async throws {
        let server = try await LoopbackServer { request in
            request.path == "/broken" ? .json(#"{"message": "nope"}"#, status: 404) : .json(#"{"data": [{"id": 1}, {"id": 2}]}"#)
        }
        defer { Task { await server.shutdown() } }
        var working = TestManifest(baseURL: server.baseURL)
        working.stream("items", path: "/items")
        let good = await (try ManifestRun(working.yaml)).check()
        #expect(good.error == nil)
        #expect(good.messages.contains { if case .connectionStatus(let status) = $0.content { return status.status == .succeeded } else { return false } })
        #expect(server.requests.count == 1)

        var broken = TestManifest(baseURL: server.baseURL)
        broken.stream("broken", path: "/broken")
        let bad = await (try ManifestRun(broken.yaml)).check()
        let status = bad.messages.compactMap { if case .connectionStatus(let status) = $0.content { return status } else { return nil } }.first
        #expect(status?.status == .failed)
        #expect(status?.message?.hasPrefix("Stream broken is not available:") == true)
    }

    @Test func anInvalidConfigFailsCheckWithTheCDKsMessage() async throws {
        var manifest = TestManifest(baseURL: "http://127.0.0.1:9")
        manifest.spec += "\n      page_size:\n        type: integer"
        manifest.stream("items", path: "/items")
        let output = await (try ManifestRun(manifest.yaml)).check(config: ["page_size": "ten"])
        let status = output.messages.compactMap { if case .connectionStatus(let status) = $0.content { return status } else { return nil } }.first
        #expect(status?.status == .failed)
        #expect(status?.message == "Config validation error: 'ten' is not of type 'integer'")
        let read = await (try ManifestRun(manifest.yaml)).read(config: ["page_size": "ten"], streams: ["items"])
        #expect((read.error as? ConnectorError)?.failureType == .configError)
    }

    @Test func discoverDescribesStreamsLikeTheCDK() async throws {
        var manifest = TestManifest(baseURL: "http://127.0.0.1:9")
        manifest.stream("items", path: "/items")
        manifest.stream("events", path: "/events", streamExtras: cursor)
        let output = await (try ManifestRun(manifest.yaml)).discover()
        let catalog = try #require(output.messages.compactMap { if case .catalog(let catalog) = $0.content { return catalog } else { return nil } }.first)
        #expect(catalog.streams.map(\.name) == ["items", "events"])
        #expect(catalog.streams[0].supportedSyncModes == [.fullRefresh])
        #expect(catalog.streams[0].isResumable == false)
        #expect(catalog.streams[0].sourceDefinedPrimaryKey == [["id"]])
        #expect(catalog.streams[1].supportedSyncModes == [.fullRefresh, .incremental])
        #expect(catalog.streams[1].defaultCursorField == ["updated"])
        #expect(catalog.streams[1].sourceDefinedCursor == true)
        #expect(catalog.streams[0].jsonSchema["properties"]?["id"] == ["type": "integer"])
    }

    @Test func jsonFileSchemasResolveSharedReferences() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-schema-\(UUID().uuidString)")
        let schemas = folder.appendingPathComponent("source_test/schemas")
        try FileManager.default.createDirectory(at: schemas.appendingPathComponent("shared"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"type": "object", "properties": {"id": {"type": "integer"}, "owner": {"$ref": "user.json"}}}"#
            .write(to: schemas.appendingPathComponent("items.json"), atomically: true, encoding: .utf8)
        try #"{"type": "object", "properties": {"login": {"type": "string"}}, "definitions": {"x": {}}}"#
            .write(to: schemas.appendingPathComponent("shared/user.json"), atomically: true, encoding: .utf8)
        var manifest = TestManifest(baseURL: "http://127.0.0.1:9")
        manifest.stream("items", path: "/items")
        let yaml = manifest.yaml.replacingOccurrences(of: """
                  type: InlineSchemaLoader
                  schema:
                    type: object
                    properties:
                      id: {type: integer}
            """, with: """
                  type: JsonFileSchemaLoader
                  file_path: "./source_test/schemas/{{ parameters['name'] }}.json"
            """).replacingOccurrences(of: "    name: items\n", with: "    name: items\n    $parameters:\n      name: items\n")
        let run = try ManifestRun(yaml, directory: folder.path)
        let output = await run.discover()
        let catalog = try #require(output.messages.compactMap { if case .catalog(let catalog) = $0.content { return catalog } else { return nil } }.first)
        #expect(catalog.streams.first?.jsonSchema["properties"]?["owner"] == ["type": "object", "properties": ["login": ["type": "string"]]])
    }
}

@Suite("Per-partition state limits")
struct PartitionStateLimitTests {
    /// Past 10,000 partitions the state keeps only the global cursor, as the CDK's, so it does not
    /// grow with the number of partitions.
    @Test func moreThanTenThousandPartitionsSwitchToTheGlobalCursor() async throws {
        let server = try await LoopbackServer { request in
            .json("{\"data\": [{\"id\": \"\(request.query["id"] ?? "")\", \"updated\": \"2024-01-0\(request.query["id"] == "7" ? "5" : "3")\"}]}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", retrieverExtras: """
        partition_router:
          type: ListPartitionRouter
          values: "{{ config['ids'] }}"
          cursor_field: id
          request_option:
            type: RequestOption
            inject_into: request_parameter
            field_name: id
        """, streamExtras: """
        incremental_sync:
          type: DatetimeBasedCursor
          cursor_field: updated
          datetime_format: "%Y-%m-%d"
          start_datetime: "2024-01-01"
          end_datetime: "2024-01-08"
        """)
        let ids = (0...10_001).map { JSONValue.string(String($0)) }
        let output = await (try ManifestRun(manifest.yaml)).read(config: ["ids": .array(ids)], streams: ["items"], incremental: true)
        #expect(output.error == nil)
        #expect(output.records.count == 10_002)
        let state = try #require(output.states.last?.objectValue)
        #expect(state["use_global_cursor"] == true)
        #expect(state["states"] == nil)
        #expect(state["state"] == ["updated": "2024-01-05"])
        #expect(output.logs.contains { $0.contains("Switching to global cursor for items") })
        // Before the limit, checkpoints still list the partitions.
        #expect(output.states.first?["states"]?.arrayValue?.isEmpty == false)
    }
}

@Suite("Concurrent partition reads")
struct ConcurrentPartitionTests {
    /// While `blocks` is set, partition `a`'s first page is answered only once partition `b` has been
    /// asked for (or after 5 s): a read that takes one partition at a time never asks for `b` then.
    @Test func partitionsAreReadAtOnceAndTheirResultsAppliedInOrder() async throws {
        let blocks = NIOLockedValueBox(false)
        let bAsked = DispatchSemaphore(value: 0)
        let waitedForB = NIOLockedValueBox<Bool?>(nil)
        let server = try await LoopbackServer(threads: 4) { request in
            let section = request.query["section"] ?? ""
            let page = Int(request.query["page"] ?? "1") ?? 1
            if blocks.withLockedValue({ $0 }), page == 1 {
                if section == "b" { bAsked.signal() }
                if section == "a" { waitedForB.withLockedValue { $0 = bAsked.wait(timeout: .now() + 5) == .success } }
            }
            let records = page <= 2 ? "[{\"id\": \"\(section)\(page)\", \"updated\": \"2024-01-0\(page + (section == "c" ? 2 : 0))\"}]" : "[]"
            return .json("{\"data\": \(records)}")
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("events", path: "/events", retrieverExtras: TestManifest.paginator(token: "page", strategy: """
        type: PageIncrement
        page_size: 1
        start_from_page: 1
        """) + """

        partition_router:
          type: ListPartitionRouter
          values: [a, b, c, d, e]
          cursor_field: section
          request_option:
            type: RequestOption
            inject_into: request_parameter
            field_name: section
        """, streamExtras: """
        incremental_sync:
          type: DatetimeBasedCursor
          cursor_field: updated
          datetime_format: "%Y-%m-%d"
          start_datetime: "2024-01-01"
          end_datetime: "2024-01-10"
        """)
        let sequential = await (try ManifestRun(manifest.yaml)).read(streams: ["events"], incremental: true)
        blocks.withLockedValue { $0 = true }
        let concurrent = await (try ManifestRun(manifest.yaml + """

        concurrency_level:
          type: ConcurrencyLevel
          default_concurrency: "{{ config.get('workers', 3) }}"
          max_concurrency: 4
        """)).read(streams: ["events"], incremental: true)
        #expect(sequential.error == nil && concurrent.error == nil)
        #expect(waitedForB.withLockedValue { $0 } == true)
        // The same records in the same order, and the same state, as one partition at a time.
        #expect(concurrent.records.map { $0["id"] } == sequential.records.map { $0["id"] })
        #expect(concurrent.records.count == 10)
        for member in ["states", "state", "use_global_cursor"] {
            #expect(concurrent.states.last?[member] == sequential.states.last?[member])
        }
        #expect(concurrent.states.last?["state"] == ["updated": "2024-01-04"])
    }
}
