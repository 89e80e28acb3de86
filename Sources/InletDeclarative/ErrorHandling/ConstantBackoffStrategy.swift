import InletJSON

/// Waits the same time before every retry.
public struct ConstantBackoffStrategy: ManifestComponent {
    public static let typeName = "ConstantBackoffStrategy"

    public let backoffTimeInSeconds: SecondsValue
    public let jitterRangeInSeconds: Double?

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let seconds = try SecondsValue.decode(node, key: "backoff_time_in_seconds") else {
            throw node.error("the required field 'backoff_time_in_seconds' is missing")
        }
        backoffTimeInSeconds = seconds
        jitterRangeInSeconds = try node.number("jitter_range_in_seconds")
    }
}
