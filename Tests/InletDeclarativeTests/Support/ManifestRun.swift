import Foundation
import InletDeclarative
import InletJSON
import InletProtocol
import NIOConcurrencyHelpers

/// Runs a manifest given as YAML text against a loopback server and collects what it emitted.
struct ManifestRun {
    let connector: DeclarativeConnector
    let sleeps: NIOLockedValueBox<[Double]>

    init(_ yaml: String, directory: String = FileManager.default.temporaryDirectory.path) throws {
        let manifest = try Manifest.load(yaml: yaml, file: "test.yaml", baseDirectory: directory)
        let sleeps = NIOLockedValueBox<[Double]>([])
        self.sleeps = sleeps
        // Retries record how long they would wait instead of waiting.
        connector = DeclarativeConnector(manifest: manifest, options: .init(sleep: { seconds in
            sleeps.withLockedValue { $0.append(seconds) }
        }))
    }

    struct Output {
        var messages: [AirbyteMessage]
        var error: (any Error)?

        var records: [JSONObject] {
            messages.compactMap { if case .record(let record) = $0.content { return record.data } else { return nil } }
        }
        func records(of stream: String) -> [JSONObject] {
            messages.compactMap { if case .record(let record) = $0.content, record.stream == stream { return record.data } else { return nil } }
        }
        var states: [JSONValue] {
            messages.compactMap { if case .state(let state) = $0.content { return state.stream?.streamState } else { return nil } }
        }
        var traces: [AirbyteTraceMessage] {
            messages.compactMap { if case .trace(let trace) = $0.content { return trace } else { return nil } }
        }
        var errors: [AirbyteErrorTraceMessage] { traces.compactMap(\.error) }
        var statuses: [String] {
            traces.compactMap { $0.streamStatus.map { "\($0.streamDescriptor.name):\($0.status.rawValue)" } }
        }
        var controls: [AirbyteControlMessage] {
            messages.compactMap { if case .control(let control) = $0.content { return control } else { return nil } }
        }
        var logs: [String] {
            messages.compactMap { if case .log(let log) = $0.content { return log.message } else { return nil } }
        }
    }

    static func collect(_ stream: AirbyteMessageStream) async -> Output {
        var messages: [AirbyteMessage] = []
        do {
            for try await message in stream { messages.append(message) }
            return Output(messages: messages, error: nil)
        } catch {
            return Output(messages: messages, error: error)
        }
    }

    func read(config: JSONObject = [:], streams: [String], incremental: Bool = false, state: [AirbyteStateMessage] = []) async -> Output {
        let catalog = ConfiguredAirbyteCatalog(streams: streams.map { name in
            ConfiguredAirbyteStream(
                stream: AirbyteStream(name: name, jsonSchema: [:], supportedSyncModes: [.fullRefresh, .incremental]),
                syncMode: incremental ? .incremental : .fullRefresh,
                destinationSyncMode: incremental ? .append : .overwrite)
        })
        return await Self.collect(connector.read(config: config, catalog: catalog, state: state))
    }

    func check(config: JSONObject = [:]) async -> Output {
        await Self.collect(connector.check(config: config))
    }

    func discover(config: JSONObject = [:]) async -> Output {
        await Self.collect(connector.discover(config: config))
    }
}
