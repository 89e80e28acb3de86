import Foundation
import InletJSON
import InletProcessHost
import InletProtocol
import Testing

/// Real child processes: a small Python connector whose behaviour the config decides.
@Suite("External connectors over stdio")
struct ProcessConnectorTests {
    static let script = #"""
    import json, os, signal, stat, sys, time
    op, args = sys.argv[1], dict(zip(sys.argv[2::2], sys.argv[3::2]))
    def out(message): print(json.dumps(message), flush=True)
    def record(stream, data): out({"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": 1}})
    if op == "spec":
        out({"type": "SPEC", "spec": {"connectionSpecification": {"type": "object"}}})
        sys.exit(0)
    config = json.load(open(args["--config"]))
    mode = oct(stat.S_IMODE(os.stat(args["--config"]).st_mode))
    if config.get("ignore_term"): signal.signal(signal.SIGTERM, signal.SIG_IGN)
    def is_open(fd):
        try:
            os.fstat(fd)
            return True
        except OSError:
            return False
    if op == "check" and "descriptors" in config:
        inherited = [fd for fd in config["descriptors"] if is_open(fd)]
        out({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "SUCCEEDED", "message": "open: " + json.dumps(inherited)}})
    elif op == "check":
        out({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "SUCCEEDED", "message": mode + " " + os.path.dirname(args["--config"])}})
    elif op == "discover":
        out({"type": "CATALOG", "catalog": {"streams": [{"name": "items", "json_schema": {}, "supported_sync_modes": ["full_refresh"]}]}})
    elif op == "read":
        state = json.load(open(args["--state"])) if "--state" in args else []
        print("starting the read (not a message)", flush=True)
        print("a line on stderr", file=sys.stderr, flush=True)
        if config.get("big"): record("items", {"id": 0, "blob": "x" * config["big"]})
        for i in range(config.get("records", 3)):
            record("items", {"id": i, "pid": os.getpid(), "state_in": len(state)})
            if config.get("hang") and i == 1: time.sleep(3600)
        if config.get("crash"):
            print("boom: the API answered 500", file=sys.stderr, flush=True)
            sys.exit(3)
        out({"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "items"}, "stream_state": {"n": 3}}}})
    """#

    struct Fixture {
        let directory: URL
        var connector: ProcessConnector

        init(gracePeriod: Double = 5) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-process-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("source.py").path
            try Data(ProcessConnectorTests.script.utf8).write(to: URL(fileURLWithPath: path))
            connector = ProcessConnector(name: "source-test", command: ["python3", path], gracePeriod: gracePeriod)
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static let catalog = ConfiguredAirbyteCatalog(streams: [ConfiguredAirbyteStream(
        stream: AirbyteStream(name: "items", jsonSchema: [:], supportedSyncModes: [.fullRefresh]), syncMode: .fullRefresh,
        destinationSyncMode: .append)])

    /// Everything a read emits, and the error it ends with.
    static func collect(_ stream: AirbyteMessageStream) async -> (messages: [AirbyteMessage], error: ConnectorError?) {
        var messages: [AirbyteMessage] = []
        do {
            for try await message in stream { messages.append(message) }
            return (messages, nil)
        } catch {
            return (messages, error as? ConnectorError ?? ConnectorError.systemError("\(error)"))
        }
    }

    static func records(_ messages: [AirbyteMessage]) -> [JSONObject] {
        messages.compactMap { if case .record(let record) = $0.content { return record.data } else { return nil } }
    }

    @Test func everyOperationRunsAndTheConfigIsPrivateAndRemoved() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let spec = try await fixture.connector.specification()
        #expect(spec.connectionSpecification["type"] == "object")
        let status = try await fixture.connector.connectionStatus(config: ["secret": "hunter2"])
        let detail = try #require(status.message).split(separator: " ")
        #expect(status.status == .succeeded && detail.first == "0o600")
        #expect(!FileManager.default.fileExists(atPath: String(detail.last ?? "")), "the config's directory is left behind")
        let catalog = try await fixture.connector.catalog(config: [:])
        #expect(catalog.streams.map(\.name) == ["items"])
        let state = AirbyteStateMessage.stream(StreamDescriptor(name: "items"), state: ["n": 1])
        let (messages, error) = await Self.collect(fixture.connector.read(config: [:], catalog: Self.catalog, state: [state]))
        #expect(error == nil)
        #expect(Self.records(messages).map { $0["id"] } == [0, 1, 2] && Self.records(messages).first?["state_in"] == 1)
        let logs = messages.compactMap { if case .log(let log) = $0.content { return log.message } else { return nil } }
        #expect(logs.contains("starting the read (not a message)") && logs.contains("a line on stderr"))
        // Stderr is read on a thread of its own, so its lines may come after stdout's last message.
        let lastMessage = messages.last { if case .log = $0.content { return false } else { return true } }
        #expect(lastMessage.map { if case .state = $0.content { return true } else { return false } } == true)
    }

    /// The child gets only its three standard streams: not the host's other files and pipes, even
    /// those that are not close-on-exec (Foundation's pipes are not).
    @Test func theChildInheritsNoOtherDescriptorOfTheHost() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let pipe = Pipe()
        let descriptors = [pipe.fileHandleForReading.fileDescriptor, pipe.fileHandleForWriting.fileDescriptor]
        #expect(descriptors.allSatisfy { fcntl($0, F_GETFD) & FD_CLOEXEC == 0 })
        let status = try await fixture.connector.connectionStatus(config: ["descriptors": .array(descriptors.map { .int(Int64($0)) })])
        #expect(status.message == "open: []", "\(String(describing: status.message))")
        // The probe itself works: the standard streams are open in the child.
        let standard = try await fixture.connector.connectionStatus(config: ["descriptors": [0, 1, 2]])
        #expect(standard.message == "open: [0, 1, 2]", "\(String(describing: standard.message))")
    }

    @Test func aSixtyFourMebibyteRecordArrivesWhole() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let size = 64 << 20
        let (messages, error) = await Self.collect(fixture.connector.read(config: ["big": .int(Int64(size)), "records": 1], catalog: Self.catalog, state: []))
        #expect(error == nil)
        let blob = Self.records(messages).first?["blob"]?.stringValue
        #expect(blob?.utf8.count == size)
    }

    @Test func aCrashEndsTheReadWithTheStatusAndTheLastStderrLines() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let (messages, error) = await Self.collect(fixture.connector.read(config: ["records": 5, "crash": true], catalog: Self.catalog, state: []))
        #expect(Self.records(messages).count == 5)
        let failure = try #require(error)
        #expect(failure.message.contains("The connector source-test exited with status 3."))
        #expect(failure.message.contains("boom: the API answered 500"))
        #expect(failure.failureType == .systemError && !failure.isAlreadyReported)
        // The stream the child never completed is reported INCOMPLETE.
        let statuses = messages.compactMap { message -> String? in
            guard case .trace(let trace) = message.content, let status = trace.streamStatus else { return nil }
            return "\(status.streamDescriptor.name) \(status.status.rawValue)"
        }
        #expect(statuses == ["items INCOMPLETE"])
    }

    @Test func aChildThatClosesStdoutButLingersIsStoppedAndReported() async throws {
        let fixture = try Fixture(gracePeriod: 0.3)
        defer { fixture.remove() }
        // `exec 1>&-` closes stdout, then the shell sleeps: the read ends, the child is stopped.
        let connector = ProcessConnector(name: "source-lingering", command: ["sh", "-c", "echo '{\"type\": \"LOG\", \"log\": {\"level\": \"INFO\", \"message\": \"hi\"}}'; exec 1>&-; sleep 60"],
                                         gracePeriod: 0.3)
        let started = Date()
        let (messages, error) = await Self.collect(connector.read(config: [:], catalog: Self.catalog, state: []))
        #expect(Date().timeIntervalSince(started) < 120)
        #expect(messages.first.map { if case .log(let log) = $0.content { return log.message == "hi" } else { return false } } == true)
        #expect(error?.message.contains("The connector source-lingering was killed by signal 15") == true, "\(String(describing: error))")
    }

    @Test func aMissingExecutableIsAClearError() async throws {
        let connector = ProcessConnector(name: "source-missing", command: ["/nonexistent/source-missing"])
        let (_, error) = await Self.collect(connector.spec())
        #expect(error?.message.contains("could not be started") == true, "\(String(describing: error))")
    }

    @Test(arguments: [false, true])
    func aConsumerThatStopsReadingStopsTheChildAndReapsIt(childIgnoresSIGTERM: Bool) async throws {
        let fixture = try Fixture(gracePeriod: 0.5)
        defer { fixture.remove() }
        var pid: Int32?
        for try await message in fixture.connector.read(config: ["records": 5, "hang": true, "ignore_term": .bool(childIgnoresSIGTERM)],
                                                        catalog: Self.catalog, state: []) {
            if case .record(let record) = message.content, let id = record.data["pid"]?.intValue {
                pid = Int32(id)
                break
            }
        }
        let child = try #require(pid)
        // Timed from the moment the consumer stopped: starting the child may itself have waited long
        // for a thread while other tests held them all.
        let stopped = Date()
        // Reaped, not a zombie: the pid names no process, or (the suite spawns many processes and pids
        // wrap around) a process that is not this child any more. A zombie keeps its command line
        // empty but stays this child, so its start time is compared too.
        let identity = Self.identity(of: child)
        var gone = false
        func isGone() -> Bool { kill(child, 0) != 0 && errno == ESRCH || Self.identity(of: child) != identity }
        while !gone && Date().timeIntervalSince(stopped) < 60 {
            gone = isGone()
            if !gone { try await Task.sleep(for: .milliseconds(20)) }
        }
        // This task may have waited long for a thread while other tests held them all: look once more.
        if !gone { gone = isGone() }
        let status = (try? String(contentsOfFile: "/proc/\(child)/status", encoding: .utf8)) ?? ""
        #expect(gone, "the child \(child) is still there: \(status.split(separator: "\n").filter { $0.hasPrefix("State") || $0.hasPrefix("PPid") }.joined(separator: "; "))")
    }

    /// A process's start time (field 22 of /proc/PID/stat), which a reused pid does not share.
    static func identity(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }
}
