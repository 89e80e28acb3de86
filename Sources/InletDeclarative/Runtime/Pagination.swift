import InletHTTP
import InletInterpolation
import InletJSON

/// Everything a pagination strategy may look at to find the next page.
struct PageContext {
    var response: HTTPResponse
    /// The first decoded document of the response (without the records, when templates cannot see them).
    var decoded: JSONValue
    /// Records the page produced after selection.
    var selectedCount: Int
    /// Records the extractor found before filtering (the CDK counts these for offsets and pages).
    var extractedCount: Int
    var lastRecord: LazyJSONObject?
    var lastToken: JSONValue?
    var slice: StreamSlice
    /// The reduced page size the page was requested with (`REDUCE_PAGE_SIZE`), if any.
    var pageSizeOverride: Int?
}

/// A paginator of the manifest, ready to page.
struct PaginatorRuntime: Sendable {
    let paginator: DefaultPaginator?
    let decoder: DecoderRuntime
    /// Whether the next token depends on the records selected from a page (their number or the
    /// last one), rather than on the response and the number of records extracted.
    let nextTokenReadsSelectedRecords: Bool

    init(_ component: (any ManifestComponent)?) throws(DeclarativeError) {
        switch component {
        case nil, is NoPagination:
            paginator = nil
            decoder = try DecoderRuntime(nil)
            nextTokenReadsSelectedRecords = false
        case let paginator as DefaultPaginator:
            self.paginator = paginator
            decoder = try DecoderRuntime(paginator.decoder)
            switch paginator.paginationStrategy {
            case let cursor as CursorPagination:
                let recordVariables: Set<String> = ["last_record", "last_records", "last_page_size"]
                nextTokenReadsSelectedRecords = cursor.cursorValue.reads(anyOf: recordVariables)
                    || cursor.stopCondition?.condition?.reads(anyOf: recordVariables) == true
            case is OffsetIncrement, is PageIncrement:
                nextTokenReadsSelectedRecords = false
            case let custom as CustomComponent: throw DeclarativeError.config(custom.reason)
            default: throw DeclarativeError.config("This pagination strategy is not supported by Inlet yet.")
            }
        case let custom as CustomComponent:
            throw DeclarativeError.config(custom.reason)
        default:
            throw DeclarativeError.config("This paginator is not supported by Inlet yet.")
        }
    }

    var initialToken: JSONValue? {
        switch paginator?.paginationStrategy {
        case let offset as OffsetIncrement: return offset.injectOnFirstRequest ? .int(0) : nil
        case let page as PageIncrement: return page.injectOnFirstRequest ? .int(Int64(page.startFromPage)) : nil
        default: return nil
        }
    }

    /// The page size requested: a reduced one when given, else the strategy's.
    func pageSize(session: ReadSession, override: Int? = nil) throws(DeclarativeError) -> Int? {
        if let override { return override }
        let context = session.context(hasToken: false)
        switch paginator?.paginationStrategy {
        case let cursor as CursorPagination: return try cursor.pageSize?.value(context, at: "page_size")
        case let offset as OffsetIncrement: return try offset.pageSize?.value(context, at: "page_size")
        case let page as PageIncrement: return try page.pageSize?.value(context, at: "page_size")
        default: return nil
        }
    }

    /// The next page's token, or `nil` when this was the last page.
    func nextToken(after page: PageContext, session: ReadSession) throws(DeclarativeError) -> JSONValue? {
        guard let paginator else { return nil }
        switch paginator.paginationStrategy {
        case let cursor as CursorPagination:
            var context = session.context(slice: page.slice, hasToken: false)
            context[.response] = JinjaValue(page.decoded)
            var headers = HttpResponseFilter.headerObject(page.response)
            headers["link"] = .object(Self.links(page.response))
            context[.headers] = .jsonObject(headers)
            context[.lastRecord] = page.lastRecord.map { .jsonObject($0.object) } ?? JinjaValue.none
            context[.lastPageSize] = .int(Int64(page.selectedCount))
            context.set("page_size", to: try pageSize(session: session, override: page.pageSizeOverride).map { .int(Int64($0)) } ?? JinjaValue.none)
            if let stop = cursor.stopCondition, try evaluate(stop, context, at: "stop_condition") { return nil }
            let token = try evaluate(cursor.cursorValue, context, at: "cursor_value")
            return ComponentTransformer.isTruthy(token) ? token : nil
        case let offset as OffsetIncrement:
            let size = try pageSize(session: session, override: page.pageSizeOverride)
            if let size, page.extractedCount < size { return nil }
            if page.extractedCount == 0 { return nil }
            guard let last = page.lastToken else { return .int(Int64(page.extractedCount)) }
            guard let value = last.intValue else {
                throw DeclarativeError.system("Last page token value \(last) for OffsetIncrement pagination strategy was not an integer")
            }
            return .int(value + Int64(page.extractedCount))
        case let increment as PageIncrement:
            let size = try pageSize(session: session, override: page.pageSizeOverride)
            if let size, page.extractedCount < size { return nil }
            if page.extractedCount == 0 { return nil }
            guard let last = page.lastToken else { return .int(Int64(increment.startFromPage + 1)) }
            guard let value = last.intValue else {
                throw DeclarativeError.system("Last page token value \(last) for PageIncrement pagination strategy was not an integer")
            }
            return .int(value + 1)
        default:
            return nil
        }
    }

    /// With `RequestPath`, the next page is requested at the token itself.
    func pathOverride(token: JSONValue?) -> String? {
        guard let token, ComponentTransformer.isTruthy(token), paginator?.pageTokenOption is RequestPath else { return nil }
        return PythonValueText.str(token)
    }

    /// The page size and page token, where the options say.
    func requestOptions(token: JSONValue?, pageSizeOverride: Int? = nil, session: ReadSession) throws(DeclarativeError) -> RequestOptions {
        var options = RequestOptions()
        guard let paginator else { return options }
        let context = session.context(hasToken: false)
        if let token, let option = paginator.pageTokenOption as? RequestOption {
            try options.inject(option, value: token, context: context)
        }
        if let option = paginator.pageSizeOption, let size = try pageSize(session: session, override: pageSizeOverride), size != 0 {
            try options.inject(option, value: .int(Int64(size)), context: context)
        }
        return options
    }

    /// `requests`' `response.links`: keyed by `rel`, each a mapping with `url` and the parameters.
    static func links(_ response: HTTPResponse) -> JSONObject {
        var links = JSONObject()
        for link in response.links {
            links[link.key] = .object(JSONObject(link.parameters.map { ($0.0, JSONValue.string($0.1)) }))
        }
        return links
    }
}
