import Foundation
import InletJSON
import InletTestSupport
import Testing

/// The service keeps a refresh token the connector rotated (PAINPOINTS #7): the token endpoint
/// refuses any but the latest, so a second sync works only if the first one's new token was sealed
/// into the source's config; the config it shows still masks it.
@Suite("Rotated refresh tokens in the service")
struct RotatedTokenServiceTests {
    static let manifest = """
        version: 6.44.0
        type: DeclarativeSource
        check:
          type: CheckStream
          stream_names: [items]
        streams:
          - type: DeclarativeStream
            name: items
            primary_key: [id]
            schema_loader:
              type: InlineSchemaLoader
              schema: {type: object, properties: {id: {type: integer}, name: {type: string}}}
            retriever:
              type: SimpleRetriever
              requester:
                type: HttpRequester
                url_base: "{{ config['api_url'] }}"
                path: /items
                authenticator:
                  type: OAuthAuthenticator
                  token_refresh_endpoint: "{{ config['api_url'] }}/oauth/token"
                  client_id: "{{ config['credentials']['client_id'] }}"
                  client_secret: "{{ config['credentials']['client_secret'] }}"
                  refresh_token: "{{ config['credentials']['refresh_token'] }}"
                  refresh_token_updater:
                    refresh_token_name: refresh_token
                    refresh_token_config_path: [credentials, refresh_token]
              record_selector:
                type: RecordSelector
                extractor: {type: DpathExtractor, field_path: [data]}
        spec:
          type: Spec
          connection_specification:
            type: object
            properties:
              api_url: {type: string}
              credentials:
                type: object
                properties:
                  client_id: {type: string}
                  client_secret: {type: string, airbyte_secret: true}
                  refresh_token: {type: string, airbyte_secret: true}
        """

    @Test func aSecondSyncStartsWithTheRefreshTokenTheFirstOneGot() async throws {
        let api = try await onOwnThread {
            try SyncExecutableTests.DemoAPI(script: SyncExecutableTests.repository.appendingPathComponent("Tests/InletCLITests/Peers/rotating_token_api.py").path)
        }
        defer { api.stop() }
        let service = try await ServiceProcess.start()
        try FileManager.default.createDirectory(at: service.home.appendingPathComponent("manifests/rotating"), withIntermediateDirectories: true)
        try Self.manifest.write(to: service.home.appendingPathComponent("manifests/rotating/manifest.yaml"), atomically: true, encoding: .utf8)
        let source = try #require(try await service.call("POST", "/api/v1/sources", token: ServeTests.manage, body: [
            "name": "rotating", "connectorType": "rotating",
            "connectionConfig": ["api_url": .string("http://127.0.0.1:\(api.port)"),
                                 "credentials": ["client_id": "cid", "client_secret": "secret-xyz", "refresh_token": "r0"]],
        ]).json["id"]?.stringValue)
        let connection = try #require(try await service.call("POST", "/api/v1/connections", token: ServeTests.manage,
                                                             body: ["sourceId": .string(source), "name": "rotating"]).json["id"]?.stringValue)
        for round in 1...2 {
            let sync = try #require(try await service.call("POST", "/api/v1/syncs/connections/\(connection)/trigger", token: ServeTests.manage).json["id"]?.stringValue)
            let done = try await ServeTests.finished(service, sync)
            #expect(done["status"] == "SUCCEEDED" && done["recordsSynced"] == 2, "round \(round): \(done)")
        }
        let shown = try await service.call("GET", "/api/v1/sources/\(source)", token: ServeTests.manage)
        #expect(!shown.text.contains("r2") && !shown.text.contains("secret-xyz"), "\(shown.text)")
        #expect(!service.log.contains { $0.contains("\"r2\"") || $0.contains("refresh_token\":\"r") })
        await service.stop()
    }
}
