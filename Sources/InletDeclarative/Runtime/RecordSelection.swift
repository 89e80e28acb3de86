import InletHTTP
import InletInterpolation
import InletJSON

/// What the selector gives back for one page: the records, and how many the extractor found before
/// filtering (pagination counts those).
struct SelectedPage {
    var records: [LazyJSONObject]
    var extractedCount: Int
    /// The first decoded document, for pagination templates; without the records when they were
    /// kept raw (no template of the stream can read them then).
    var remainder: JSONValue
}

extension DpathExtractor {
    /// `field_path` with its templates evaluated.
    func evaluatedPath(_ context: InterpolationContext) throws(DeclarativeError) -> [String] {
        var path: [String] = []
        for part in fieldPath { path.append(PythonValueText.str(try evaluate(part, context, at: "field_path"))) }
        return path
    }
}

/// A page between extraction and selection.
struct ExtractedPage {
    var records: [JSONObject]
    /// Records kept raw for `RawRecordEdits`.
    var rawRecords: [RawJSONObject] = []
    var extractedCount: Int
    var remainder: JSONValue
    /// The selected page already, when its records pass unchanged.
    var final: SelectedPage?
}

/// A record selector of the manifest, ready to turn responses into records.
struct RecordSelectorRuntime: Sendable {
    let selector: RecordSelector
    let extractor: DpathExtractor
    let decoder: DecoderRuntime
    let transformations: [any ManifestComponent]
    let schema: JSONObject?
    /// The members of `response` that the stream's templates read, or nil when they may read any.
    let responseMembersRead: Set<String>?
    /// The filter and transformations for records kept raw, when they can work on those.
    let rawEdits: RawRecordEdits?

    /// `extractor`, when given, finds the records instead of the selector's own (an AsyncRetriever's
    /// download extractor).
    init(selector: RecordSelector, transformations: [any ManifestComponent], schema: JSONObject?,
         retrieverDecoder: (any ManifestComponent)?, responseMembersRead: Set<String>?,
         extractor replacement: DpathExtractor? = nil) throws(DeclarativeError) {
        self.selector = selector
        switch replacement ?? selector.extractor {
        case let dpath as DpathExtractor: extractor = dpath
        case let custom as CustomComponent: throw DeclarativeError.config(custom.reason)
        default: throw DeclarativeError.config("This record extractor is not supported by Inlet yet.")
        }
        decoder = try DecoderRuntime(extractor.decoder ?? retrieverDecoder)
        if let custom = selector.recordFilter as? CustomComponent { throw DeclarativeError.config(custom.reason) }
        for transformation in transformations {
            if let custom = transformation as? CustomComponent { throw DeclarativeError.config(custom.reason) }
            if let unsupported = transformation as? UnsupportedComponent { throw DeclarativeError.config(unsupported.reason) }
        }
        self.transformations = transformations
        self.schema = selector.schemaNormalization?.mode == .default ? schema : nil
        self.responseMembersRead = responseMembersRead
        rawEdits = decoder.isJSON && self.schema == nil ? RawRecordEdits(selector: selector, transformations: transformations) : nil
    }

    /// Records pass through unchanged: nothing filters, transforms or normalises them.
    private var passesRecordsUnchanged: Bool {
        decoder.isJSON && selector.recordFilter == nil && transformations.isEmpty && schema == nil
    }

    /// The records as the extractor finds them, before filters and
    /// transformations, which is all pagination by offsets or pages needs.
    func extract(_ response: HTTPResponse, slice: StreamSlice, nextPageToken: JSONValue?, session: ReadSession) throws(DeclarativeError) -> ExtractedPage {
        let path = try extractor.evaluatedPath(session.context(slice: slice, nextPageToken: nextPageToken))
        if let page = rawPage(response.body, path: path) {
            return ExtractedPage(records: [], extractedCount: page.extractedCount, remainder: page.remainder, final: page)
        }
        if rawEdits != nil, recordsAreUnseen(path: path),
           let split = SplitJSONDocument(splitting: response.body, atPath: path) {
            return ExtractedPage(records: [], rawRecords: split.records, extractedCount: split.extractedCount,
                                 remainder: path.isEmpty ? .object([:]) : split.remainder, final: nil)
        }

        let documents = decoder.decode(response.body)
        var extracted: [JSONObject] = []
        var count = 0
        for document in documents {
            for element in Dpath.extracted(from: document, path) {
                count += 1
                if case .object(let record) = element { extracted.append(record) }
            }
        }
        return ExtractedPage(records: extracted, extractedCount: count, remainder: documents.first ?? .object([:]), final: nil)
    }

    /// The page after `extract`: filters, transformations and schema normalisation.
    func refine(_ page: ExtractedPage, slice: StreamSlice, nextPageToken: JSONValue?, session: ReadSession) throws(DeclarativeError) -> SelectedPage {
        if let final = page.final { return final }
        var records: [LazyJSONObject] = []
        records.reserveCapacity(page.records.count + page.rawRecords.count)
        // What filters and transformations see besides the record is the same for the whole page; each
        // context is set up once and only its `record` changes.
        var filterContext = session.context(slice: slice, nextPageToken: nextPageToken)
        var transformContext = session.context(slice: slice, hasToken: false)
        func refineParsed(_ record: JSONObject) throws(DeclarativeError) {
            var record = record
            if selector.transformBeforeFiltering {
                try transform(&record, context: &transformContext, session: session)
                guard try passesFilter(record, context: &filterContext) else { return }
            } else {
                guard try passesFilter(record, context: &filterContext) else { return }
                try transform(&record, context: &transformContext, session: session)
            }
            if let schema { record = SchemaNormalizer.normalize(record, schema: schema) }
            records.append(LazyJSONObject(record))
        }
        if let rawEdits {
            for raw in page.rawRecords {
                // Records with repeated keys or spaces keep their exact meaning on the general path.
                guard let edited = EditedRawJSONObject(raw) else {
                    try refineParsed(raw.parsed())
                    continue
                }
                if let kept = try rawEdits.apply(to: edited, filterContext: &filterContext, transformContext: &transformContext) {
                    records.append(LazyJSONObject(edited: kept))
                }
            }
        }
        for record in page.records { try refineParsed(record) }
        return SelectedPage(records: records, extractedCount: page.extractedCount, remainder: page.remainder)
    }

    /// The page with its records left as the bytes they came in, when nothing needs their values:
    /// no component changes them and no template can read the member that holds them. Nil otherwise,
    /// or when the body's shape needs the general path.
    private func rawPage(_ body: [UInt8], path: [String]) -> SelectedPage? {
        guard passesRecordsUnchanged, recordsAreUnseen(path: path) else { return nil }
        // Top-level nulls go now: no component reads records on this path, and the output drops them.
        guard let split = SplitJSONDocument(splitting: body, atPath: path, dropsTopLevelNulls: true) else { return nil }
        return SelectedPage(records: split.records.map(LazyJSONObject.init(raw:)), extractedCount: split.extractedCount,
                            remainder: path.isEmpty ? .object([:]) : split.remainder)
    }

    /// `context` is the page's; its `record` is set for the condition and cleared again.
    /// No template of the stream can read the records through `response`, so they need not be parsed
    /// as part of it.
    private func recordsAreUnseen(path: [String]) -> Bool {
        guard let membersRead = responseMembersRead, !path.contains("*") else { return false }
        if let recordsMember = path.first { return !membersRead.contains(recordsMember) }
        return membersRead.isEmpty
    }

    private func passesFilter(_ record: JSONObject, context: inout InterpolationContext) throws(DeclarativeError) -> Bool {
        guard let filter = selector.recordFilter as? RecordFilter, let condition = filter.condition else { return true }
        context[.record] = .jsonObject(record)
        defer { context[.record] = nil }
        return try evaluate(condition, context, at: "record_filter.condition")
    }

    /// Applies the stream's transformations; `context` holds the page's slice and is left as it came.
    func transform(_ record: inout JSONObject, context: inout InterpolationContext, session: ReadSession) throws(DeclarativeError) {
        for transformation in transformations {
            try RecordTransformations.apply(transformation, to: &record, sliceContext: &context, session: session)
        }
    }
}

/// The CDK's default schema normalisation: values cast to the single non-null type their schema
/// property declares, through nested objects and arrays.
enum SchemaNormalizer {
    static func normalize(_ record: JSONObject, schema: JSONObject) -> JSONObject {
        guard case .object(let properties)? = schema["properties"] else { return record }
        var result = record
        for (key, value) in record {
            guard case .object(let subschema)? = properties[key] else { continue }
            result[key] = convert(value, subschema)
        }
        return result
    }

    static func convert(_ value: JSONValue, _ schema: JSONObject) -> JSONValue {
        var types: [String]
        switch schema["type"] {
        case .string(let type)?: types = [type]
        case .array(let list)?: types = list.compactMap(\.stringValue)
        default: types = []
        }
        if value.isNull && types.contains("null") { return .null }
        types.removeAll { $0 == "null" }
        var converted = value
        if types.count == 1 {
            switch types[0] {
            case "string": converted = .string(PythonValueText.str(value))
            case "number":
                if let number = value.doubleValue { converted = .double(number) } else if case .string(let text) = value, let number = Double(text.trimmingCharacters(in: " ")) { converted = .double(number) }
            case "integer":
                if case .string(let text) = value, let integer = Int64(text.trimmingCharacters(in: " ")) { converted = .int(integer) }
                else if case .double(let double) = value, double.isFinite, let integer = Int64(exactly: double.rounded(.towardZero)) { converted = .int(integer) }
                else if case .bool(let flag) = value { converted = .int(flag ? 1 : 0) }
            case "boolean":
                if case .string(let text) = value {
                    let lowered = text.lowercased().trimmingCharacters(in: " ")
                    if ["y", "yes", "t", "true", "on", "1"].contains(lowered) { converted = .bool(true) }
                    else if ["n", "no", "f", "false", "off", "0"].contains(lowered) { converted = .bool(false) }
                } else if !value.isNull {
                    converted = .bool(ComponentTransformer.isTruthy(value))
                }
            case "array":
                switch value {
                case .array, .object, .null: break
                default: converted = .array([value])
                }
            default: break
            }
        }
        switch converted {
        case .object(let object): return .object(normalize(object, schema: schema))
        case .array(let elements):
            if case .object(let itemSchema)? = schema["items"] { return .array(elements.map { convert($0, itemSchema) }) }
            return converted
        default: return converted
        }
    }
}
