import InletJSON

public import InletInterpolation

/// Waits until the epoch time a response header names, at least `min_wait` seconds.
public struct WaitUntilTimeFromHeader: ManifestComponent {
    public static let typeName = "WaitUntilTimeFromHeader"

    public let header: InterpolatedString
    public let minWait: SecondsValue?
    public let regex: String?
    public let maxWaitingTimeInSeconds: SecondsValue?

    public init(from node: ManifestNode) throws(ManifestError) {
        header = try node.requiredInterpolatedString("header")
        minWait = try SecondsValue.decode(node, key: "min_wait")
        regex = try node.string("regex")
        maxWaitingTimeInSeconds = try SecondsValue.decode(node, key: "max_waiting_time_in_seconds")
    }
}
