import Foundation
import InletTestSupport
import Testing

/// `inlet check` against an API that cannot be reached: the check fails after the manifest's
/// retries, and the message and every retry's LOG line name the cause. (That a refused connection
/// is one failed attempt at once, rather than a connect timeout, is `TransportFailureTests`'.)
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

    /// Runs `inlet check` to its end; returns its output.
    private static func check(urlBase: String) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-unreachable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.yaml").path
        let config = directory.appendingPathComponent("config.json").path
        try Self.manifest(urlBase: urlBase).write(toFile: manifest, atomically: true, encoding: .utf8)
        try "{}".write(toFile: config, atomically: true, encoding: .utf8)
        return try await FinishedProcess.run(ExecutableTests.executable.path, ["check", "--manifest-path", manifest, "--config", config]).output
    }

    /// The retry LOG lines that name `cause`.
    private static func retries(in output: String, naming cause: String) -> Int {
        output.split(separator: "\n").filter { $0.contains(#""type":"LOG""#) && $0.contains("Retrying") && $0.contains(cause) }.count
    }

    @Test func aRefusedPortFailsTheCheckAfterItsRetriesAndSaysWhy() async throws {
        let closed = ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let output = try await Self.check(urlBase: "http://127.0.0.1:\(closed.port)")
        #expect(output.contains(#""status":"FAILED""#), "\(output)")
        #expect(output.contains("connection refused by 127.0.0.1:\(closed.port)"), "\(output)")
        // The CDK's words stay, the cause follows them.
        #expect(output.contains("Exception: requests.exceptions.RequestException. Cause:"), "\(output)")
        #expect(Self.retries(in: output, naming: "connection refused by 127.0.0.1:\(closed.port)") == 5, "\(output)")
    }

    @Test func anUnknownHostFailsTheCheckAfterItsRetriesAndSaysWhy() async throws {
        let output = try await Self.check(urlBase: "https://no-such-host.invalid")
        #expect(output.contains(#""status":"FAILED""#), "\(output)")
        #expect(output.contains("host no-such-host.invalid not found"), "\(output)")
        #expect(Self.retries(in: output, naming: "host no-such-host.invalid not found") == 5, "\(output)")
    }
}
