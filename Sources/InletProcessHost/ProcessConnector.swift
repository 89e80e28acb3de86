import Foundation
public import InletJSON
public import InletProtocol

/// A connector that is an executable speaking the Airbyte protocol over stdio (any
/// `airbyte-source-*` entry point, a Docker-less connector script...). Each operation spawns it
/// with `spec`, `check --config`, `discover --config` or `read --config --catalog [--state]`; the
/// files live in a private directory (mode 0700, files 0600: configs hold secrets) removed when the
/// child has ended. Its stdout is read in large chunks and split into messages here; a line that is
/// not an Airbyte message becomes a LOG, as Airbyte does, and so does every stderr line. A child that
/// fails (non-zero exit, a signal) ends the stream with an error naming it, its status and its last
/// stderr lines; a cancelled read sends SIGTERM to the child's process group, then SIGKILL after
/// `gracePeriod`. No zombie and no descriptor is left behind.
public struct ProcessConnector: Connector {
    public let name: String
    /// The executable and its leading arguments, e.g. `["python3", "source.py"]`.
    public let command: [String]
    /// Seconds a child gets to exit after its output ends or after SIGTERM, before the next step.
    public var gracePeriod: Double

    public init(name: String, command: [String], gracePeriod: Double = 10) {
        self.name = name
        self.command = command
        self.gracePeriod = gracePeriod
    }

    public func spec() -> AirbyteMessageStream {
        run(["spec"], files: [])
    }

    public func check(config: JSONObject) -> AirbyteMessageStream {
        run(["check", "--config", "config.json"], files: [("config.json", .object(config))])
    }

    public func discover(config: JSONObject) -> AirbyteMessageStream {
        run(["discover", "--config", "config.json"], files: [("config.json", .object(config))])
    }

    public func read(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) -> AirbyteMessageStream {
        var arguments = ["read", "--config", "config.json", "--catalog", "catalog.json"]
        var files: [(String, JSONValue)] = [("config.json", .object(config)), ("catalog.json", catalog.json)]
        if !state.isEmpty {
            arguments += ["--state", "state.json"]
            files.append(("state.json", .array(state.map(\.json))))
        }
        return run(arguments, files: files, streams: catalog.streams.map(\.stream.descriptor))
    }

    /// Runs the child with `arguments`, where names of `files` become their paths. When it fails,
    /// each of `streams` it did not report COMPLETE gets an INCOMPLETE stream status, as Airbyte's
    /// orchestrator reports them.
    private func run(_ arguments: [String], files: [(String, JSONValue)], streams: [StreamDescriptor] = []) -> AirbyteMessageStream {
        let name = self.name
        let command = self.command
        let grace = gracePeriod
        return AirbyteMessageStream(bufferCapacity: 4096) { emitter in
            let directory: PrivateDirectory
            let child: ChildProcess
            do {
                directory = try PrivateDirectory(files: files)
                let paths = arguments.map { argument in files.contains { $0.0 == argument } ? directory.path + "/" + argument : argument }
                do { child = try ChildProcess(arguments: command + paths) } catch {
                    directory.remove()
                    throw error
                }
            } catch {
                throw ConnectorError.systemError("The connector \(name) could not be started: \(error)")
            }
            defer { directory.remove() }
            let errors = ErrorOutputCollector(descriptor: child.standardError)
            let reader = MessageReader(descriptor: child.standardOutput)
            var reportedError = false
            var completed = Set<String>()
            do {
                try await withTaskCancellationHandler {
                    for await messages in reader.batches {
                        for message in messages {
                            guard case .trace(let trace) = message.content else { continue }
                            if trace.type == .error { reportedError = true }
                            if let status = trace.streamStatus, status.status == .complete {
                                completed.insert(JSONWriter.string(from: status.streamDescriptor.json))
                            }
                        }
                        let logs = errors.takeLogs()
                        reader.consumed()
                        try await emitter.emit(contentsOf: logs.isEmpty ? messages : logs + messages)
                    }
                    try Task.checkCancellation()
                } onCancel: {
                    // Stopped and reaped on a thread of its own: the task that would do it may wait
                    // for a thread of the cooperative pool, and the child must not outlive the read.
                    child.signalGroup(SIGTERM)
                    Thread.detachNewThread { _ = child.reap(grace: grace) }
                }
            } catch {
                // Cancelled, or the consumer went away: the child is stopped, then reaped.
                reader.stop()
                child.signalGroup(SIGTERM)
                _ = child.reap(grace: grace)
                _ = errors.finish()
                throw error
            }
            let termination = child.reap(grace: grace)
            let tail = errors.finish()
            try await emitter.emit(contentsOf: errors.takeLogs())
            guard termination != .exited(0) else { return }
            let status: String
            switch termination {
            case .exited(let code): status = "exited with status \(code)"
            case .signalled(let signal): status = "was killed by signal \(signal)"
            }
            let incomplete = streams.filter { !completed.contains(JSONWriter.string(from: $0.json)) }
            try await emitter.emit(contentsOf: incomplete.map { AirbyteMessage.streamStatus(.incomplete, for: $0) })
            let lastLines = tail.suffix(5).joined(separator: "\n")
            throw ConnectorError(failureType: .systemError,
                                 message: "The connector \(name) \(status)." + (lastLines.isEmpty ? "" : " Its last output on stderr:\n\(lastLines)"),
                                 internalMessage: tail.joined(separator: "\n"), isAlreadyReported: reportedError)
        }
    }
}

/// A directory only this user can enter, holding files only this user can read.
struct PrivateDirectory {
    let path: String

    init(files: [(String, JSONValue)]) throws(ProcessHostError) {
        var template = Array((NSTemporaryDirectory() + "/inlet-connector-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .files("mkdtemp: errno \(errno)")
        }
        path = String(cString: created)
        for (name, value) in files {
            let descriptor = open(path + "/" + name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw .files("\(name): errno \(errno)") }
            let bytes = Array(JSONWriter.string(from: value).utf8)
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            guard written == bytes.count else { throw .files("\(name): short write") }
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
