import Foundation
import InletJSON
import Testing

/// `--connector NAME`: a manifest of `manifests/`, a definition of `connectors/`, or a PyPI package
/// (manifest-only wheels natively, Python connectors in a cached virtualenv).
@Suite("Connectors by name", .serialized)
struct ConnectorByNameTests {
    func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) async throws -> ExecutableTests.Outcome {
        try await ExecutableTests.run(arguments, environment: environment, directory: directory)
    }

    @Test func aManifestOfTheRepositoryRunsNativelyFromAnyDirectory() async throws {
        let outcome = try await run(["spec", "--connector", "demo-items"], directory: "/")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix(#"{"type":"SPEC","spec":{"connectionSpecification":{"type":"object","properties":{"api_url""#))
    }

    @Test func aDefinitionOfConnectorsRunsItsCommand() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("connectors/echo"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try Data("""
            import json, sys
            print(json.dumps({"type": "SPEC", "spec": {"connectionSpecification": {"title": "echo " + sys.argv[1]}}}))
            """.utf8).write(to: home.appendingPathComponent("connectors/echo/source.py"))
        try Data("name: source-echo\nkind: process\ncommand: [python3, echo/source.py]\n".utf8)
            .write(to: home.appendingPathComponent("connectors/source-echo.yaml"))
        let outcome = try await run(["spec", "--connector", "source-echo"], environment: ["INLET_HOME": home.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains(#""title":"echo spec""#), "\(outcome.stdout)")
        try Data("name: source-echo\nkind: native\nlibrary: missing.so\n".utf8).write(to: home.appendingPathComponent("connectors/source-echo.yaml"))
        let native = try await run(["spec", "--connector", "source-echo"], environment: ["INLET_HOME": home.path])
        #expect(native.status == 1 && native.stderr.contains("missing.so cannot be loaded"), "\(native.stderr)")
    }

    @Test func theExamplePluginIsBuiltByItsInstallRecipeAndRead() async throws {
        // A copy of the repository's connectors/, so that the build happens in a scratch folder.
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(at: repository.appendingPathComponent("connectors"), to: home.appendingPathComponent("connectors"))
        try? FileManager.default.removeItem(at: home.appendingPathComponent("connectors/example-plugin/libexample_plugin.so"))
        let config = home.appendingPathComponent("config.json")
        let catalog = home.appendingPathComponent("catalog.json")
        try Data(#"{"count": 4}"#.utf8).write(to: config)
        try Data(#"{"streams": []}"#.utf8).write(to: catalog)
        let outcome = try await run(["read", "--connector", "example-plugin", "--config", config.path, "--catalog", catalog.path],
                              environment: ["INLET_HOME": home.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.split(separator: "\n").filter { $0.hasPrefix(#"{"type":"RECORD""#) }.count == 4, "\(outcome.stdout)")
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("connectors/example-plugin/libexample_plugin.so").path))
    }

    @Test func aBadConnectorNameIsRefused() async throws {
        let outcome = try await run(["spec", "--connector", "../etc/passwd"])
        #expect(outcome.status == 1 && outcome.stderr.contains("a connector name is letters, digits, - and _"))
    }

    /// PyPI: a manifest-only wheel (source-coda) runs natively: no virtualenv is made for it.
    @Test func aManifestOnlyPackageFromPyPIRunsNatively() async throws {
        let cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/inlet-tests")
        let outcome = try await run(["spec", "--connector", "source-coda@1.2.13"], environment: ["XDG_CACHE_HOME": cache.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains(#""required":["auth_token"]"#))
        let venvs = (try? FileManager.default.contentsOfDirectory(atPath: cache.path + "/inlet/connectors/venvs")) ?? []
        #expect(!venvs.contains { $0.contains("coda") })
    }

    /// PyPI: source-faker is Python: it gets a virtualenv (once) and runs as a process.
    @Test func sourceFakerFromPyPIReadsRecords() async throws {
        let cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/inlet-tests")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-faker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"count": 7, "seed": 3}"#.utf8).write(to: directory.appendingPathComponent("config.json"))
        try Data(#"{"streams": [{"stream": {"name": "users", "json_schema": {}, "supported_sync_modes": ["full_refresh"]}, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}"#.utf8)
            .write(to: directory.appendingPathComponent("catalog.json"))
        let outcome = try await run(["read", "--connector", "source-faker@7.2.1", "--config", directory.appendingPathComponent("config.json").path,
                               "--catalog", directory.appendingPathComponent("catalog.json").path], environment: ["XDG_CACHE_HOME": cache.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let records = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix(#"{"type":"RECORD""#) }
        #expect(records.count == 7, "\(outcome.stdout.prefix(2000))")
        #expect(FileManager.default.fileExists(atPath: cache.path + "/inlet/connectors/venvs/airbyte-source-faker-7.2.1/.inlet-installed"))
    }
}
