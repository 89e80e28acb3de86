import Foundation
import InletDeclarative
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers
import Testing

@Suite("Authentication over loopback HTTP")
struct LoopbackAuthTests {
    /// A token endpoint that issues `token-N` for the N-th refresh, expiring at once, and rotates the
    /// refresh token (`r0` → `r1` → …), refusing any refresh token other than the latest.
    static func oauthServer() async throws -> LoopbackServer {
        let issued = NIOLockedValueBox(0)
        return try await LoopbackServer { request in
            if request.path == "/oauth/token" {
                return issued.withLockedValue { count -> LoopbackServer.Response in
                    let form = request.form
                    guard form["refresh_token"] == "r\(count)", form["grant_type"] == "refresh_token", form["client_id"] == "cid" else {
                        return .json(#"{"error": "invalid_grant"}"#, status: 400)
                    }
                    count += 1
                    return .json("{\"access_token\": \"token-\(count)\", \"expires_in\": 0, \"refresh_token\": \"r\(count)\"}")
                }
            }
            let page = Int(request.query["page"] ?? "1") ?? 1
            let next = page < 3 ? "\(page + 1)" : "null"
            return .json("{\"data\": [{\"id\": \(page)}], \"next\": \(next), \"auth\": \"\(request.header("Authorization") ?? "")\"}")
        }
    }

    static func oauthManifest(_ server: LoopbackServer, updater: Bool) -> String {
        var manifest = TestManifest(baseURL: server.baseURL)
        let authenticator = """
        authenticator:
          type: OAuthAuthenticator
          token_refresh_endpoint: \(server.baseURL)/oauth/token
          client_id: "{{ config['credentials']['client_id'] }}"
          client_secret: "{{ config['credentials']['client_secret'] }}"
          refresh_token: "{{ config['credentials']['refresh_token'] }}"
        """ + (updater ? "\n  refresh_token_updater:\n    refresh_token_name: refresh_token" : "")
        let paginator = TestManifest.paginator(token: "page", strategy: """
        type: CursorPagination
        cursor_value: "{{ response.next }}"
        """)
        manifest.stream("first", path: "/first", requesterExtras: authenticator, retrieverExtras: paginator)
        manifest.stream("second", path: "/second", requesterExtras: authenticator, retrieverExtras: paginator)
        return manifest.yaml
    }

    static let oauthConfig: JSONObject = ["credentials": ["client_id": "cid", "client_secret": "secret-xyz", "refresh_token": "r0"]]

    @Test func anExpiredTokenIsRefreshedBeforeTheNextRequest() async throws {
        let server = try await Self.oauthServer()
        defer { Task { await server.shutdown() } }
        let run = try ManifestRun(Self.oauthManifest(server, updater: true))
        let output = await run.read(config: Self.oauthConfig, streams: ["first"])
        #expect(output.error == nil)
        let apiRequests = server.requests.filter { $0.path == "/first" }
        #expect(apiRequests.count == 3)
        // Each page found the previous token expired and used a fresh one.
        #expect(apiRequests.map { $0.header("Authorization") } == ["Bearer token-1", "Bearer token-2", "Bearer token-3"])
    }

    @Test func aRotatedRefreshTokenIsUsedNextAndReportedInAControlMessage() async throws {
        let server = try await Self.oauthServer()
        defer { Task { await server.shutdown() } }
        let run = try ManifestRun(Self.oauthManifest(server, updater: true))
        // Two streams, read at once, share one authenticator: each refresh uses the token the last
        // one rotated (the server refuses any other), and requests that find the token expired while
        // a refresh is under way wait for it instead of spending the same refresh token twice.
        let output = await run.read(config: Self.oauthConfig, streams: ["first", "second"])
        #expect(output.error == nil)
        #expect(output.records.count == 6)
        let refreshes = server.requests.filter { $0.path == "/oauth/token" }.count
        #expect((1...6).contains(refreshes), "\(refreshes) refreshes for 6 requests")
        let last = try #require(output.controls.last?.connectorConfig)
        #expect(last["credentials"]?["refresh_token"] == .string("r\(refreshes)"))
        #expect(last["credentials"]?["access_token"] == .string("token-\(refreshes)"))
        #expect(last["credentials"]?["client_secret"] == "secret-xyz")
    }

    @Test func withoutTheUpdaterARotatedRefreshTokenIsStillKeptForTheRun() async throws {
        // The CDK would send the spent refresh token again and fail; Inlet keeps the new one in memory.
        let server = try await Self.oauthServer()
        defer { Task { await server.shutdown() } }
        let run = try ManifestRun(Self.oauthManifest(server, updater: false))
        let output = await run.read(config: Self.oauthConfig, streams: ["first"])
        #expect(output.error == nil)
        #expect(output.records.count == 3)
        #expect(output.controls.isEmpty, "without an updater there is no config to persist")
    }

    @Test func aRejectedRefreshIsAConfigErrorWithoutSecrets() async throws {
        let server = try await Self.oauthServer()
        defer { Task { await server.shutdown() } }
        let run = try ManifestRun(Self.oauthManifest(server, updater: true))
        var badConfig = Self.oauthConfig
        badConfig["credentials"] = ["client_id": "cid", "client_secret": "secret-xyz", "refresh_token": "stale"]
        let output = await run.read(config: badConfig, streams: ["first"])
        let failure = try #require(output.errors.first)
        #expect(failure.failureType == .configError)
        let text = output.messages.map { JSONWriter.string(from: $0.json) }.joined()
        #expect(!text.contains("secret-xyz"))
        #expect(server.requests.filter { $0.path == "/first" }.isEmpty)
    }

    @Test func bearerBasicAndApiKeyAuthenticatorsSetTheirHeadersAndParameters() async throws {
        let server = try await LoopbackServer { _ in .json(#"{"data": [{"id": 1}]}"#) }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("bearer", path: "/bearer", requesterExtras: """
        authenticator:
          type: BearerAuthenticator
          api_token: "{{ config['api_key'] }}"
        """)
        manifest.stream("basic", path: "/basic", requesterExtras: """
        authenticator:
          type: BasicHttpAuthenticator
          username: "{{ config['api_key'] }}"
        """)
        manifest.stream("query", path: "/query", requesterExtras: """
        authenticator:
          type: ApiKeyAuthenticator
          api_token: "{{ config['api_key'] }}"
          inject_into:
            type: RequestOption
            inject_into: request_parameter
            field_name: key
        """)
        let output = await (try ManifestRun(manifest.yaml)).read(config: ["api_key": "k1"], streams: ["bearer", "basic", "query"])
        #expect(output.error == nil)
        let byPath = Dictionary(server.requests.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byPath["/bearer"]?.header("Authorization") == "Bearer k1")
        #expect(byPath["/basic"]?.header("Authorization") == "Basic " + Data("k1:".utf8).base64EncodedString())
        #expect(byPath["/query"]?.query["key"] == "k1")
    }
}
