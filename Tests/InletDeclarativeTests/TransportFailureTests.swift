import Foundation
import InletDeclarative
import InletHTTP
import InletJSON
import InletProtocol
import InletTestSupport
import NIOConcurrencyHelpers
import Testing

/// What the HTTP session and the engine do when no response comes, and the requests' headers.
@Suite("Transport failures")
struct TransportFailureTests {
    /// A refused connection ends the request at once with the refusal, rather than being tried
    /// again until the connect timeout: with a ten-minute connect timeout, a session that retried
    /// would run into the test's time limit.
    @Test(.timeLimit(.minutes(2)))
    func aRefusedConnectionFailsAtOnceNamingHostAndPort() async throws {
        let session = HTTPSession(timeouts: .init(connect: .seconds(600), read: .seconds(30)))
        // A port bound and never listened on refuses connections.
        let closed = ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        var failure: HTTPTransportError?
        do { _ = try await session.send(HTTPRequest(url: "http://127.0.0.1:\(port)/items")) } catch { failure = error }
        await session.shutdown()
        #expect(failure?.kind == .connectionRefused, "\(String(describing: failure))")
        #expect(failure?.detail.contains("connection refused by 127.0.0.1:\(port)") == true, "\(String(describing: failure))")
    }

    /// A session its owner dropped without `shutdown` (it threw first) closes its client as it
    /// goes: the client's debug build would stop the whole test process otherwise.
    @Test func aSessionDroppedWithoutShutdownClosesItsClient() async throws {
        let closed = ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        do {
            let session = HTTPSession()
            _ = try? await session.send(HTTPRequest(url: "http://127.0.0.1:\(closed.port)/items"))
        }
        // The client's shutdown finishes in the background; this process is still here after it.
        try await Task.sleep(for: .seconds(1))
    }

    @Test func aHostThatNeverAnswersTimesOut() async throws {
        let unanswered = try UnansweredPort()
        defer { withExtendedLifetime(unanswered) {} }
        let session = HTTPSession(timeouts: .init(connect: .seconds(1), read: .seconds(5)))
        var failure: HTTPTransportError?
        do { _ = try await session.send(HTTPRequest(url: "http://127.0.0.1:\(unanswered.port)/items")) } catch { failure = error }
        await session.shutdown()
        #expect(failure?.kind == .timedOut, "\(String(describing: failure))")
        #expect(failure?.detail.contains("timed out") == true, "\(String(describing: failure))")
    }

    private static let twoStreams = """
        version: 6.0.0
        type: DeclarativeSource
        check: {type: CheckStream, stream_names: [good]}
        streams:
          - type: DeclarativeStream
            name: bad
            primary_key: id
            schema_loader: {type: InlineSchemaLoader, schema: {type: object, properties: {id: {type: integer}}}}
            retriever:
              type: SimpleRetriever
              requester: {type: HttpRequester, url_base: "{{ config['empty_base'] }}", path: items}
              record_selector: {type: RecordSelector, extractor: {type: DpathExtractor, field_path: [data]}}
          - type: DeclarativeStream
            name: good
            primary_key: id
            schema_loader: {type: InlineSchemaLoader, schema: {type: object, properties: {id: {type: integer}}}}
            retriever:
              type: SimpleRetriever
              requester:
                type: HttpRequester
                url_base: "BASE"
                path: items
                authenticator:
                  type: OAuthAuthenticator
                  token_refresh_endpoint: "BASE/token"
                  client_id: "{{ config['client_id'] }}"
                  client_secret: "{{ config['client_secret'] }}"
                  refresh_token: "{{ config['refresh_token'] }}"
              record_selector: {type: RecordSelector, extractor: {type: DpathExtractor, field_path: [data]}}
        spec: {type: Spec, connection_specification: {type: object, properties: {}}}
        """

    private static func serve() async throws -> LoopbackServer {
        try await LoopbackServer { request in
            request.path.hasSuffix("/token") ? .json(#"{"access_token": "tok", "expires_in": 3600}"#) : .json(#"{"data": [{"id": 1}]}"#)
        }
    }

    /// As the CDK (checked by hand with airbyte-cdk 7.39.1): a URL without a scheme fails its stream
    /// at once, with requests' message and no retries; the other streams still run; the failed
    /// full-refresh stream still ends with the no-cursor state.
    @Test func aURLWithoutASchemeFailsItsStreamAtOnceAndTheOthersRun() async throws {
        let server = try await Self.serve()
        defer { Task { await server.shutdown() } }
        let run = try ManifestRun(Self.twoStreams.replacingOccurrences(of: "BASE", with: server.baseURL))
        let output = await run.read(config: ["empty_base": "", "client_id": "cid", "client_secret": "s", "refresh_token": "rt"],
                                    streams: ["bad", "good"])
        #expect(output.statuses.contains("bad:INCOMPLETE") && output.statuses.contains("good:COMPLETE"), "\(output.statuses)")
        #expect(output.errors.contains { $0.message.contains("Invalid URL '/items': No scheme supplied") }, "\(output.errors.map(\.message))")
        #expect(run.sleeps.withLockedValue { $0 }.isEmpty, "a URL without a scheme was retried")
        #expect(output.records(of: "good").count == 1)
        #expect(output.states.contains(["__ab_no_cursor_state_message": true]))
    }

    @Test func anEmptyClientIDFailsTheTokenRefreshBeforeSendingIt() async throws {
        let server = try await Self.serve()
        defer { Task { await server.shutdown() } }
        let run = try ManifestRun(Self.twoStreams.replacingOccurrences(of: "BASE", with: server.baseURL))
        let output = await run.check(config: ["empty_base": "", "client_id": "", "client_secret": "s", "refresh_token": "rt"])
        let status = output.messages.compactMap { if case .connectionStatus(let status) = $0.content { return status } else { return nil } }.first
        #expect(status?.status == .failed)
        #expect(status?.message?.contains("OAuth access token refresh request failed") == true, "\(String(describing: status?.message))")
        #expect(server.requests.isEmpty, "\(server.requests.map(\.path))")
        let read = await run.read(config: ["empty_base": "", "client_id": "", "client_secret": "s", "refresh_token": "rt"], streams: ["good"])
        #expect(read.errors.contains { ($0.internalMessage ?? "").contains("unable to evaluate client_id parameter") }, "\(read.errors)")
    }

    @Test func anEmptyClientSecretIsSentEmptyWithAWarningAndRequestsCarryTheCDKsHeaders() async throws {
        let server = try await Self.serve()
        defer { Task { await server.shutdown() } }
        let run = try ManifestRun(Self.twoStreams.replacingOccurrences(of: "BASE", with: server.baseURL))
        let output = await run.read(config: ["empty_base": "", "client_id": "cid", "client_secret": "", "refresh_token": "rt"], streams: ["good"])
        #expect(output.records(of: "good").count == 1)
        #expect(output.logs.contains { $0.contains("unable to evaluate client_secret parameter") })
        let token = server.requests.first { $0.path.hasSuffix("/token") }
        #expect(token?.body == "grant_type=refresh_token&client_id=cid&client_secret=&refresh_token=rt")
        for request in server.requests {
            #expect(request.header("Accept") == "*/*", "\(request.path)")
            #expect(request.header("User-Agent")?.isEmpty == false, "\(request.path)")
            #expect(request.header("Accept-Encoding") == "gzip, deflate", "\(request.path)")
        }
    }
}
