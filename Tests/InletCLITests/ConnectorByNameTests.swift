import Foundation
import InletJSON
import InletTestSupport
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

    static var testCache: String {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/inlet-tests").path
    }

    /// source-stripe's manifest names its schemas `./source_stripe/schemas/NAME.json`, which the CDK
    /// reads from the Python package: they are found from any working directory.
    @Test func sourceStripeFromPyPIFindsItsSchemasFromAnyDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-stripe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.json")
        try Data(#"{"client_secret": "sk_test_x", "account_id": "acct_1", "start_date": "2024-01-01T00:00:00Z"}"#.utf8).write(to: config)
        let outcome = try await run(["discover", "--connector", "source-stripe@5.14.1", "--config", config.path],
                                    environment: ["XDG_CACHE_HOME": Self.testCache], directory: "/")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let catalog = try JSONParser.parse(Array(outcome.stdout.utf8))
        let streams = catalog["catalog"]?["streams"]?.arrayValue ?? []
        let events = streams.first { $0["name"]?.stringValue == "events" }
        #expect(streams.count > 20 && events?["json_schema"]?["properties"]?["created"] != nil, "\(outcome.stdout.prefix(500))")
    }

    /// source-jira keeps custom components in a `components/` package and `class_name`s in its
    /// manifest: it is not manifest-only and runs in its virtualenv through the process host.
    @Test func sourceJiraWithAComponentsPackageRunsAsAProcess() async throws {
        let outcome = try await run(["spec", "--connector", "source-jira@4.0.0"], environment: ["XDG_CACHE_HOME": Self.testCache])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains(#""title":"Jira Spec""#), "\(outcome.stdout.prefix(500))")
        #expect(FileManager.default.fileExists(atPath: Self.testCache + "/inlet/connectors/venvs/airbyte-source-jira-4.0.0/.inlet-installed"))
    }

    /// airbyte-source-s3 4.16.1 pins a smart-open version that does not exist: one sentence says so,
    /// not pip's resolver output.
    @Test func aReleasePipCannotInstallIsExplainedInOneError() async throws {
        let outcome = try await run(["spec", "--connector", "s3@4.16.1"], environment: ["XDG_CACHE_HOME": Self.testCache])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("connector airbyte-source-s3-4.16.1 cannot be installed: it depends on smart-open[s3]==4.16.1"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("a version PyPI does not publish") && !outcome.stderr.contains("ERROR:"), "\(outcome.stderr)")
    }

    /// A short name reaches Airbyte's package (`coda` → airbyte-source-coda), while Inlet's own
    /// manifests come first and are listed with their kind and version.
    @Test func shortNamesReachPyPIAndOurManifestsAreListed() async throws {
        let outcome = try await run(["spec", "--connector", "coda@1.2.13"], environment: ["XDG_CACHE_HOME": Self.testCache])
        #expect(outcome.status == 0 && outcome.stdout.contains(#""required":["auth_token"]"#), "\(outcome.stderr)")
        let listed = try await run(["connectors", "list", "--json"], environment: ["XDG_CACHE_HOME": Self.testCache], directory: "/")
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try listed.stdout.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
        let byName = Dictionary(rows.map { ($0["name"]?.stringValue ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byName["demo-items"]?["kind"]?.stringValue == "manifest")
        #expect(byName["source-coda"]?["kind"]?.stringValue == "package" && byName["source-coda"]?["version"]?.stringValue == "1.2.13", "\(listed.stdout)")
        let table = try await run(["connectors", "list"], environment: ["XDG_CACHE_HOME": Self.testCache])
        #expect(table.stdout.hasPrefix("NAME") && table.stdout.contains("manifest (native)"), "\(table.stdout)")
    }

    /// An `inlet` installed away from the repository still runs Inlet's own connectors, from the
    /// copies built into it: nothing is fetched from PyPI.
    @Test func anInstalledBinaryRunsOurOwnManifestsFromItsBuiltInCopies() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-installed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("bin"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let installed = directory.appendingPathComponent("bin/inlet")
        try FileManager.default.copyItem(at: ExecutableTests.executable, to: installed)
        let cache = directory.appendingPathComponent("cache").path
        for name in ["github", "stripe", "hubspot", "jira", "zendesk", "salesforce"] {
            let outcome = try await FinishedProcess.run(installed.path, ["spec", "--connector", name], environment: ["XDG_CACHE_HOME": cache, "PATH": "/usr/bin:/bin"],
                                                        directory: "/")
            #expect(outcome.status == 0, "\(name): \(outcome.output.suffix(500))")
            let line = outcome.output.split(separator: "\n").first { $0.hasPrefix(#"{"type":"SPEC""#) } ?? ""
            let spec = try JSONParser.parse(Array(line.utf8))
            let title = spec["spec"]?["connectionSpecification"]?["title"]?.stringValue
            #expect(["GitHub", "Stripe", "HubSpot", "Jira Cloud", "Zendesk Support", "Salesforce"].contains(title ?? ""), "\(name): \(title ?? "no spec")")
        }
        #expect(!FileManager.default.fileExists(atPath: cache + "/inlet/connectors/wheels"))
        let listed = try await FinishedProcess.run(installed.path, ["connectors", "list"], environment: ["XDG_CACHE_HOME": cache], directory: "/")
        #expect(listed.output.contains("salesforce") && listed.output.contains("manifest (native)"), "\(listed.output)")
    }

    /// The built-in copies are the files of `manifests/` (`manifests/embed_manifests.py` writes them).
    @Test func theBuiltInManifestsAreTheFilesOfTheRepository() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let generated = try String(contentsOf: repository.appendingPathComponent("Sources/InletSetup/EmbeddedManifests.swift"), encoding: .utf8)
        let names = try FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("manifests").path)
            .filter { FileManager.default.fileExists(atPath: repository.appendingPathComponent("manifests/\($0)/manifest.yaml").path) }
        #expect(names.count >= 7)
        for name in names {
            let text = try String(contentsOf: repository.appendingPathComponent("manifests/\(name)/manifest.yaml"), encoding: .utf8)
            #expect(generated.contains("\"\(name)\": #\"\"\"\n\(text)\"\"\"#"), "manifests/\(name) changed: run manifests/embed_manifests.py")
        }
    }
}
