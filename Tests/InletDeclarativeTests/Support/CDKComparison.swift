import InletJSON
import InletProtocol
import Testing

/// What a read by Inlet and a read by the CDK are compared on: the requests sent, the records and
/// the final state of each stream, each made independent of order neither fixes.
enum CDKComparison {
    /// Method, path and query with its parameters in order; the list sorted, as the CDK may read
    /// partitions concurrently.
    static func normalized(_ requests: ArraySlice<LoopbackServer.Request>) -> [String] {
        requests.map { request in
            let query = request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            return "\(request.method) \(request.path)?\(query)"
        }.sorted()
    }

    /// The last state of each stream, as canonical text with per-partition lists sorted.
    static func finalStates(_ output: ManifestRun.Output) -> [String: String] {
        var states: [String: String] = [:]
        for message in output.messages {
            guard case .state(let state) = message.content, let stream = state.stream, let value = stream.streamState else { continue }
            states[stream.streamDescriptor.name] = canonical([value])[0]
        }
        return states
    }

    /// JSON text with object keys sorted and the members named `states` sorted, so that order the
    /// CDK does not fix does not count; the elapsed time in `lookback_window` does not count either.
    static func canonical(_ values: [JSONValue]) -> [String] {
        func sortedValue(_ value: JSONValue, key: String? = nil) -> JSONValue {
            switch value {
            case .object(let object):
                // `lookback_window` is how long the sync took, in seconds: it varies with the machine's load.
                return .object(JSONObject(object.sorted { $0.key < $1.key }.map {
                    ($0.key, $0.key == "lookback_window" ? .string("elapsed seconds") : sortedValue($0.value, key: $0.key))
                }))
            case .array(let elements):
                let sortedElements = elements.map { sortedValue($0) }
                guard key == "states" else { return .array(sortedElements) }
                return .array(sortedElements.sorted { text($0) < text($1) })
            default:
                return value
            }
        }
        func text(_ value: JSONValue) -> String {
            var writer = JSONWriter()
            writer.write(value)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        return values.map { text(sortedValue($0)) }
    }

    /// Reads `yaml` with Inlet, then with the CDK, from `server`, and expects the same requests,
    /// records and final states.
    static func expectSameRead(yaml: String, server: LoopbackServer, config: JSONObject = [:], streams: [String],
                               incremental: Bool = true, state: [AirbyteStateMessage] = [],
                               normalize: ([String]) -> [String] = { $0 }, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let before = server.requests.count
        let inlet = await (try ManifestRun(yaml)).read(config: config, streams: streams, incremental: incremental, state: state)
        let between = server.requests.count
        let reference = try await ReferenceCDK.read(yaml, config: config, streams: streams, incremental: incremental, state: state)
        let requests = server.requests
        #expect(inlet.error == nil, sourceLocation: sourceLocation)
        #expect(reference.errors.isEmpty, "the CDK failed: \(reference.errors.map(\.message))", sourceLocation: sourceLocation)
        #expect(!reference.records.isEmpty, "the scenario reads nothing", sourceLocation: sourceLocation)
        #expect(normalize(normalized(requests[before..<between])) == normalize(normalized(requests[between...])), sourceLocation: sourceLocation)
        #expect(canonical(inlet.records.map(JSONValue.object)).sorted() == canonical(reference.records.map(JSONValue.object)).sorted(),
                sourceLocation: sourceLocation)
        #expect(finalStates(inlet) == finalStates(reference), sourceLocation: sourceLocation)
    }
}
