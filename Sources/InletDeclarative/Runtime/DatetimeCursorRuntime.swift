import InletInterpolation
import InletJSON

/// A `DatetimeBasedCursor` evaluated against the config, cutting a stream's time range into windows
/// and tracking the state the way the CDK's `ConcurrentCursor` does: the state moves to the highest
/// cursor value of the contiguous run of windows completed from the sync's start, so a failed window
/// never lets a later one skip it.
struct DatetimeCursorRuntime: Sendable {
    let definition: DatetimeBasedCursor
    let cursorField: String
    let datetimeFormat: String
    /// The formats record and state values are parsed with, in order.
    /// The formats a cursor value may come in, prepared once: every record's value is parsed.
    let inputParsers: [DatetimeFormat.Parser]
    let start: PyDateTime
    let step: PyTimedelta?
    let granularity: PyTimedelta?
    let lookback: PyTimedelta?
    let startField: String
    let endField: String
    let streamName: String
    let clamping: CursorClamping
    private let endDatetime: MinMaxDatetime?

    init(_ definition: DatetimeBasedCursor, streamName: String, session: ReadSession) throws(DeclarativeError) {
        self.definition = definition
        self.streamName = streamName
        let context = session.context(hasToken: false)
        cursorField = PythonValueText.str(try evaluate(definition.cursorField, context, at: "incremental_sync.cursor_field"))
        datetimeFormat = definition.datetimeFormat
        inputParsers = (definition.cursorDatetimeFormats + [definition.datetimeFormat]).map(DatetimeFormat.Parser.init)
        startField = try definition.partitionFieldStart.map { template throws(DeclarativeError) in
            PythonValueText.str(try evaluate(template, context, at: "incremental_sync.partition_field_start"))
        } ?? "start_time"
        endField = try definition.partitionFieldEnd.map { template throws(DeclarativeError) in
            PythonValueText.str(try evaluate(template, context, at: "incremental_sync.partition_field_end"))
        } ?? "end_time"
        granularity = try definition.cursorGranularity.map { text throws(DeclarativeError) in
            try Self.duration(text, context: context, at: "incremental_sync.cursor_granularity")
        } ?? nil
        step = try definition.step.map { text throws(DeclarativeError) in
            try Self.duration(text, context: context, at: "incremental_sync.step")
        } ?? nil
        lookback = try definition.lookbackWindow.map { text throws(DeclarativeError) in
            try Self.duration(text, context: context, at: "incremental_sync.lookback_window")
        } ?? nil
        endDatetime = definition.endDatetime
        start = try Self.datetime(definition.startDatetime, fallbackFormat: datetimeFormat, session: session, at: "incremental_sync.start_datetime")
        clamping = try CursorClamping(definition.clamping, streamName: streamName, session: session)
    }

    /// The upper bound of this sync: `end_datetime`, or now; with clamping, the last whole period's end.
    func end(session: ReadSession) throws(DeclarativeError) -> PyDateTime {
        let end = if let endDatetime {
            try Self.datetime(endDatetime, fallbackFormat: datetimeFormat, session: session, at: "incremental_sync.end_datetime")
        } else {
            PyDateTime(utcMicroseconds: SystemClock.microsecondsSinceEpoch())
        }
        guard !clamping.isNone else { return end }
        let floor = clamping.clamp(end, ceiling: false)
        return floor.adding(-(granularity ?? clamping.defaultEndGranularity)) ?? floor
    }

    // MARK: - Values

    func format(_ datetime: PyDateTime) -> String {
        DatetimeFormat.format(datetime, format: datetimeFormat)
    }

    func parse(_ value: JSONValue) -> PyDateTime? {
        let text = PythonValueText.str(value)
        for parser in inputParsers {
            if let parsed = try? parser.parse(text) { return parsed }
        }
        return nil
    }

    /// The record's cursor value, if it has one that parses.
    func cursorValue(of record: LazyJSONObject) -> PyDateTime? {
        guard let value = record[cursorField], !value.isNull else { return nil }
        return parse(value)
    }

    // MARK: - Windows

    /// The state this sync starts from: the windows already done, as the CDK keeps them.
    func initialState(from streamState: JSONObject) -> CursorState {
        var syncStart = start
        if let value = streamState[cursorField], let previous = parse(value), previous.utcMicroseconds >= start.utcMicroseconds {
            syncStart = previous
        }
        return CursorState(intervals: [CursorInterval(start: start, end: syncStart, mostRecent: syncStart)])
    }

    /// The windows still to read, each a cursor slice `{start_field: …, end_field: …}`.
    func windows(after state: CursorState, end: PyDateTime) -> [JSONObject] {
        let intervals = merge(state.intervals)
        var windows: [JSONObject] = []
        if let first = intervals.first, start < first.start {
            windows += split(from: start, to: first.start, upperIsEnd: false)
        }
        for index in intervals.indices.dropLast() {
            var lower = intervals[index].end
            if let granularity, let next = lower.adding(granularity) { lower = next }
            windows += split(from: lower, to: intervals[index + 1].start, upperIsEnd: false)
        }
        if let last = intervals.last {
            var lower = last.end
            if let lookback, let earlier = lower.adding(-lookback) { lower = earlier }
            windows += split(from: lower, to: end, upperIsEnd: true)
        }
        return windows
    }

    /// The CDK's `_split_per_slice_range`: windows of `step` from `lowerBound` to `upper`, each ending
    /// a granularity before the next starts, with bounds clamped.
    private func split(from lowerBound: PyDateTime, to upper: PyDateTime, upperIsEnd: Bool) -> [JSONObject] {
        if lowerBound > upper || (lowerBound == upper && granularity == nil) { return [] }
        if upper < start { return [] }
        // Clamped first, else a step shorter than the clamping period collapses the first window.
        let lower = clamping.clamp(max(lowerBound, start))
        if lower > upper || (lower == upper && (definition.isCompareStrictly || !upperIsEnd)) { return [] }
        func window(_ from: PyDateTime, _ to: PyDateTime, endsBeforeUpper: Bool) -> JSONObject {
            let end = endsBeforeUpper ? granularity.flatMap { to.adding(-$0) } ?? to : to
            return [startField: .string(format(from)), endField: .string(format(end))]
        }
        guard let step, let firstUpper = lower.adding(step), firstUpper < upper else {
            // With a granularity the last window includes `upper`: clamping it would read past the end.
            let clampedUpper = upperIsEnd && granularity != nil ? upper : clamping.clamp(upper)
            return [window(lower, clampedUpper, endsBeforeUpper: !upperIsEnd)]
        }
        var windows: [JSONObject] = []
        var current = lower
        while true {
            let boundary = current.adding(step).map { min($0, upper) } ?? upper
            let clampedUpper = boundary != upper ? clamping.clamp(boundary) : boundary
            // A boundary clamped onto `upper` makes this the last window.
            let reachedUpper = boundary >= upper || clampedUpper == upper
            let clampedLower = clamping.clamp(current)
            if clampedLower >= clampedUpper { break }
            windows.append(window(clampedLower, clampedUpper, endsBeforeUpper: !upperIsEnd || !reachedUpper))
            current = clampedUpper
            if reachedUpper { break }
        }
        return windows
    }

    // MARK: - State

    /// Records a completed window with the highest cursor value its records had.
    func close(window: JSONObject, mostRecent: PyDateTime?, in state: inout CursorState) {
        guard let from = window[startField].flatMap(parse), let to = window[endField].flatMap(parse) else { return }
        state.intervals.append(CursorInterval(start: from, end: to, mostRecent: mostRecent))
        state.intervals = merge(state.intervals)
    }

    /// The state message value: `{cursor_field: value}` at the end of the first contiguous run.
    func stateValue(_ state: CursorState, legacy: JSONObject = [:]) -> JSONObject {
        var value = legacy
        guard let first = merge(state.intervals).first else { return value }
        value[cursorField] = .string(format(first.mostRecent ?? first.start))
        return value
    }

    private func increment(_ datetime: PyDateTime) -> PyDateTime {
        datetime.adding(granularity ?? PyTimedelta(microseconds: 1000)) ?? datetime
    }

    func merge(_ intervals: [CursorInterval]) -> [CursorInterval] {
        let sorted = intervals.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        var merged: [CursorInterval] = []
        for interval in sorted {
            guard var last = merged.last, increment(last.end) >= interval.start else {
                merged.append(interval)
                continue
            }
            last.end = max(last.end, interval.end)
            switch (last.mostRecent, interval.mostRecent) {
            case (let a?, let b?): last.mostRecent = max(a, b)
            case (nil, let b): last.mostRecent = b
            default: break
            }
            merged[merged.count - 1] = last
        }
        return merged
    }

    /// Whether a record falls inside the sync's range (client-side incremental and data feeds).
    /// Whether a record with this cursor value (nil: none that parses) belongs to the sync.
    func shouldSync(_ value: PyDateTime?, state: CursorState, end: PyDateTime) -> Bool {
        guard let value else { return true }
        var lowest = state.syncStart ?? start
        if let lookback, let earlier = lowest.adding(-lookback) {
            lowest = max(earlier, min(lowest, start))
        }
        return lowest <= value && value <= end
    }

    // MARK: - Helpers

    static func duration(_ template: InterpolatedString, context: InterpolationContext, at place: String) throws(DeclarativeError) -> PyTimedelta? {
        let text = PythonValueText.str(try evaluate(template, context, at: place))
        guard !text.isEmpty, text != "None" else { return nil }
        do {
            return try ISODuration.parse(text)
        } catch {
            throw DeclarativeError.config("\(place): '\(text)' is not an ISO 8601 duration: \(error)")
        }
    }

    static func datetime(_ value: MinMaxDatetime, fallbackFormat: String, session: ReadSession, at place: String) throws(DeclarativeError) -> PyDateTime {
        let format = value.datetimeFormat ?? fallbackFormat
        let context = session.context(hasToken: false)
        func parse(_ text: String, _ what: String) throws(DeclarativeError) -> PyDateTime {
            do {
                return try DatetimeFormat.parse(text, format: format)
            } catch {
                throw DeclarativeError.config("\(place).\(what): time data '\(text)' does not match format '\(format)'")
            }
        }
        var result = try parse(PythonValueText.str(try evaluate(value.datetime, context, at: place)), "datetime")
        if let minimum = value.minDatetime {
            let text = PythonValueText.str(try evaluate(minimum, context, at: place + ".min_datetime"))
            if !text.isEmpty { result = max(result, try parse(text, "min_datetime")) }
        }
        if let maximum = value.maxDatetime {
            let text = PythonValueText.str(try evaluate(maximum, context, at: place + ".max_datetime"))
            if !text.isEmpty { result = min(result, try parse(text, "max_datetime")) }
        }
        return result
    }
}

/// A stretch of time a cursor has read, with the highest cursor value seen in it.
struct CursorInterval: Sendable {
    var start: PyDateTime
    var end: PyDateTime
    var mostRecent: PyDateTime?
}

/// What a datetime cursor knows: the intervals done so far.
struct CursorState: Sendable {
    var intervals: [CursorInterval]
    var syncStart: PyDateTime? { intervals.first?.end }
}
