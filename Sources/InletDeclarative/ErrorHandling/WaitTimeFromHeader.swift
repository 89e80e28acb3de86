import InletJSON

public import InletInterpolation

/// Waits the number of seconds a response header says (optionally extracted with a regex).
public struct WaitTimeFromHeader: ManifestComponent {
    public static let typeName = "WaitTimeFromHeader"

    public let header: InterpolatedString
    public let regex: String?
    public let maxWaitingTimeInSeconds: SecondsValue?

    public init(from node: ManifestNode) throws(ManifestError) {
        header = try node.requiredInterpolatedString("header")
        regex = try node.string("regex")
        maxWaitingTimeInSeconds = try SecondsValue.decode(node, key: "max_waiting_time_in_seconds")
    }
}
