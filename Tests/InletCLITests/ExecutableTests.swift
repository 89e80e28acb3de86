import Foundation
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

    func run(_ arguments: [String]) throws -> Outcome {
        try Self.run(arguments)
    }

    /// Runs `inlet` with `arguments` (and extra environment variables, in `directory`) to its end.
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    @Test func theExecutableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable.path), "missing \(Self.executable.path)")
    }

    @Test func anUnknownCommandExitsTwo() throws {
        let outcome = try run(["frobnicate"])
        #expect(outcome.status == 2)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.hasPrefix("Error: Unexpected argument 'frobnicate'\n"))
    }

    @Test func noConnectorIsAClearErrorOnBothStreams() throws {
        let outcome = try run(["spec"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.hasPrefix(#"{"type":"TRACE","trace":{"type":"ERROR","emitted_at":"#))
        #expect(outcome.stdout.contains("no connector given: pass --manifest-path"))
        #expect(outcome.stderr == "inlet: error: no connector given: pass --manifest-path with a declarative manifest, or --connector NAME\n")
    }

    @Test func aMissingManifestNamesTheFile() throws {
        let outcome = try run(["spec", "--manifest-path", "/nonexistent/manifest.yaml"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("manifest file /nonexistent/manifest.yaml does not exist or cannot be read"))
    }
}
