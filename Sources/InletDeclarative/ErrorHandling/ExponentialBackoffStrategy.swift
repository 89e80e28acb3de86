import InletJSON

/// Waits `factor * 2^attempt` seconds before retry `attempt`.
public struct ExponentialBackoffStrategy: ManifestComponent {
    public static let typeName = "ExponentialBackoffStrategy"

    public let factor: SecondsValue
    public let jitterRangeInSeconds: Double?

    public init(from node: ManifestNode) throws(ManifestError) {
        factor = try SecondsValue.decode(node, key: "factor") ?? .fixed(5)
        jitterRangeInSeconds = try node.number("jitter_range_in_seconds")
    }
}
