import InletJSON

public import InletInterpolation

/// Keeps the records for which `condition` holds.
public struct RecordFilter: ManifestComponent {
    public static let typeName = "RecordFilter"

    public let condition: InterpolatedBoolean?

    public init(from node: ManifestNode) throws(ManifestError) {
        condition = try node.interpolatedBoolean("condition")
    }
}
