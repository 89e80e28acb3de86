import InletJSON

public import InletInterpolation

/// Replaces a substring in every key of a record, nested keys included.
public struct KeysReplace: ManifestComponent {
    public static let typeName = "KeysReplace"

    public let old: InterpolatedString
    public let new: InterpolatedString

    public init(from node: ManifestNode) throws(ManifestError) {
        old = try node.requiredInterpolatedString("old")
        new = try node.interpolatedString("new") ?? InterpolatedString("")
    }
}
