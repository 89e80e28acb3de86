public import InletInterpolation
public import InletJSON

/// Incremental reads by a datetime cursor field, in windows of `step` from `start_datetime` to
/// `end_datetime` (or now), resuming from the state's cursor value minus `lookback_window`.
public struct DatetimeBasedCursor: ManifestComponent {
    public static let typeName = "DatetimeBasedCursor"

    public let cursorField: InterpolatedString
    public let allowCatalogDefinedCursorField: Bool
    public let datetimeFormat: String
    public let cursorDatetimeFormats: [String]
    public let startDatetime: MinMaxDatetime
    public let endDatetime: MinMaxDatetime?
    public let startTimeOption: RequestOption?
    public let endTimeOption: RequestOption?
    public let step: InterpolatedString?
    public let cursorGranularity: InterpolatedString?
    public let lookbackWindow: InterpolatedString?
    public let partitionFieldStart: InterpolatedString?
    public let partitionFieldEnd: InterpolatedString?
    public let isDataFeed: Bool
    public let isClientSideIncremental: Bool
    public let isCompareStrictly: Bool
    public let globalSubstreamCursor: Bool
    public let clamping: JSONObject?

    public init(from node: ManifestNode) throws(ManifestError) {
        cursorField = try node.requiredInterpolatedString("cursor_field")
        allowCatalogDefinedCursorField = try node.bool("allow_catalog_defined_cursor_field") ?? false
        datetimeFormat = try node.requiredString("datetime_format")
        cursorDatetimeFormats = try node.stringList("cursor_datetime_formats") ?? []
        guard let start = try MinMaxDatetime.decode(node, key: "start_datetime") else {
            throw node.error("the required field 'start_datetime' is missing")
        }
        startDatetime = start
        endDatetime = try MinMaxDatetime.decode(node, key: "end_datetime")
        startTimeOption = try node.component("start_time_option", as: RequestOption.self)
        endTimeOption = try node.component("end_time_option", as: RequestOption.self)
        step = try node.interpolatedString("step")
        cursorGranularity = try node.interpolatedString("cursor_granularity")
        if (step == nil) != (cursorGranularity == nil) {
            throw node.error("'step' and 'cursor_granularity' go together: give both or neither")
        }
        lookbackWindow = try node.interpolatedString("lookback_window")
        partitionFieldStart = try node.interpolatedString("partition_field_start")
        partitionFieldEnd = try node.interpolatedString("partition_field_end")
        isDataFeed = try node.bool("is_data_feed") ?? false
        isClientSideIncremental = try node.bool("is_client_side_incremental") ?? false
        isCompareStrictly = try node.bool("is_compare_strictly") ?? false
        globalSubstreamCursor = try node.bool("global_substream_cursor") ?? false
        clamping = try node.object("clamping")
    }
}
