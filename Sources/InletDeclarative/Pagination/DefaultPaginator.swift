import InletJSON

/// Pages through responses with a pagination strategy, injecting the page size and the page token
/// where the options say.
public struct DefaultPaginator: ManifestComponent {
    public static let typeName = "DefaultPaginator"

    public let paginationStrategy: any ManifestComponent
    public let pageSizeOption: RequestOption?
    /// A `RequestOption`, or `RequestPath` when the token is the next URL.
    public let pageTokenOption: (any ManifestComponent)?
    public let decoder: (any ManifestComponent)?

    public init(from node: ManifestNode) throws(ManifestError) {
        paginationStrategy = try node.requiredComponent("pagination_strategy", among: [
            CursorPagination.self, OffsetIncrement.self, PageIncrement.self,
        ])
        pageSizeOption = try node.component("page_size_option", as: RequestOption.self)
        pageTokenOption = try node.component("page_token_option", among: [RequestOption.self, RequestPath.self])
        decoder = try node.component("decoder", among: DecoderTypes.all)
    }
}
