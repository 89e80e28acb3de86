import Foundation
import InletJSON
import InletJSONSchema
import InletProtocol
import Testing

/// One of Inlet's own manifests (`manifests/NAME/manifest.yaml`) read by Inlet and by the CDK from
/// the same mock of the vendor's API: the two must send the same requests, emit the same records and
/// end in the same state.
struct VendorManifestRead {
    let name: String
    let yaml: String

    init(_ name: String) throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        yaml = try String(contentsOf: repository.appendingPathComponent("manifests/\(name)/manifest.yaml"), encoding: .utf8)
        self.name = name
    }

    /// Reads with Inlet, then with the CDK (`beforeEachRead` resets what the mock answers only once,
    /// such as a rate limit), and expects the same requests, records and final states. Returns
    /// Inlet's output.
    func readLikeTheCDK(server: LoopbackServer, config: JSONObject, streams: [String], incremental: Bool,
                        state: [AirbyteStateMessage] = [], beforeEachRead: () -> Void = {},
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> ManifestRun.Output {
        beforeEachRead()
        let before = server.requests.count
        let inlet = await (try ManifestRun(yaml)).read(config: config, streams: streams, incremental: incremental, state: state)
        let between = server.requests.count
        beforeEachRead()
        let reference = try await ReferenceCDK.read(yaml, config: config, streams: streams, incremental: incremental, state: state)
        let requests = server.requests
        #expect(inlet.error == nil && inlet.errors.isEmpty, "Inlet failed: \(inlet.errors.map(\.message)) \(String(describing: inlet.error))", sourceLocation: sourceLocation)
        #expect(reference.errors.isEmpty, "the CDK failed: \(reference.errors.map(\.message))", sourceLocation: sourceLocation)
        // Distinct requests: the CDK caches parent streams' answers, but two of its threads can both
        // miss the cache and ask for the same page, so how often it asks varies from run to run.
        let inletRequests = Array(Set(CDKComparison.normalized(requests[before..<between]))).sorted()
        let cdkRequests = Array(Set(CDKComparison.normalized(requests[between...]))).sorted()
        #expect(inletRequests == cdkRequests, "requests differ (request: Inlet's count, the CDK's): \(Self.countDifferences(inletRequests, cdkRequests).prefix(8))",
                sourceLocation: sourceLocation)
        let inletRecords = CDKComparison.canonical(inlet.records.map(JSONValue.object)).sorted()
        let cdkRecords = CDKComparison.canonical(reference.records.map(JSONValue.object)).sorted()
        #expect(inletRecords == cdkRecords, "records differ: Inlet \(inletRecords.count), CDK \(cdkRecords.count); Inlet only \(Set(inletRecords).subtracting(cdkRecords).sorted().prefix(2)), CDK only \(Set(cdkRecords).subtracting(inletRecords).sorted().prefix(2))",
                sourceLocation: sourceLocation)
        let inletStates = CDKComparison.finalStates(inlet), cdkStates = CDKComparison.finalStates(reference)
        for stream in Set(inletStates.keys).union(cdkStates.keys).sorted() where inletStates[stream] != cdkStates[stream] {
            Issue.record("\(stream)'s final state: Inlet \(inletStates[stream] ?? "none"), the CDK \(cdkStates[stream] ?? "none")", sourceLocation: sourceLocation)
        }
        return inlet
    }

    static func countDifferences(_ inlet: [String], _ reference: [String]) -> [String] {
        var counts: [String: (Int, Int)] = [:]
        for request in inlet { counts[request, default: (0, 0)].0 += 1 }
        for request in reference { counts[request, default: (0, 0)].1 += 1 }
        return counts.filter { $0.value.0 != $0.value.1 }.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.0), \($0.value.1)" }
    }

    /// Every record of `output` validates against its stream's schema from `discover`.
    func expectRecordsMatchTheirSchemas(_ output: ManifestRun.Output, config: JSONObject,
                                        sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let catalog = await (try ManifestRun(yaml)).discover(config: config)
        var validators: [String: JSONSchemaValidator] = [:]
        for message in catalog.messages {
            guard case .catalog(let found) = message.content else { continue }
            for stream in found.streams { validators[stream.name] = JSONSchemaValidator(schema: .object(stream.jsonSchema)) }
        }
        #expect(!validators.isEmpty, "discover found no streams", sourceLocation: sourceLocation)
        var checked = 0
        for message in output.messages {
            guard case .record(let record) = message.content else { continue }
            guard let validator = validators[record.stream] else {
                Issue.record("stream \(record.stream) is not in the catalog", sourceLocation: sourceLocation)
                continue
            }
            let violations = validator.validate(.object(record.data))
            #expect(violations.isEmpty, "\(record.stream): \(violations.prefix(3))", sourceLocation: sourceLocation)
            checked += 1
            if !violations.isEmpty { return }
        }
        #expect(checked > 0, sourceLocation: sourceLocation)
    }

    /// The last state message of each stream, to start the next read from.
    static func finalStateMessages(_ output: ManifestRun.Output) -> [AirbyteStateMessage] {
        var last: [String: AirbyteStateMessage] = [:]
        for message in output.messages {
            guard case .state(let state) = message.content, let stream = state.stream else { continue }
            last[stream.streamDescriptor.name] = state
        }
        return last.keys.sorted().compactMap { last[$0] }
    }
}
