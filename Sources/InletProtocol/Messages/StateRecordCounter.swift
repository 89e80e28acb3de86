/// Stamps each STATE message with the number of records of its stream since that stream's previous
/// state (`sourceStats.recordCount`), as the Airbyte CDK's entry point does before writing it out.
/// A GLOBAL or LEGACY state counts the records of all streams since the previous such state.
public struct StateRecordCounter: Sendable {
    private var countsByStream: [StreamKey: Double] = [:]
    private var countSinceSharedState: Double = 0

    private struct StreamKey: Hashable, Sendable {
        var name: String
        var namespace: String?
    }

    public init() {}

    public mutating func process(_ message: inout AirbyteMessage) {
        switch message.content {
        case .record(let record):
            countsByStream[StreamKey(name: record.stream, namespace: record.namespace), default: 0] += 1
            countSinceSharedState += 1
        case .state(var state):
            let count: Double
            if let descriptor = state.stream?.streamDescriptor, state.effectiveType == .stream {
                let key = StreamKey(name: descriptor.name, namespace: descriptor.namespace)
                count = countsByStream[key] ?? 0
                countsByStream[key] = 0
            } else {
                count = countSinceSharedState
                countsByStream.removeAll()
            }
            countSinceSharedState = state.effectiveType == .stream ? countSinceSharedState : 0
            var stats = state.sourceStats ?? AirbyteStateStats()
            stats.recordCount = count
            state.sourceStats = stats
            message.content = .state(state)
        default:
            break
        }
    }
}
