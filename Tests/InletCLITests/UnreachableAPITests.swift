import Foundation
import InletTestSupport
import Testing

/// `inlet check` against an API that cannot be reached: each failed connection is one failed
/// attempt at once, so the check fails within the CDK's backoff (1+2+4+8+16 s) rather than after
/// five 30 s connect timeouts, and the message names the cause.
@Suite("Unreachable APIs")
struct UnreachableAPITests {
    private static func manifest(urlBase: String) -> String {
        """
        version: 6.0.0
        type: DeclarativeSource
        check: {type: CheckStream, stream_names: [items]}
        streams:
          - type: DeclarativeStream
            name: items
            primary_key: id
            schema_loader: {type: InlineSchemaLoader, schema: {type: object, properties: {id: {type: integer}}}}
            retriever:
              type: SimpleRetriever
              requester: {type: HttpRequester, url_base: "\(urlBase)", path: items}
              record_selector: {type: RecordSelector, extractor: {type: DpathExtractor, field_path: [data]}}
        spec: {type: Spec, connection_specification: {type: object, properties: {}}}
        """
    }

    /// Runs `inlet check` on its own thread; returns its output and how long it took.
    private static func check(urlBase: String) async throws -> (output: String, seconds: Double) {
        try await onOwnThread {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-unreachable-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = directory.appendingPathComponent("manifest.yaml").path
            let config = directory.appendingPathComponent("config.json").path
            try Self.manifest(urlBase: urlBase).write(toFile: manifest, atomically: true, encoding: .utf8)
            try "{}".write(toFile: config, atomically: true, encoding: .utf8)
            let started = Date()
            let finished = try FinishedProcess.run(ExecutableTests.executable.path, ["check", "--manifest-path", manifest, "--config", config])
            return (finished.output, Date().timeIntervalSince(started))
        }
    }

    @Test func aRefusedPortFailsTheCheckWithinTheBackoffAndSaysSo() async throws {
        let closed = ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let (output, seconds) = try await Self.check(urlBase: "http://127.0.0.1:\(closed.port)")
        #expect(output.contains(#""status":"FAILED""#), "\(output)")
        #expect(output.contains("connection refused by 127.0.0.1:\(closed.port)"), "\(output)")
        // The CDK's words stay, the cause follows them.
        #expect(output.contains("Exception: requests.exceptions.RequestException. Cause:"), "\(output)")
        // The old bound was 211 s (five 30 s connect timeouts plus the backoff); the backoff alone is 31 s.
        #expect(seconds < 60, "took \(seconds) s")
    }

    @Test func anUnknownHostFailsTheCheckWithinTheBackoffAndSaysSo() async throws {
        let (output, seconds) = try await Self.check(urlBase: "https://no-such-host.invalid")
        #expect(output.contains(#""status":"FAILED""#), "\(output)")
        #expect(output.contains("host no-such-host.invalid not found"), "\(output)")
        #expect(seconds < 60, "took \(seconds) s")
    }
}
