/// How the properties are split: at most `property_limit` properties, or characters, per request.
public struct PropertyChunking: ManifestComponent {
    public static let typeName = "PropertyChunking"

    public enum LimitType: String, Sendable {
        case characters
        case propertyCount = "property_count"
    }

    public let propertyLimitType: LimitType
    public let propertyLimit: Int?
    /// The record fields whose values say which records of the chunks are one (`id` by default).
    public let mergeKeys: [String]

    public init(from node: ManifestNode) throws(ManifestError) {
        let type = try node.string("property_limit_type") ?? "property_count"
        guard let limitType = LimitType(rawValue: type) else {
            throw node.error("'property_limit_type' must be characters or property_count; found '\(type)'")
        }
        propertyLimitType = limitType
        propertyLimit = try node.integer("property_limit")
        mergeKeys = try node.component("record_merge_strategy", as: GroupByKeyMergeStrategy.self)?.keys ?? ["id"]
    }
}
