import InletHTTP
import InletInterpolation
import InletJSON
import InletProtocol

/// A `DeclarativeStream` ready to read: its requester, paginator, record selector, partition router
/// and cursor, built once per operation.
final class StreamRuntime: Sendable {
    let name: String
    let definition: DeclarativeStream
    let requester: RequesterRuntime
    let selector: RecordSelectorRuntime
    let paginator: PaginatorRuntime
    let router: PartitionRouterRuntime?
    let cursor: DatetimeCursorRuntime?
    let countCursor: IncrementingCountCursorRuntime?
    let ignoreSlicerOptionsOnLaterPages: Bool
    /// The create-poll-download job of an `AsyncRetriever`; the requester, paginator and selector
    /// above then read the job's downloads.
    let asyncJob: AsyncJobRuntime?
    /// The first page of each partition is the part of the parent record that `lazy_read_pointer`
    /// names, as the CDK's `LazySimpleRetriever` reads it on a stream's first sync.
    let readsParentLazily: Bool
    /// How pages shrink when the API asks for smaller ones (`REDUCE_PAGE_SIZE`).
    let pageSizeReduction: PageSizeReduction?
    /// The properties each request asks for, chunk by chunk.
    let queryProperties: QueryPropertiesRuntime?

    /// `hasInputState`: the read starts from a saved state, so a parent is not read lazily.
    init(_ definition: DeclarativeStream, session: ReadSession, depth: Int = 0, hasInputState: Bool = false) throws(DeclarativeError) {
        name = definition.name
        self.definition = definition
        let requesterDefinition: HttpRequester, paginatorDefinition: (any ManifestComponent)?
        let recordSelector: RecordSelector, decoder: (any ManifestComponent)?, downloadExtractor: DpathExtractor?
        let routers: [any ManifestComponent]?, routersAreList: Bool
        switch definition.retriever {
        case let simple as SimpleRetriever:
            (requesterDefinition, paginatorDefinition, recordSelector, decoder) = (simple.requester, simple.paginator, simple.recordSelector, simple.decoder)
            (downloadExtractor, routers, routersAreList) = (nil, simple.partitionRouter, simple.partitionRouterIsList)
            ignoreSlicerOptionsOnLaterPages = simple.ignoreStreamSlicerParametersOnPaginatedRequests
            asyncJob = nil
        case let async as AsyncRetriever:
            // Pages are the job's downloads: the download requester, paginator, decoder and extractor
            // find the records; the record selector's filter and the transformations still apply.
            (requesterDefinition, paginatorDefinition, recordSelector, decoder) = (async.downloadRequester, async.downloadPaginator, async.recordSelector, async.downloadDecoder)
            (downloadExtractor, routers, routersAreList) = (async.downloadExtractor ?? .wholeResponse, async.partitionRouter, async.partitionRouterIsList)
            ignoreSlicerOptionsOnLaterPages = false
            asyncJob = try AsyncJobRuntime(async, streamName: definition.name, session: session)
        case let custom as CustomComponent:
            throw DeclarativeError.config(custom.reason)
        default:
            throw DeclarativeError.config("Stream \(definition.name): \(type(of: definition.retriever).typeName) is not supported by Inlet yet.")
        }
        requester = try RequesterRuntime(definition: requesterDefinition, streamName: definition.name, session: session)
        paginator = try PaginatorRuntime(paginatorDefinition)
        pageSizeReduction = (definition.retriever as? SimpleRetriever)?.pageSizeReduction
        queryProperties = requesterDefinition.queryProperties.map { QueryPropertiesRuntime(parameter: $0.parameter, definition: $0.properties) }
        if queryProperties != nil, pageSizeReduction != nil {
            throw DeclarativeError.config("`page_size_reduction` cannot be used together with query properties on stream \(definition.name): records of earlier property chunks are already out when a chunk asks for a smaller page.")
        }
        try Self.checkPageSizeReduction(pageSizeReduction, requester: requesterDefinition, paginator: paginatorDefinition, streamName: definition.name)
        var schema: JSONObject?
        if recordSelector.schemaNormalization?.mode == .default {
            schema = try SchemaLoaderRuntime(stream: definition, parameters: [:]).schemaWithoutRequests(session: session)
        }
        let streamNode = definition.path.value(in: session.manifest.resolved) ?? session.manifest.resolved
        selector = try RecordSelectorRuntime(selector: recordSelector, transformations: definition.transformations,
                                             schema: schema, retrieverDecoder: decoder,
                                             responseMembersRead: ResponseReads.members(in: streamNode), extractor: downloadExtractor)
        // An empty list of routers is no router at all, as in the CDK.
        if let components = routers, !components.isEmpty {
            router = try PartitionRouterRuntime(components, isProduct: routersAreList,
                                                streamName: definition.name, session: session, depth: depth)
        } else {
            router = nil
        }
        switch definition.incrementalSync {
        case nil:
            cursor = nil
            countCursor = nil
        case let datetime as DatetimeBasedCursor:
            cursor = try DatetimeCursorRuntime(datetime, streamName: definition.name, session: session)
            countCursor = nil
        case let count as IncrementingCountCursor:
            guard router == nil else {
                throw DeclarativeError.config("The low-code framework does not currently support usage of a PartitionRouter and an IncrementingCountCursor at the same time. Please specify only one of these options for stream \(definition.name).")
            }
            cursor = nil
            countCursor = try IncrementingCountCursorRuntime(count, streamName: definition.name, session: session)
        case let custom as CustomComponent:
            throw DeclarativeError.config(custom.reason)
        default:
            throw DeclarativeError.config("Stream \(definition.name): this incremental sync is not supported by Inlet yet.")
        }
        readsParentLazily = !hasInputState && router?.parents.contains { $0.lazyReadPointer != nil } == true
        if readsParentLazily {
            if let datetime = definition.incrementalSync as? DatetimeBasedCursor, datetime.step != nil || datetime.cursorGranularity != nil {
                throw DeclarativeError.config("Found more that one slice per parent. LazySimpleRetriever only supports single slice read for stream - \(definition.name).")
            }
            if let incremental = definition.incrementalSync, !(incremental is DatetimeBasedCursor) {
                throw DeclarativeError.config("LazySimpleRetriever only supports DatetimeBasedCursor. Found: \(type(of: incremental).typeName).")
            }
            if let decoder, !(decoder is JsonDecoder) {
                throw DeclarativeError.config("LazySimpleRetriever only supports JsonDecoder. Found: \(type(of: decoder).typeName).")
            }
        }
    }

    var supportsIncremental: Bool { cursor != nil || countCursor != nil }

    func schema(session: ReadSession) async throws -> JSONObject {
        try await SchemaLoaderRuntime(stream: definition, parameters: [:]).schema(session: session)
    }

    /// Reads every record of the stream, as a parent stream is read for its children: from scratch,
    /// or from `state` for a parent the child depends on incrementally. Returns the state after.
    @discardableResult
    func forEachRecord(session: ReadSession, state: JSONObject = [:], _ body: (LazyJSONObject, StreamSlice) async throws -> Void) async throws -> JSONObject {
        let sync = StreamSync(stream: self, session: session, state: state)
        try await sync.run(
            records: { records, slice in
                for record in records { try await body(record, slice) }
            },
            checkpoint: { _ in })
        return sync.currentState
    }

    // MARK: - Reading one slice

    /// Reads all pages of one slice, passing each page's selected records to `body`.
    ///
    /// The next page is requested as soon as its token is known, so the API's latency overlaps the
    /// work on this page: before filters and transformations run when the token does not depend on
    /// them, else while the records are handed on. Requests still go one after another, in the order
    /// the CDK sends them.
    func readSlice(_ slice: StreamSlice, session: ReadSession, accept: ((LazyJSONObject) -> Bool)? = nil,
                   stopAfter: ((LazyJSONObject) -> Bool)? = nil,
                   _ body: ([LazyJSONObject]) async throws -> Void) async throws {
        guard let asyncJob else {
            try await readPages(slice, session: session, accept: accept, stopAfter: stopAfter, body)
            return
        }
        let job = try await asyncJob.run(slice, session: session)
        for download in job.downloads {
            try await readPages(download, session: session, accept: accept, stopAfter: stopAfter, body)
        }
        try await asyncJob.deleteJob(job, session: session)
    }

    /// The pages of one slice (of one download, for an async job).
    private func readPages(_ slice: StreamSlice, session: ReadSession, accept: ((LazyJSONObject) -> Bool)?,
                           stopAfter: ((LazyJSONObject) -> Bool)?, _ body: ([LazyJSONObject]) async throws -> Void) async throws {
        if let queryProperties {
            try await readPagesInPropertyChunks(slice, queryProperties: queryProperties, session: session, accept: accept, body)
            return
        }
        var token = paginator.initialToken
        var page: FetchedPage
        let reducer = pageSizeReduction.map {
            PageSizeReducer($0, configuredPageSize: try? paginator.pageSize(session: session), streamName: name)
        }
        if readsParentLazily, let childResponse = slice.extraFields["child_response"] {
            // The parent's embedded page stands for the first response; later pages are requested.
            token = nil
            page = FetchedPage(response: HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: JSONWriter.bytes(from: childResponse)))
        } else {
            page = try await fetchPage(token: token, slice: slice, reducer: reducer, session: session)
        }
        while let current = page.response, current.status < 400 {
            let extracted = try selector.extract(current, slice: slice, nextPageToken: token, session: session)
            if stopAfter == nil, !paginator.nextTokenReadsSelectedRecords,
               case .success(let nextToken?) = nextToken(after: page, extracted, selected: [], lastToken: token, slice: slice, session: session) {
                async let upcoming = fetchPage(token: nextToken, slice: slice, reducer: reducer, session: session)
                var records = try selector.refine(extracted, slice: slice, nextPageToken: token, session: session).records
                if let accept { records.removeAll { !accept($0) } }
                if !records.isEmpty { try await body(records) }
                page = try await upcoming
                token = nextToken
                continue
            }
            var records = try selector.refine(extracted, slice: slice, nextPageToken: token, session: session).records
            if let accept { records.removeAll { !accept($0) } }
            if let stopAfter, let lastRecord = records.last, stopAfter(lastRecord) {
                if !records.isEmpty { try await body(records) }
                return
            }
            let next = nextToken(after: page, extracted, selected: records, lastToken: token, slice: slice, session: session)
            guard case .success(let nextToken?) = next else {
                // The last page, or a token that fails: this page's records still go out first.
                if !records.isEmpty { try await body(records) }
                _ = try next.get()
                return
            }
            async let upcoming = fetchPage(token: nextToken, slice: slice, reducer: reducer, session: session)
            if !records.isEmpty { try await body(records) }
            page = try await upcoming
            token = nextToken
        }
    }

    private func nextToken(after fetched: FetchedPage, _ page: ExtractedPage, selected: [LazyJSONObject], lastToken: JSONValue?,
                           slice: StreamSlice, session: ReadSession) -> Result<JSONValue?, DeclarativeError> {
        Result { () throws(DeclarativeError) in
            guard let response = fetched.response else { return nil }
            return try paginator.nextToken(after: PageContext(
                response: response, decoded: page.remainder, selectedCount: selected.count,
                extractedCount: page.extractedCount, lastRecord: selected.last, lastToken: lastToken, slice: slice,
                pageSizeOverride: fetched.pageSizeOverride),
                session: session)
        }
    }

    /// The pages of one slice when requests ask for properties: each page is requested once per
    /// chunk of properties, and the chunks' records with the same merge key are merged into one, as
    /// the CDK's retriever does; the next page follows from the last chunk's response.
    private func readPagesInPropertyChunks(_ slice: StreamSlice, queryProperties: QueryPropertiesRuntime, session: ReadSession,
                                           accept: ((LazyJSONObject) -> Bool)?, _ body: ([LazyJSONObject]) async throws -> Void) async throws {
        let chunks = try await queryProperties.chunks(session: session)
        var token = paginator.initialToken
        while true {
            var records: [LazyJSONObject] = []
            var merged: [String: JSONObject] = [:], mergeOrder: [String] = []
            var last: (page: FetchedPage, extracted: ExtractedPage, slice: StreamSlice)?
            for chunk in chunks {
                var chunkSlice = slice
                chunkSlice.extraFields["query_properties"] = .array(chunk.map(JSONValue.string))
                var parameter = RequestOptions()
                parameter.parameters[queryProperties.parameter] = .string(chunk.joined(separator: ","))
                let page = try await fetchPage(token: token, slice: chunkSlice, reducer: nil, session: session, extra: parameter)
                guard let response = page.response, response.status < 400 else { return }
                let extracted = try selector.extract(response, slice: chunkSlice, nextPageToken: token, session: session)
                for record in try selector.refine(extracted, slice: chunkSlice, nextPageToken: token, session: session).records {
                    guard let key = queryProperties.mergeKey(of: record.object) else {
                        records.append(record)
                        continue
                    }
                    if merged[key] == nil { mergeOrder.append(key) }
                    merged[key] = Self.deepMerged(merged[key] ?? [:], record.object)
                }
                last = (page, extracted, chunkSlice)
            }
            records += mergeOrder.compactMap { merged[$0].map(LazyJSONObject.init) }
            if let accept { records.removeAll { !accept($0) } }
            guard let last else { return }
            let next = nextToken(after: last.page, last.extracted, selected: records, lastToken: token, slice: last.slice, session: session)
            if !records.isEmpty { try await body(records) }
            guard let nextToken = try next.get() else { return }
            token = nextToken
        }
    }

    /// The CDK's `_deep_merge`: nested objects merge member by member, anything else is replaced.
    static func deepMerged(_ target: JSONObject, _ source: JSONObject) -> JSONObject {
        var result = target
        for (key, value) in source {
            if case .object(let existing)? = result[key], case .object(let incoming) = value {
                result[key] = .object(deepMerged(existing, incoming))
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// A page's response (nil when the error handler ignored it) and the reduced page size it was
    /// requested with.
    private struct FetchedPage: Sendable {
        var response: HTTPResponse?
        var pageSizeOverride: Int?
    }

    /// Sends the request for the page `token` names (the first page for `nil`); when the API asks
    /// for smaller pages, requests the same page again with fewer records, as `reducer` allows.
    private func fetchPage(token: JSONValue?, slice: StreamSlice, reducer: PageSizeReducer?, session: ReadSession,
                           extra: RequestOptions = RequestOptions()) async throws -> FetchedPage {
        while true {
            try Task.checkCancellation()
            let pageSizeOverride = await reducer?.pageSizeOverride
            var options = try paginator.requestOptions(token: token, pageSizeOverride: pageSizeOverride, session: session)
            // A job's downloads carry none of the slice's request options, as the CDK's download retriever.
            if asyncJob == nil, token == nil || !ignoreSlicerOptionsOnLaterPages {
                try options.combine(with: try slicerOptions(for: slice, session: session))
            }
            try options.combine(with: extra)
            let outcome: Result<HTTPResponse?, DeclarativeError>
            do {
                outcome = .success(try await requester.send(
                    slice: slice, nextPageToken: token, pathOverride: paginator.pathOverride(token: token),
                    extra: options, session: session))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let response):
                await reducer?.pageSucceeded()
                return FetchedPage(response: response, pageSizeOverride: pageSizeOverride)
            case .failure(let error):
                guard error.asksForSmallerPage else { throw error }
                try await waitForSmallerPage(reducer, rejection: error.message, session: session)
            }
        }
    }

    /// Shrinks the page size after a `REDUCE_PAGE_SIZE` response and waits before the page goes again.
    private func waitForSmallerPage(_ reducer: PageSizeReducer?, rejection: String, session: ReadSession) async throws {
        guard let reducer else {
            throw DeclarativeError.config("Stream \(name) resolves an API response to the REDUCE_PAGE_SIZE action but is not set up to send a smaller page. Add `page_size_reduction` to the stream's retriever, or remove the REDUCE_PAGE_SIZE action from its error handler.")
        }
        let wait = try await reducer.reduce(rejection: rejection)
        let size = await reducer.pageSizeOverride
        await session.log(.info, "Stream \(name): the API asked for a smaller page; requesting it again with \(size.map(String.init) ?? "as many") records in \(wait) s.")
        do { try await session.sleep(wait) } catch {
            throw DeclarativeError(.transientError, "The read was cancelled while waiting to request a smaller page.")
        }
    }

    /// What the CDK refuses when it builds a stream with `page_size_reduction` or the
    /// `REDUCE_PAGE_SIZE` action: a reduction that cannot be sent, or that would skip records.
    private static func checkPageSizeReduction(_ reduction: PageSizeReduction?, requester: HttpRequester,
                                               paginator: (any ManifestComponent)?, streamName: String) throws(DeclarativeError) {
        let usesAction = ErrorHandlerTypes.filters(of: requester.errorHandler).contains { $0.action == .reducePageSize }
        guard reduction != nil else {
            if usesAction {
                throw DeclarativeError.config("Stream \(streamName) has a response filter with the REDUCE_PAGE_SIZE action but the retriever does not define `page_size_reduction`. Add a `page_size_reduction` block to the retriever.")
            }
            return
        }
        guard let paginator = paginator as? DefaultPaginator else {
            throw DeclarativeError.config("`page_size_reduction` requires a DefaultPaginator on stream \(streamName) so that the connector can send a smaller page size.")
        }
        guard paginator.pageSizeOption != nil else {
            throw DeclarativeError.config("`page_size_reduction` requires `page_size_option` on the paginator of stream \(streamName): without it the connector cannot tell the API to send a smaller page.")
        }
        if paginator.pageTokenOption is RequestPath {
            throw DeclarativeError.config("`page_size_reduction` cannot be used on stream \(streamName), whose next page is a URL from the API: that URL already carries the page size.")
        }
        if paginator.paginationStrategy is PageIncrement {
            throw DeclarativeError.config("`page_size_reduction` cannot be used with PageIncrement on stream \(streamName): a smaller page moves every later page boundary and would skip records.")
        }
    }

    /// What the partition router and the cursor add to a request for this slice.
    func slicerOptions(for slice: StreamSlice, session: ReadSession) throws(DeclarativeError) -> RequestOptions {
        var options = try router?.requestOptions(for: slice, session: session) ?? RequestOptions()
        if let countCursor, let option = countCursor.definition.startValueOption, let value = slice["start"] {
            try options.inject(option, value: value, context: session.context(hasToken: false))
        }
        if let cursor {
            let context = session.context(hasToken: false)
            if let option = cursor.definition.startTimeOption, let value = slice[cursor.startField] {
                var added = RequestOptions()
                try added.inject(option, value: value, context: context)
                try options.combine(with: added)
            }
            if let option = cursor.definition.endTimeOption, let value = slice[cursor.endField] {
                var added = RequestOptions()
                try added.inject(option, value: value, context: context)
                try options.combine(with: added)
            }
        }
        return options
    }
}

extension RequestOptions {
    /// Adds another source's options, refusing conflicting keys as `combine_mappings` does.
    mutating func combine(with other: RequestOptions) throws(DeclarativeError) {
        try Self.combine(&parameters, other.parameters, allowSameValue: false)
        try Self.combine(&headers, other.headers, allowSameValue: false)
        try Self.combine(&bodyData, other.bodyData, allowSameValue: false)
        try Self.combine(&bodyJSON, other.bodyJSON, allowSameValue: true)
        if let text = other.bodyText {
            guard bodyText == nil, bodyData.isEmpty else { throw DeclarativeError.config("Cannot combine multiple options if one is a string") }
            bodyText = text
        }
    }
}
