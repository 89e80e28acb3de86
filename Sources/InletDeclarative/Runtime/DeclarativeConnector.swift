import Foundation
public import InletHTTP
import InletInterpolation
public import InletJSON
import InletJSONSchema
public import InletProtocol

/// A declarative manifest as a connector: `spec`, `check`, `discover` and `read` behave as the
/// Airbyte CDK's `source-declarative-manifest` does with the same manifest.
public struct DeclarativeConnector: Connector {
    public let name: String
    public let manifest: Manifest
    private let options: Options

    /// Knobs for tests and embedding.
    public struct Options: Sendable {
        /// How long to wait before a retry; tests shorten it.
        public var sleep: @Sendable (Double) async throws -> Void
        public var timeouts: HTTPSession.Timeouts

        public init(
            sleep: @escaping @Sendable (Double) async throws -> Void = { seconds in
                try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
            },
            timeouts: HTTPSession.Timeouts = HTTPSession.Timeouts()
        ) {
            self.sleep = sleep
            self.timeouts = timeouts
        }
    }

    public init(manifest: Manifest, name: String? = nil, options: Options = Options()) {
        self.manifest = manifest
        self.name = name ?? manifest.file.map { "\(URL(fileURLWithPath: $0).lastPathComponent) (manifest)" } ?? "manifest"
        self.options = options
    }

    private var source: DeclarativeSource { manifest.source }

    // MARK: - spec

    public func spec() -> AirbyteMessageStream {
        guard let spec = source.spec else {
            return MessageStream([], failure: ConnectorError.configError(
                "The manifest has no 'spec': a declarative connector needs one to describe its config."))
        }
        let specification = ConnectorSpecification(
            connectionSpecification: spec.connectionSpecification,
            documentationURL: spec.documentationURL,
            advancedAuth: spec.advancedAuth)
        return MessageStream([AirbyteMessage(.spec(specification))])
    }

    // MARK: - check

    public func check(config: JSONObject) -> AirbyteMessageStream {
        operation(config: config, validationFailure: { error in
            [.connectionStatus(.failed, message: error.message)]
        }) { session, emit in
            let (succeeded, message) = try await checkConnection(session: session)
            if succeeded {
                await session.log(.info, "Check succeeded")
                try await emit([.connectionStatus(.succeeded)])
            } else {
                await session.log(.error, "Check failed")
                try await emit([.connectionStatus(.failed, message: SecretMask.mask(message ?? "", session.secrets))])
            }
        }
    }

    private func checkConnection(session: ReadSession) async throws -> (Bool, String?) {
        guard let check = source.check as? CheckStream else {
            return (false, "The manifest has no CheckStream 'check': Inlet cannot check this connector.")
        }
        var names = check.streamNames
        if case .array(let configured)? = session.config["__check_stream_names"], !configured.isEmpty {
            names = configured.compactMap(\.stringValue)
        }
        // As the CDK: the streams named are built alone when they are all static ones; dynamic
        // streams are resolved only when needed, and a failure to resolve them fails the check.
        let staticNames = Set(source.streams.compactMap(Self.streamName))
        let streams: [any ManifestComponent]
        if check.dynamicStreamsCheckConfigs.isEmpty && names.allSatisfy(staticNames.contains) {
            streams = source.streams
        } else {
            do { streams = try await allStreams(session: session) } catch let error as DeclarativeError {
                return (false, "Encountered an error while discovering streams. Error: \(error.message)")
            }
        }
        let available = Set(streams.compactMap(Self.streamName))
        for name in names {
            guard available.contains(name) else {
                // The CDK raises here: a manifest naming a stream it lacks is the connector's bug.
                throw ConnectorError.systemError(
                    "Something went wrong in the connector. See the logs for more details.",
                    internalMessage: "\(name) is not part of the catalog. Expected one of \(PythonValueText.str(.array(streams.compactMap(Self.streamName).map { .string($0) }))).")
            }
            let stream: StreamRuntime
            do {
                stream = try streamRuntime(named: name, in: streams, state: [:], session: session)
            } catch {
                return (false, "Encountered an error while discovering streams. Error: \(error.message)")
            }
            do {
                try await stream.forEachRecord(session: session) { _, _ in throw FirstRecordFound() }
                await session.log(.info, "Successfully connected to stream \(name), but got 0 records.")
            } catch is FirstRecordFound {
                continue
            } catch let error as DeclarativeError {
                let message = "Stream \(name) is not available: \(error.message)"
                await session.log(.warn, message)
                return (false, message)
            } catch {
                return (false, "Encountered an error while checking availability of stream \(name). Error: \(error)")
            }
        }
        return (true, nil)
    }

    private struct FirstRecordFound: Error {}

    // MARK: - discover

    public func discover(config: JSONObject) -> AirbyteMessageStream {
        operation(config: config) { session, emit in
            var streams: [AirbyteStream] = []
            for component in try await allStreams(session: session) {
                let definition: DeclarativeStream
                switch component {
                case let stream as DeclarativeStream: definition = stream
                case let delegating as StateDelegatingStream: definition = delegating.incrementalStream
                default: continue
                }
                streams.append(try await catalogEntry(definition, name: Self.streamName(component) ?? definition.name, session: session))
            }
            try await emit([AirbyteMessage(.catalog(AirbyteCatalog(streams: streams)))])
        }
    }

    private func catalogEntry(_ definition: DeclarativeStream, name: String, session: ReadSession) async throws -> AirbyteStream {
        let schema = try await SchemaLoaderRuntime(stream: definition, parameters: [:]).schema(session: session)
        let primaryKey = definition.primaryKey.flatMap { $0.isEmpty ? nil : $0 }
        let cursorField: InterpolatedString? = switch definition.incrementalSync {
        case let datetime as DatetimeBasedCursor: datetime.cursorField
        case let count as IncrementingCountCursor: count.cursorField
        default: nil
        }
        if let cursorField {
            let field = PythonValueText.str(try evaluate(cursorField, session.context(hasToken: false), at: "incremental_sync.cursor_field"))
            return AirbyteStream(name: name, jsonSchema: schema, supportedSyncModes: [.fullRefresh, .incremental],
                                 sourceDefinedCursor: true, defaultCursorField: [field], sourceDefinedPrimaryKey: primaryKey,
                                 isResumable: true, isFileBased: false)
        }
        return AirbyteStream(name: name, jsonSchema: schema, supportedSyncModes: [.fullRefresh],
                             sourceDefinedPrimaryKey: primaryKey, isResumable: false, isFileBased: false)
    }

    // MARK: - read

    public func read(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) -> AirbyteMessageStream {
        var states: [String: JSONObject] = [:]
        for message in state {
            if let stream = message.stream, case .object(let value)? = stream.streamState {
                states[stream.streamDescriptor.name] = value
            }
        }
        return operation(config: config) { [states] session, emit in
            let streams = try await allStreams(session: session)
            // Streams are read at once, as many as the concurrency level, starting in catalog order
            // as others end; their messages interleave, each stream's in its own order.
            let failures = try await withThrowingTaskGroup(of: (Int, String, DeclarativeError?).self) { group in
                var failures: [(index: Int, stream: String, message: String)] = []
                func collect() async throws {
                    guard let (index, streamName, failure) = try await group.next(), let failure else { return }
                    failures.append((index, streamName, failure.message))
                }
                for (index, configured) in catalog.streams.enumerated() {
                    if index >= session.concurrency { try await collect() }
                    group.addTask {
                        let streamName = configured.stream.name
                        let failure = await readStream(configured, from: streams, state: states[streamName] ?? [:], session: session, emit: emit)
                        if let failure {
                            await session.log(.error, "Stream \(streamName) did not sync successfully: \(failure.message)")
                        }
                        return (index, streamName, failure)
                    }
                }
                while !group.isEmpty { try await collect() }
                return failures.sorted { $0.index < $1.index }.map { ($0.stream, $0.message) }
            }
            if !failures.isEmpty {
                let list = failures.map { "\($0.0): AirbyteTracedException(\(PythonValueText.str(.array([.string($0.1)])).dropFirst().dropLast()))" }
                throw ConnectorError(
                    failureType: .configError,
                    message: "During the sync, the following streams did not sync successfully: " + list.joined(separator: "\n"),
                    internalMessage: nil)
            }
        }
    }

    /// Reads one configured stream and reports its statuses, records and state. Returns the failure,
    /// if the stream failed (other streams still run).
    private func readStream(_ configured: ConfiguredAirbyteStream, from streams: [any ManifestComponent], state: JSONObject,
                            session: ReadSession, emit: @escaping Emit) async -> DeclarativeError? {
        let name = configured.stream.name
        let descriptor = StreamDescriptor(name: name, namespace: configured.stream.namespace)
        let secrets = session.secrets
        // Counts are per stream, so one counter per stream gives each STATE its stream's count.
        var counter = StateRecordCounter()
        func send(_ message: AirbyteMessage) async throws {
            var message = message
            counter.process(&message)
            try await emit([message])
        }
        do {
            try await send(.streamStatus(.started, for: descriptor))
            guard Self.hasStream(named: name, in: streams) else {
                throw DeclarativeError.config("The stream '\(name)' in your connection configuration was not found in the source. Refresh the schema in your replication settings and remove this stream from future sync attempts.")
            }
            let stream = try streamRuntime(named: name, in: streams, state: state, session: session)
            let incremental = configured.syncMode == .incremental && stream.supportsIncremental
            // A full refresh starts from nothing, yet a stream with a cursor still reports where it
            // got to, as the CDK's concurrent streams do whatever the configured sync mode.
            let reportsCursor = stream.supportsIncremental
            let sync = StreamSync(stream: stream, session: session, state: incremental ? state : [:])
            var running = false
            do {
                try await sync.run(records: { records, _ in
                    if !running {
                        running = true
                        try await send(.streamStatus(.running, for: descriptor))
                    }
                    let namespace = configured.stream.namespace
                    let emittedAt = WallClock.integerMillisecondsSinceEpoch()
                    var messages = records.map {
                        AirbyteMessage.record(stream: name, payload: $0.droppingTopLevelNulls(), namespace: namespace, emittedAt: emittedAt)
                    }
                    for index in messages.indices { counter.process(&messages[index]) }
                    try await emit(messages)
                }, checkpoint: { value in
                    guard reportsCursor else { return }
                    try await send(Self.stateMessage(descriptor, value))
                })
            } catch let error as DeclarativeError {
                try await send(error.connectorError(stream: descriptor, secrets: secrets).traceMessage())
                try await send(.streamStatus(.incomplete, for: descriptor))
                try await send(Self.stateMessage(descriptor, reportsCursor ? sync.currentState : ["__ab_no_cursor_state_message": true]))
                return error
            }
            try await send(.streamStatus(.complete, for: descriptor))
            try await send(Self.stateMessage(descriptor, reportsCursor ? sync.currentState : ["__ab_no_cursor_state_message": true]))
            return nil
        } catch let error as DeclarativeError {
            try? await send(error.connectorError(stream: descriptor, secrets: secrets).traceMessage())
            try? await send(.streamStatus(.incomplete, for: descriptor))
            return error
        } catch is CancellationError {
            return DeclarativeError(.transientError, "The read was cancelled.")
        } catch {
            let wrapped = DeclarativeError.system("Stream \(name) failed: \(error)")
            try? await send(wrapped.connectorError(stream: descriptor, secrets: secrets).traceMessage())
            try? await send(.streamStatus(.incomplete, for: descriptor))
            return wrapped
        }
    }

    private static func stateMessage(_ descriptor: StreamDescriptor, _ value: JSONObject) -> AirbyteMessage {
        AirbyteMessage(.state(AirbyteStateMessage(
            type: .stream, stream: AirbyteStreamState(streamDescriptor: descriptor, streamState: .object(value)))))
    }

    // MARK: - Streams

    private static func streamName(_ component: any ManifestComponent) -> String? {
        switch component {
        case let stream as DeclarativeStream: return stream.name
        case let delegating as StateDelegatingStream: return delegating.name
        default: return nil
        }
    }

    /// The manifest's streams, then those its `dynamic_streams` make for this config.
    private func allStreams(session: ReadSession) async throws -> [any ManifestComponent] {
        guard !source.dynamicStreams.isEmpty else { return source.streams }
        return source.streams + (try await DynamicStreams.resolve(manifest, session: session))
    }

    private static func hasStream(named name: String, in streams: [any ManifestComponent]) -> Bool {
        streams.contains { streamName($0) == name }
    }

    private func streamRuntime(named name: String, in streams: [any ManifestComponent], state: JSONObject,
                               session: ReadSession) throws(DeclarativeError) -> StreamRuntime {
        for component in streams where Self.streamName(component) == name {
            switch component {
            case let stream as DeclarativeStream:
                return try StreamRuntime(stream, session: session, hasInputState: !state.isEmpty)
            case let delegating as StateDelegatingStream:
                return try StreamRuntime(state.isEmpty ? delegating.fullRefreshStream : delegating.incrementalStream, session: session,
                                         hasInputState: !state.isEmpty)
            default:
                break
            }
        }
        throw DeclarativeError.config("The manifest has no stream named '\(name)'.")
    }

    // MARK: - Running an operation

    /// Hands messages on, a page of records at a time.
    private typealias Emit = @Sendable ([AirbyteMessage]) async throws -> Void

    /// Validates the config against the spec, opens an HTTP session, runs `body`, and turns a
    /// declarative error into the connector error that ends the stream.
    private func operation(
        config: JSONObject,
        validationFailure: (@Sendable (ConnectorError) -> [AirbyteMessage])? = nil,
        _ body: @escaping @Sendable (ReadSession, @escaping Emit) async throws -> Void
    ) -> AirbyteMessageStream {
        let specification = source.spec?.connectionSpecification
        let secrets = specification.map { AirbyteSecrets.values(in: .object(config), specification: .object($0)) } ?? []
        if let specification {
            // jsonschema checks the schema itself before the config; a broken spec is the connector's bug.
            if let problem = SpecificationCheck.problem(in: .object(specification)) {
                return MessageStream([], failure: ConnectorError.systemError(
                    "Something went wrong in the connector. See the logs for more details.", internalMessage: problem))
            }
            // As the CDK: formats (`date-time`, `email`) are annotations, not checked.
            let validator = JSONSchemaValidator(schema: .object(specification), options: .init(validatesFormats: false))
            let violations = validator.validate(.object(config))
            if let first = violations.first {
                let error = ConnectorError(failureType: .configError,
                                           message: SecretMask.mask("Config validation error: " + first.message, secrets),
                                           internalMessage: SecretMask.mask(first.message, secrets))
                if let validationFailure { return MessageStream(validationFailure(error)) }
                return MessageStream([], failure: error)
            }
        }
        let manifest = self.manifest
        let options = self.options
        let apiBudget = source.apiBudget
        return MessageStream { emitter in
            let runtime = JinjaRuntime()
            var budget: APIBudgetRuntime?
            let concurrency: Int
            do throws(DeclarativeError) {
                let context = InterpolationContext(config: config, runtime: runtime)
                if let apiBudget { budget = try APIBudgetRuntime(apiBudget, context: context) }
                concurrency = try ReadSession.concurrency(of: manifest, context: context)
            } catch {
                throw error.connectorError(stream: nil, secrets: secrets)
            }
            let http = HTTPSession(timeouts: options.timeouts, concurrentRequests: concurrency)
            let emit: Emit = { messages in try await emitter.emit(contentsOf: messages) }
            let session = ReadSession(
                manifest: manifest, config: config, http: http, runtime: runtime, secrets: secrets,
                notify: { message in try? await emitter.emit(message) }, sleep: options.sleep, budget: budget,
                concurrency: concurrency)
            do {
                try await body(session, emit)
                await http.shutdown()
            } catch let error as DeclarativeError {
                await http.shutdown()
                throw error.connectorError(stream: nil, secrets: secrets)
            } catch {
                await http.shutdown()
                throw error
            }
        }
    }
}

/// The few metaschema rules a connector spec breaks in practice, checked as jsonschema checks a
/// schema before using it.
enum SpecificationCheck {
    static func problem(in schema: JSONValue) -> String? {
        switch schema {
        case .object(let object):
            if case .array(let required)? = object["required"] {
                if Set(required).count != required.count {
                    return "\(PythonValueText.str(.array(required))) has non-unique elements"
                }
                if let bad = required.first(where: { $0.stringValue == nil }) {
                    return "\(PythonValueText.str(bad)) is not of type 'string'"
                }
            }
            for (_, value) in object {
                if let problem = problem(in: value) { return problem }
            }
            return nil
        case .array(let elements):
            for element in elements {
                if let problem = problem(in: element) { return problem }
            }
            return nil
        default:
            return nil
        }
    }
}
