import InletJSON

public import InletInterpolation

/// A datetime from a template, clamped between optional bounds; the manifest may also write a plain
/// template string where a `MinMaxDatetime` is expected.
public struct MinMaxDatetime: ManifestComponent {
    public static let typeName = "MinMaxDatetime"

    public let datetime: InterpolatedString
    public let datetimeFormat: String?
    public let minDatetime: InterpolatedString?
    public let maxDatetime: InterpolatedString?

    public init(datetime: InterpolatedString) {
        self.datetime = datetime
        datetimeFormat = nil
        minDatetime = nil
        maxDatetime = nil
    }

    public init(from node: ManifestNode) throws(ManifestError) {
        datetime = try node.requiredInterpolatedString("datetime")
        datetimeFormat = try node.string("datetime_format").flatMap { $0.isEmpty ? nil : $0 }
        minDatetime = try node.interpolatedString("min_datetime")
        maxDatetime = try node.interpolatedString("max_datetime")
    }

    static func decode(_ node: ManifestNode, key: String) throws(ManifestError) -> MinMaxDatetime? {
        guard let member = node.member(key) else { return nil }
        if case .string = member.value {
            return MinMaxDatetime(datetime: try node.requiredInterpolatedString(key))
        }
        return try member.decode(as: MinMaxDatetime.self)
    }
}
