import InletJSON

/// The partition routers a `partition_router:` field accepts (one, or a list for a cartesian product).
enum PartitionRouterTypes {
    static let all: [any ManifestComponent.Type] = [
        SubstreamPartitionRouter.self, ListPartitionRouter.self, GroupingPartitionRouter.self,
    ]

    static func decode(_ node: ManifestNode, key: String) throws(ManifestError) -> [any ManifestComponent]? {
        guard let member = node.member(key) else { return nil }
        if case .array = member.value {
            var routers: [any ManifestComponent] = []
            for element in try member.elements() { routers.append(try element.decodeComponent(among: all)) }
            return routers
        }
        return [try member.decodeComponent(among: all)]
    }
}
