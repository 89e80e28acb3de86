import InletJSON

/// The properties a request asks for, in a request parameter (`properties=a,b,c`): a list, or read
/// from an endpoint, and split into chunks when the API limits them, each chunk a request of its
/// own whose records are merged back into one.
public struct QueryProperties: ManifestComponent {
    public static let typeName = "QueryProperties"

    public enum PropertyList: Sendable {
        case fixed([String])
        case fromEndpoint(PropertiesFromEndpoint)
    }

    public let propertyList: PropertyList
    public let alwaysIncludeProperties: [String]?
    public let propertyChunking: PropertyChunking?

    public init(from node: ManifestNode) throws(ManifestError) {
        if case .array? = node.value["property_list"] {
            propertyList = .fixed(try node.stringList("property_list") ?? [])
        } else if let endpoint = try node.component("property_list", as: PropertiesFromEndpoint.self) {
            propertyList = .fromEndpoint(endpoint)
        } else {
            throw node.error("'property_list' must be a list of properties or a PropertiesFromEndpoint")
        }
        alwaysIncludeProperties = try node.stringList("always_include_properties")
        propertyChunking = try node.component("property_chunking", as: PropertyChunking.self)
        if node.member("property_selector") != nil {
            throw node.error("'property_selector' (properties chosen by the configured catalog) is not supported by Inlet yet")
        }
    }

    /// The chunks of properties to ask for, one request each, as the CDK splits them.
    func chunks(of properties: [String]) -> [[String]] {
        let always = alwaysIncludeProperties ?? []
        guard let chunking = propertyChunking else { return [always + properties] }
        guard let limit = chunking.propertyLimit, limit > 0 else { return [properties + always] }
        var chunks: [[String]] = []
        var current = always, size = 0
        for property in properties {
            // A property costs its length and an encoded comma (`%2C`), or one.
            let cost = chunking.propertyLimitType == .characters ? property.count + 3 : 1
            if size + cost > limit {
                chunks.append(current)
                current = always
                size = 0
            }
            current.append(property)
            size += cost
        }
        chunks.append(current)
        return chunks
    }
}
