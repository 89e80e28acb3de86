import Foundation
import InletDeclarative
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

/// Several streams read at once: as many as the manifest's `concurrency_level` (2 without one),
/// each stream's messages in their own order, rate limits and budgets held across all of them.
///
/// Concurrency is shown by rendezvous, not by timing: the server holds the first page of each
/// stream until `together` requests are waiting at once, and says in each record whether they met.
@Suite("Concurrent streams")
struct ConcurrentStreamTests {
    /// What the server saw: the most requests it held at once, and when each arrived.
    final class Traffic: Sendable {
        private let state = NIOLockedValueBox((inFlight: 0, most: 0, arrivals: [(path: String, at: Double)]()))
        private let met = NIOLockedValueBox(0)
        private let condition = NSCondition()

        var most: Int { state.withLockedValue { $0.most } }
        var arrivals: [(path: String, at: Double)] { state.withLockedValue { $0.arrivals } }

        func arrive(_ path: String) {
            state.withLockedValue { state in
                state.inFlight += 1
                state.most = max(state.most, state.inFlight)
                state.arrivals.append((path, Date().timeIntervalSince1970))
            }
        }

        func leave() {
            state.withLockedValue { $0.inFlight -= 1 }
        }

        /// Waits until `count` requests have called this; false when they did not come within 20 s
        /// (the read is sequential: without the limit, the test would hang instead of failing).
        func meet(_ count: Int) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            met.withLockedValue { $0 += 1 }
            condition.broadcast()
            let deadline = Date().addingTimeInterval(20)
            while met.withLockedValue({ $0 }) < count {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }

    /// Streams `s1`…`sN`, each `pages` pages of two records `{id, page, together}` paginated by `next`.
    /// The first pages meet `together` at a time; every page is then held `hold` seconds.
    private static func server(streams: Int, pages: Int = 3, together: Int, hold: Double = 0.05,
                               answer: (@Sendable (LoopbackServer.Request) -> LoopbackServer.Response?)? = nil)
        async throws -> (LoopbackServer, Traffic) {
        let traffic = Traffic()
        let server = try await LoopbackServer(threads: streams + 2) { request in
            traffic.arrive(request.path)
            defer { traffic.leave() }
            if let special = answer?(request) { return special }
            let page = Int(request.query["page"] ?? "1") ?? 1
            let metOthers = page == 1 ? traffic.meet(together) : true
            Thread.sleep(forTimeInterval: hold)
            let stream = request.path.dropFirst()
            let records = (1...2).map { #"{"id": "\#(stream)-\#(page)-\#($0)", "page": \#(page), "together": \#(metOthers)}"# }
            let next = page < pages ? String(page + 1) : "null"
            return .json(#"{"data": [\#(records.joined(separator: ","))], "next": \#(next)}"#)
        }
        return (server, traffic)
    }

    private static func manifest(_ baseURL: String, streams: Int, concurrency: Int?, extra: String = "") -> String {
        var manifest = TestManifest(baseURL: baseURL)
        let paginator = TestManifest.paginator(token: "page", strategy: """
        type: CursorPagination
        cursor_value: "{{ response.next }}"
        stop_condition: "{{ not response.next }}"
        """)
        for index in 1...streams { manifest.stream("s\(index)", path: "/s\(index)", retrieverExtras: paginator) }
        let level = concurrency.map { "concurrency_level: {type: ConcurrencyLevel, default_concurrency: \($0), max_concurrency: \($0)}\n" } ?? ""
        return manifest.yaml.replacingOccurrences(of: "type: DeclarativeSource\n", with: "type: DeclarativeSource\n" + level) + "\n" + extra
    }

    /// Each stream's messages, in order, as text without the emission time.
    private static func perStream(_ output: ManifestRun.Output) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for message in output.messages {
            switch message.content {
            case .record(let record):
                result[record.stream, default: []].append("RECORD " + JSONWriter.string(from: .object(record.data)))
            case .state(let state):
                let name = state.stream?.streamDescriptor.name ?? "(global)"
                result[name, default: []].append("STATE " + JSONWriter.string(from: state.stream?.streamState ?? .null))
            case .trace(let trace):
                if let status = trace.streamStatus {
                    result[status.streamDescriptor.name, default: []].append("STATUS \(status.status.rawValue)")
                }
            default:
                break
            }
        }
        return result
    }

    /// Twelve streams at once need more connections than the HTTP client's default of eight.
    @Test(arguments: [4, 12])
    func streamsAreReadAtOnceAtTheManifestsLevelEachInItsOwnOrder(count: Int) async throws {
        let (server, traffic) = try await Self.server(streams: count, together: count)
        defer { Task { await server.shutdown() } }
        let streams = (1...count).map { "s\($0)" }
        let output = await (try ManifestRun(Self.manifest(server.baseURL, streams: count, concurrency: count))).read(streams: streams)
        #expect(output.error == nil)
        #expect(output.records.count == 6 * count)
        #expect(output.records.allSatisfy { $0["together"] == true }, "the streams' first pages did not all meet")
        #expect(traffic.most <= count)
        // Their messages interleave: some stream's first record comes before another's last.
        let order = output.messages.compactMap { if case .record(let record) = $0.content { return record.stream } else { return nil } }
        #expect(streams.contains { first in streams.contains { other in
            other != first && order.firstIndex(of: first)! < order.lastIndex(of: other)! && order.lastIndex(of: first)! > order.firstIndex(of: other)!
        } }, "\(order)")
        // Each stream alone: its records, statuses and state as a read of that stream by itself gives them.
        let (alone, _) = try await Self.server(streams: 1, together: 1)
        defer { Task { await alone.shutdown() } }
        let single = try ManifestRun(Self.manifest(alone.baseURL, streams: count, concurrency: count))
        let together = Self.perStream(output)
        for stream in streams {
            let expected = Self.perStream(await single.read(streams: [stream]))[stream] ?? []
            #expect(together[stream] == expected, "\(stream)")
            #expect(expected.first == "STATUS STARTED" && expected.last?.hasPrefix("STATE ") == true, "\(expected)")
        }
    }

    @Test(arguments: [2, nil] as [Int?])
    func noMoreRequestsAreInFlightThanTheLevel(concurrency: Int?) async throws {
        // Without a concurrency_level the CDK's lowest safe level, 2, applies.
        let (server, traffic) = try await Self.server(streams: 5, together: 2, hold: 0.1)
        defer { Task { await server.shutdown() } }
        let output = await (try ManifestRun(Self.manifest(server.baseURL, streams: 5, concurrency: concurrency)))
            .read(streams: ["s1", "s2", "s3", "s4", "s5"])
        #expect(output.error == nil)
        #expect(output.records.count == 30)
        // Two first pages met: the level was reached, and (above) never passed.
        #expect(output.records.filter { $0["page"] == 1 && $0["together"] == true }.count == 10)
        #expect(traffic.most <= 2, "\(traffic.most) requests at once")
    }

    @Test func aStreamThatFailsEndsIncompleteAndTheOthersComplete() async throws {
        let (server, _) = try await Self.server(streams: 4, together: 3) { request in
            request.path == "/s2" ? .json(#"{"message": "forbidden"}"#, status: 403) : nil
        }
        defer { Task { await server.shutdown() } }
        let output = await (try ManifestRun(Self.manifest(server.baseURL, streams: 4, concurrency: 4))).read(streams: ["s1", "s2", "s3", "s4"])
        #expect(output.records.count == 18)
        #expect(output.records.allSatisfy { $0["together"] == true })
        for stream in ["s1", "s3", "s4"] { #expect(output.statuses.contains("\(stream):COMPLETE"), "\(output.statuses)") }
        #expect(output.statuses.contains("s2:INCOMPLETE") && !output.statuses.contains("s2:COMPLETE"), "\(output.statuses)")
        let error = try #require(output.error as? ConnectorError)
        #expect(error.message.contains("s2: AirbyteTracedException") && !error.message.contains("s1:"), "\(error.message)")
    }

    @Test func anAPIBudgetHoldsAcrossStreamsReadAtOnce() async throws {
        let (server, traffic) = try await Self.server(streams: 4, together: 1, hold: 0)
        defer { Task { await server.shutdown() } }
        let budget = """
        api_budget:
          type: HTTPAPIBudget
          policies:
            - type: MovingWindowCallRatePolicy
              rates:
                - {type: Rate, limit: 3, interval: PT1S}
              matchers: []
        """
        let output = await (try ManifestRun(Self.manifest(server.baseURL, streams: 4, concurrency: 4, extra: budget)))
            .read(streams: ["s1", "s2", "s3", "s4"])
        #expect(output.error == nil)
        #expect(output.records.count == 24)
        let times = traffic.arrivals.map(\.at).sorted()
        #expect(times.count == 12)
        // No four requests of all the streams together within one second (less the transit's jitter);
        // without the shared budget the four streams would send twelve in a few milliseconds.
        for index in times.indices.dropLast(3) {
            #expect(times[index + 3] - times[index] >= 0.9, "requests \(index) and \(index + 3) came \(times[index + 3] - times[index]) s apart")
        }
    }

    @Test func aRateLimitedStreamHoldsTheOthersBackWhileItWaits() async throws {
        let rateLimited = NIOLockedValueBox(false)
        let (server, traffic) = try await Self.server(streams: 3, pages: 4, together: 1, hold: 0.2) { request in
            // s1's first request is told to wait; the others are then each in the middle of a page.
            guard request.path == "/s1", rateLimited.withLockedValue({ state in defer { state = true }; return !state }) else { return nil }
            Thread.sleep(forTimeInterval: 0.05)
            return .json(#"{"message": "slow down"}"#, status: 429, headers: [("Retry-After", "1")])
        }
        defer { Task { await server.shutdown() } }
        let manifest = try Manifest.load(yaml: Self.manifest(server.baseURL, streams: 3, concurrency: 3), file: "test.yaml",
                                         baseDirectory: FileManager.default.temporaryDirectory.path)
        let pauses = NIOLockedValueBox<[(from: Double, to: Double)]>([])
        let connector = DeclarativeConnector(manifest: manifest, options: .init(sleep: { seconds in
            let from = Date().timeIntervalSince1970
            try await Task.sleep(for: .seconds(seconds))
            pauses.withLockedValue { $0.append((from, Date().timeIntervalSince1970)) }
        }))
        let catalog = ConfiguredAirbyteCatalog(streams: ["s1", "s2", "s3"].map { name in
            ConfiguredAirbyteStream(stream: AirbyteStream(name: name, jsonSchema: [:], supportedSyncModes: [.fullRefresh]),
                                    syncMode: .fullRefresh, destinationSyncMode: .overwrite)
        })
        let output = await ManifestRun.collect(connector.read(config: [:], catalog: catalog, state: []))
        #expect(output.error == nil)
        #expect(output.records.count == 24)
        let pause = try #require(pauses.withLockedValue { $0 }.first)
        #expect(pause.to - pause.from >= 1)
        // The other streams' pages in flight when s1 was told to wait end 0.2 s later; their next
        // requests wait for the end of s1's wait.
        let during = traffic.arrivals.filter { $0.at > pause.from && $0.at < pause.to - 0.01 }
        #expect(during.isEmpty, "requests during the wait: \(during.map(\.path))")
        #expect(output.traces.contains { $0.streamStatus?.reasons?.first?.type == .rateLimited })
    }

    @Test func aConsumerThatStopsReadingHoldsBackEveryStream() async throws {
        let pages = 40
        let traffic = Traffic()
        let server = try await LoopbackServer(threads: 4) { request in
            traffic.arrive(request.path)
            defer { traffic.leave() }
            let page = Int(request.query["page"] ?? "1") ?? 1
            let records = (1...500).map { #"{"id": \#(page * 1000 + $0), "page": \#(page)}"# }
            return .json(#"{"data": [\#(records.joined(separator: ","))], "next": \#(page < pages ? String(page + 1) : "null")}"#)
        }
        defer { Task { await server.shutdown() } }
        let run = try ManifestRun(Self.manifest(server.baseURL, streams: 4, concurrency: 4))
        let catalog = ConfiguredAirbyteCatalog(streams: (1...4).map { index in
            ConfiguredAirbyteStream(stream: AirbyteStream(name: "s\(index)", jsonSchema: [:], supportedSyncModes: [.fullRefresh]),
                                    syncMode: .fullRefresh, destinationSyncMode: .overwrite)
        })
        var iterator = run.connector.read(config: [:], catalog: catalog, state: []).makeAsyncIterator()
        let first = try await iterator.next()
        // The consumer stops: the readers fill the buffer (1,024 messages, two pages of 500) and stop
        // too. Wait until no request came for half a second.
        var seen = traffic.arrivals.count
        for _ in 0..<40 {
            try await Task.sleep(for: .milliseconds(500))
            let now = traffic.arrivals.count
            if now == seen { break }
            seen = now
        }
        // Each of the four streams at most a few pages ahead of the consumer, not its 40 pages.
        #expect(seen <= 4 * 4, "\(seen) of \(4 * pages) pages requested while the consumer waited")
        var records = first.map { if case .record = $0.content { 1 } else { 0 } } ?? 0
        while let message = try await iterator.next() {
            if case .record = message.content { records += 1 }
        }
        #expect(records == 4 * pages * 500)
    }
}
