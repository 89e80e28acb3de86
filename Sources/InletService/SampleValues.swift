import InletJSON
import InletProtocol
import Synchronization

/// A few values of each column of each stream, from a source's first records: a full-refresh read
/// that stops once every stream gave `sampleSize` records (or when the caller stops waiting; what
/// was read by then is kept). Columns the schema marks `airbyte_secret` are never sampled.
final class SampleValues: Sendable {
    static let sampleSize = 3

    private let hidden: [String: Set<String>]
    private let collected = Mutex<(values: [String: [String: [JSONValue]]], records: [String: Int])>(([:], [:]))

    init(hiding hidden: [String: Set<String>]) {
        self.hidden = hidden
    }

    /// Per stream, per column: up to `sampleSize` distinct values, in the order read.
    var values: [String: [String: [JSONValue]]] { collected.withLock { $0.values } }

    func read(_ catalog: AirbyteCatalog, from connector: any Connector, config: JSONObject) async throws {
        let configured = ConfiguredAirbyteCatalog(streams: catalog.streams.map {
            ConfiguredAirbyteStream(stream: $0, syncMode: .fullRefresh, destinationSyncMode: .overwrite)
        })
        var iterator = connector.read(config: config, catalog: configured, state: []).makeAsyncIterator()
        while let batch = try await iterator.nextBatch() {
            let complete = collected.withLock { collected in
                for message in batch {
                    guard case .record(let record) = message.content, collected.records[record.stream, default: 0] < Self.sampleSize else { continue }
                    collected.records[record.stream, default: 0] += 1
                    for (column, value) in record.data where !value.isNull && !(hidden[record.stream]?.contains(column) ?? false) {
                        var values = collected.values[record.stream, default: [:]][column, default: []]
                        if values.count < Self.sampleSize, !values.contains(value) { values.append(value) }
                        collected.values[record.stream, default: [:]][column] = values
                    }
                }
                return catalog.streams.allSatisfy { collected.records[$0.name, default: 0] >= Self.sampleSize }
            }
            if complete { return }
        }
    }
}
