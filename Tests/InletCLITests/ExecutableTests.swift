import Foundation
import InletTestSupport
import Testing

/// The real `inlet` executable, run as a child process the way Airbyte runs a connector.
@Suite("inlet executable")
struct ExecutableTests {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL {
        // Tests run from the build folder that holds `inlet` too.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("inlet")
    }

    func run(_ arguments: [String]) async throws -> Outcome {
        try await Self.run(arguments)
    }

    /// Runs `inlet` with `arguments` (and extra environment variables, in `directory`) to its end.
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) async throws -> Outcome {
        let finished = try await FinishedProcess.run(executable.path, arguments,
                                                     environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                                     directory: directory, errors: .apart)
        return Outcome(status: finished.status, stdout: finished.output, stderr: finished.errors)
    }

    @Test func theExecutableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable.path), "missing \(Self.executable.path)")
    }

    @Test func anUnknownCommandExitsTwo() async throws {
        let outcome = try await run(["frobnicate"])
        #expect(outcome.status == 2)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.hasPrefix("Error: Unexpected argument 'frobnicate'\n"))
    }

    @Test func noConnectorIsAClearErrorOnBothStreams() async throws {
        let outcome = try await run(["spec"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.hasPrefix(#"{"type":"TRACE","trace":{"type":"ERROR","emitted_at":"#))
        #expect(outcome.stdout.contains("no connector given: pass --manifest-path"))
        #expect(outcome.stderr == "inlet: error: no connector given: pass --manifest-path with a declarative manifest, or --connector NAME\n")
    }

    @Test func aMissingManifestNamesTheFile() async throws {
        let outcome = try await run(["spec", "--manifest-path", "/nonexistent/manifest.yaml"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("manifest file /nonexistent/manifest.yaml does not exist or cannot be read"))
    }
}
