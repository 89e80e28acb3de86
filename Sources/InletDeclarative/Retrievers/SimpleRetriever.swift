import InletJSON

/// Reads a stream: for each partition, requests pages and selects their records.
public struct SimpleRetriever: ManifestComponent {
    public static let typeName = "SimpleRetriever"

    public let requester: HttpRequester
    public let recordSelector: RecordSelector
    public let paginator: (any ManifestComponent)?
    public let partitionRouter: [any ManifestComponent]?
    /// Written as a list (a cartesian product, even of one router), which changes the state format.
    public let partitionRouterIsList: Bool
    public let decoder: (any ManifestComponent)?
    public let ignoreStreamSlicerParametersOnPaginatedRequests: Bool
    public let name: String?
    public let pageSizeReduction: PageSizeReduction?

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let requester = try node.component("requester", as: HttpRequester.self) else {
            throw node.error("the required field 'requester' is missing")
        }
        self.requester = requester
        guard let selector = try node.component("record_selector", as: RecordSelector.self) else {
            throw node.error("the required field 'record_selector' is missing")
        }
        recordSelector = selector
        paginator = try node.component("paginator", among: [DefaultPaginator.self, NoPagination.self])
        partitionRouter = try PartitionRouterTypes.decode(node, key: "partition_router")
        if case .array? = node.value["partition_router"] { partitionRouterIsList = true } else { partitionRouterIsList = false }
        decoder = try node.component("decoder", among: DecoderTypes.all)
        ignoreStreamSlicerParametersOnPaginatedRequests = try node.bool("ignore_stream_slicer_parameters_on_paginated_requests") ?? false
        name = try node.string("name")
        pageSizeReduction = try node.component("page_size_reduction", as: PageSizeReduction.self)
    }
}
