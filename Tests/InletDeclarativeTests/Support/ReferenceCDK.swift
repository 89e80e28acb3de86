import Foundation
import InletJSON
import InletProtocol
import Testing

/// The Python Airbyte CDK (airbyte-cdk 7.39.1, `source-declarative-manifest`) run as a child
/// process, so a test can read the same manifest with it and with Inlet against one loopback server.
///
/// Found at `INLET_CDK_VENV`, else the venv `.ci/run` creates (`~/.cache/inlet-cdk/venv`), else the
/// conformance harness's.
enum ReferenceCDK {
    static var executable: String {
        let environment = ProcessInfo.processInfo.environment
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let candidates = [environment["INLET_CDK_VENV"], home + "/.cache/inlet-cdk/venv",
                          environment["INLET_CONFORMANCE_CACHE"].map { $0 + "/venv" }, home + "/.cache/inlet-conformance/venv"]
        let executables = candidates.compactMap { $0.map { $0 + "/bin/source-declarative-manifest" } }
        return executables.first { FileManager.default.isExecutableFile(atPath: $0) } ?? executables[0]
    }

    /// Reads as `ManifestRun.read` does, with the same catalog and state; the child is waited for on
    /// a thread of its own, not a cooperative one.
    /// `mayFail`: the CDK is expected to fail the read, so its exit status is not an issue.
    static func read(_ manifest: String, config: JSONObject, streams: [String], incremental: Bool,
                     state: [AirbyteStateMessage], mayFail: Bool = false) async throws -> ManifestRun.Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try readWaiting(manifest, config: config, streams: streams, incremental: incremental, state: state, mayFail: mayFail)
                })
            }.start()
        }
    }

    /// The CDK's `discover` of the manifest: its catalog's streams by name.
    static func discover(_ manifest: String, config: JSONObject) async throws -> [String: AirbyteStream] {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { () throws -> [String: AirbyteStream] in
                    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-cdk-\(UUID().uuidString)")
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    defer { try? FileManager.default.removeItem(at: directory) }
                    try Data(manifest.utf8).write(to: directory.appendingPathComponent("manifest.yaml"))
                    try Data(JSONWriter.bytes(from: .object(config))).write(to: directory.appendingPathComponent("config.json"))
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = ["discover", "--config", directory.appendingPathComponent("config.json").path,
                                         "--manifest-path", directory.appendingPathComponent("manifest.yaml").path]
                    process.currentDirectoryURL = directory
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    let stdout = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    var streams: [String: AirbyteStream] = [:]
                    for line in stdout.split(separator: UInt8(ascii: "\n")) where line.first == UInt8(ascii: "{") {
                        if case .catalog(let catalog) = try AirbyteMessage.parse(line: ArraySlice(line)).content {
                            for stream in catalog.streams { streams[stream.name] = stream }
                        }
                    }
                    return streams
                })
            }.start()
        }
    }

    private static func readWaiting(_ manifest: String, config: JSONObject, streams: [String], incremental: Bool,
                                    state: [AirbyteStateMessage], mayFail: Bool) throws -> ManifestRun.Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-cdk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog: JSONValue = ["streams": .array(streams.map { name in
            [
                "stream": ["name": .string(name), "json_schema": [:], "supported_sync_modes": ["full_refresh", "incremental"]],
                "sync_mode": incremental ? "incremental" : "full_refresh",
                "destination_sync_mode": incremental ? "append" : "overwrite",
            ]
        })]
        let stateValues: [JSONValue] = try state.map { message in
            var writer = JSONWriter()
            AirbyteMessage(.state(message)).writeLine(to: &writer)
            return try JSONParser.parse(writer.bytes.dropLast())["state"] ?? .null
        }
        func write(_ value: JSONValue, _ name: String) throws -> String {
            var writer = JSONWriter()
            writer.write(value)
            let url = directory.appendingPathComponent(name)
            try Data(writer.bytes).write(to: url)
            return url.path
        }
        try Data(manifest.utf8).write(to: directory.appendingPathComponent("manifest.yaml"))
        var arguments = ["read", "--config", try write(.object(config), "config.json"), "--catalog", try write(catalog, "catalog.json"),
                         "--manifest-path", directory.appendingPathComponent("manifest.yaml").path]
        if !stateValues.isEmpty { arguments += ["--state", try write(.array(stateValues), "state.json")] }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        let errorFile = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        var messages: [AirbyteMessage] = []
        for line in stdout.split(separator: UInt8(ascii: "\n")) where line.first == UInt8(ascii: "{") {
            messages.append(try AirbyteMessage.parse(line: ArraySlice(line)))
        }
        if process.terminationStatus != 0 && !mayFail {
            Issue.record("the reference CDK exited with \(process.terminationStatus): \(errorText.suffix(2000))")
        }
        return ManifestRun.Output(messages: messages, error: nil)
    }
}

