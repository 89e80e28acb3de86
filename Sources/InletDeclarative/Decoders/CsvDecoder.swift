import InletJSON

/// The response body is CSV with a header row; each row becomes a record of strings.
public struct CsvDecoder: DecoderComponent {
    public static let typeName = "CsvDecoder"

    public let encoding: String
    public let delimiter: String

    public init(from node: ManifestNode) throws(ManifestError) {
        encoding = try node.string("encoding") ?? "utf-8"
        delimiter = try node.string("delimiter") ?? ","
    }
}
