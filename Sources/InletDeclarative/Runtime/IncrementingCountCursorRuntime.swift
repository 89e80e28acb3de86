import InletInterpolation
import InletJSON

/// An `IncrementingCountCursor` evaluated against the config, as the CDK runs it: one slice from
/// the greater of `start_value` and the saved value, sent through `start_value_option`, and a state
/// of the highest cursor value the records had.
struct IncrementingCountCursorRuntime: Sendable {
    let definition: IncrementingCountCursor
    let cursorField: String
    let start: JSONValue

    init(_ definition: IncrementingCountCursor, streamName: String, session: ReadSession) throws(DeclarativeError) {
        self.definition = definition
        let context = session.context(hasToken: false)
        cursorField = PythonValueText.str(try evaluate(definition.cursorField, context, at: "incremental_sync.cursor_field"))
        guard let template = definition.startValue else {
            start = .int(0)
            return
        }
        let value = try evaluate(template, context, at: "incremental_sync.start_value")
        guard let integer = value.intValue ?? Int64(PythonValueText.str(value).trimmingCharacters(in: " ")) else {
            throw DeclarativeError.config("Stream \(streamName): incremental_sync.start_value must be an integer, got '\(PythonValueText.str(value))'")
        }
        start = .int(integer)
    }

    /// Where this sync starts: the saved value when it is set and not below `start_value`.
    func syncStart(from state: JSONObject) -> JSONValue {
        guard let saved = state[cursorField], ComponentTransformer.isTruthy(saved), !Self.isLess(saved, than: start) else { return start }
        return saved
    }

    /// The slice the stream is read in; its `start` is what `start_value_option` sends.
    func slice(from state: JSONObject) -> StreamSlice {
        StreamSlice(cursorSlice: ["start": syncStart(from: state)])
    }

    /// The state after a read: the saved one with the cursor moved to the highest value seen, or to
    /// where the sync started when no record had one.
    func state(after input: JSONObject, highest: JSONValue?) -> JSONObject {
        var state = input
        state[cursorField] = highest ?? syncStart(from: input)
        return state
    }

    /// Python's `<` for the values a cursor holds: numbers by value, strings by code points.
    static func isLess(_ lhs: JSONValue, than rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left < right }
        if case .string(let left) = lhs, case .string(let right) = rhs { return left.unicodeScalars.lexicographicallyPrecedes(right.unicodeScalars) }
        return false
    }
}
