import InletJSON

public import InletInterpolation

/// Moves the members of the object at `field_path` up into the record (or makes it the record).
public struct DpathFlattenFields: ManifestComponent {
    public static let typeName = "DpathFlattenFields"

    public let fieldPath: [InterpolatedString]
    public let deleteOriginValue: Bool
    public let replaceRecord: Bool
    public let keyPrefix: String?
    public let keySuffix: String?

    public init(from node: ManifestNode) throws(ManifestError) {
        var compiled: [InterpolatedString] = []
        for part in try node.stringList("field_path") ?? [] {
            do {
                compiled.append(try InterpolatedString(part, parameters: node.parameters, cache: node.context.templates))
            } catch {
                throw node.error("invalid template in field_path: \(error)")
            }
        }
        fieldPath = compiled
        deleteOriginValue = try node.bool("delete_origin_value") ?? false
        replaceRecord = try node.bool("replace_record") ?? false
        let keyTransformation = node.member("key_transformation")
        keyPrefix = try keyTransformation?.string("prefix")
        keySuffix = try keyTransformation?.string("suffix")
    }
}
