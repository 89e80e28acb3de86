import Foundation
import InletJSON
import InletTestSupport
import Testing

/// A rotated refresh token comes back as a CONTROL CONNECTOR_CONFIG message; `inlet read` and
/// `inlet sync` write it into the `--config` file, so the next run starts with the token that still
/// works (the token server refuses any other), and a reader never sees a half-written file.
@Suite("Rotated tokens written back to the config file", .serialized)
struct ConfigWriteBackTests {
    static var inlet: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("inlet").path
    }

    @Test func readAndSyncKeepTheRotatedRefreshTokenForTheNextRun() async throws {
        let server = try await LoopbackAuthTests.oauthServer()
        defer { Task { await server.shutdown() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-config-write-back-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.yaml").path
        try LoopbackAuthTests.oauthManifest(server, updater: true).write(toFile: manifest, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("config.json").path
        try Data(JSONWriter.bytes(from: .object(LoopbackAuthTests.oauthConfig))).write(to: URL(fileURLWithPath: config))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config)
        let catalog = directory.appendingPathComponent("catalog.json").path
        try Data(#"{"streams": [{"stream": {"name": "first", "json_schema": {}, "supported_sync_modes": ["full_refresh"]}, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: catalog))

        // A reader polls the file for the whole test: every read is a complete config.
        let reading = ConcurrentReader(path: config)
        reading.start()
        var refreshToken = "r0"
        for round in 1...2 {
            let read = try await FinishedProcess.run(Self.inlet, ["read", "--manifest-path", manifest, "--config", config, "--catalog", catalog])
            #expect(read.status == 0, "round \(round): \(read.output.suffix(1500))")
            let kept = try Self.refreshToken(in: config)
            #expect(kept != refreshToken, "round \(round): the config still holds \(refreshToken)")
            refreshToken = kept
        }
        let sync = try await FinishedProcess.run(Self.inlet, ["sync", "--manifest-path", manifest, "--config", config, "--streams", "first",
                                                             "--data-dir", directory.appendingPathComponent("data").path])
        #expect(sync.status == 0, "\(sync.output.suffix(1500))")
        #expect(try Self.refreshToken(in: config) != refreshToken)
        let reads = reading.stop()
        #expect(reads.torn == 0 && reads.complete > 10, "\(reads)")
        let mode = try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    static func refreshToken(in path: String) throws -> String {
        let config = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        return config["credentials"]?["refresh_token"]?.stringValue ?? ""
    }

    /// Reads a file over and over on a thread of its own, counting reads that parse and those that do not.
    final class ConcurrentReader: @unchecked Sendable {
        let path: String
        private let lock = NSLock()
        private var running = true
        private var counts = (complete: 0, torn: 0)
        private let finished = DispatchSemaphore(value: 0)

        init(path: String) { self.path = path }

        func start() {
            Thread { [self] in
                while lock.withLock({ running }) {
                    if let data = FileManager.default.contents(atPath: path) {
                        let parsed = (try? JSONParser.parse(Array(data)))?["credentials"]?["refresh_token"] != nil
                        lock.withLock { if parsed { counts.complete += 1 } else { counts.torn += 1 } }
                    }
                    usleep(200)
                }
                finished.signal()
            }.start()
        }

        func stop() -> (complete: Int, torn: Int) {
            lock.withLock { running = false }
            finished.wait()
            return lock.withLock { counts }
        }
    }
}
