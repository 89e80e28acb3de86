import Foundation
import InletTestSupport

/// A Python test peer (a stand-in server under `Peers/`) as a child process: it binds port 0 and
/// prints the port on its first line. Stopped by `stop` (SIGKILL: a peer keeps nothing worth a
/// graceful stop, and a test runner may hand its children SIGTERM ignored).
final class PeerProcess: @unchecked Sendable {
    private let process = Process()
    let port: Int

    var url: String { "http://127.0.0.1:\(port)" }

    static func start(python: String, script: String, arguments: [String] = [], environment: [String: String] = [:]) async throws -> PeerProcess {
        try await onOwnThread { try PeerProcess(python: python, script: script, arguments: arguments, environment: environment) }
    }

    private init(python: String, script: String, arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [SyncExecutableTests.repository.appendingPathComponent("Tests/InletCLITests/Peers/\(script)").path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(line.split(separator: "\n").first ?? "") else {
            process.terminate()
            throw ServiceTestError(description: "\(script) did not start (it printed '\(line)')")
        }
        self.port = port
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
