import InletJSON

public import InletInterpolation

/// The stream's JSON schema from a file, by default `./<module>/schemas/<stream name>.json` relative
/// to the manifest's folder, as the CDK looks for it.
public struct JsonFileSchemaLoader: ManifestComponent {
    public static let typeName = "JsonFileSchemaLoader"

    public let filePath: InterpolatedString?
    /// The folder relative paths are read from (the manifest's).
    public let baseDirectory: String

    public init(from node: ManifestNode) throws(ManifestError) {
        filePath = try node.interpolatedString("file_path")
        baseDirectory = node.context.baseDirectory
    }
}
