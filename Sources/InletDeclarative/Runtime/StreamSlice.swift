public import InletInterpolation
public import InletJSON

/// One partition of a stream read: the partition router's part, the cursor's window, and extra
/// fields (values carried from a parent record), as the CDK's `StreamSlice`.
public struct StreamSlice: Sendable, Hashable {
    public var partition: JSONObject
    public var cursorSlice: JSONObject
    public var extraFields: JSONObject

    public init(partition: JSONObject = [:], cursorSlice: JSONObject = [:], extraFields: JSONObject = [:]) {
        self.partition = partition
        self.cursorSlice = cursorSlice
        self.extraFields = extraFields
    }

    public static var empty: StreamSlice { StreamSlice() }

    /// Partition and cursor slice together, as the slice reads as a mapping.
    public var merged: JSONObject {
        guard !cursorSlice.isEmpty else { return partition }
        var merged = partition
        for (key, value) in cursorSlice { merged[key] = value }
        return merged
    }

    public subscript(key: String) -> JSONValue? {
        cursorSlice[key] ?? partition[key]
    }

    /// The slice as templates see it: a mapping with `partition`, `cursor_slice` and `extra_fields`
    /// attributes.
    public var templateValue: JinjaValue {
        .object(JinjaMappingObject(typeName: "StreamSlice", mapping: merged, attributes: [
            "partition": .jsonObject(partition),
            "cursor_slice": .jsonObject(cursorSlice),
            "extra_fields": .jsonObject(extraFields),
            "_partition": .jsonObject(partition),
        ]))
    }
}
