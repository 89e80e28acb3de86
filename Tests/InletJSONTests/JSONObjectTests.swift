import InletJSON
import Testing

@Suite("JSONObject")
struct JSONObjectTests {
    @Test func keepsInsertionOrderAndReplacesInPlace() {
        var object: JSONObject = ["b": 1, "a": 2]
        object["c"] = 3
        object["b"] = "new"
        #expect(object.keys == ["b", "a", "c"])
        #expect(object["b"] == "new")
    }

    @Test func removesAndRenames() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        #expect(object.removeValue(forKey: "b") == 2)
        #expect(object.keys == ["a", "c"])
        object["a"] = nil
        #expect(object.keys == ["c"])
        let renamed = object.renameKey("c", to: "d")
        let renamedMissing = object.renameKey("missing", to: "e")
        #expect(renamed)
        #expect(!renamedMissing)
        #expect(object.keys == ["d"])
    }

    @Test func largeObjectsStayConsistentThroughEdits() {
        var object = JSONObject()
        for index in 0..<200 { object["key\(index)"] = .int(Int64(index)) }
        #expect(object["key150"] == 150)
        object.removeValue(forKey: "key10")
        #expect(object["key10"] == nil)
        #expect(object["key11"] == 11)
        #expect(object.index(forKey: "key11") == 10)
        let renamed = object.renameKey("key199", to: "last")
        #expect(renamed)
        #expect(object["last"] == 199)
        #expect(object.count == 199)
        object.removeAll()
        #expect(object.isEmpty)
        #expect(object["key1"] == nil)
    }

    @Test func equalityIgnoresOrderAndHashAgrees() {
        let first: JSONObject = ["a": 1, "b": [1, 2]]
        let second: JSONObject = ["b": [1, 2], "a": 1.0]
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != ["a": 1, "b": [2, 1]])
        #expect(first != ["a": 1])
    }

    @Test func numbersCompareByValue() {
        #expect(JSONValue.int(1) == .double(1.0))
        #expect(JSONValue.int(1).hashValue == JSONValue.double(1.0).hashValue)
        #expect(JSONValue.int(1) != .double(1.5))
        #expect(JSONValue.bool(true) != .int(1))
    }

    @Test func pathsDescribeAndLookUp() {
        let value: JSONValue = ["streams": [["name": "a"], ["odd key": ["x": true]]]]
        let path = JSONPath.root.appending("streams").appending(index: 1).appending("odd key").appending("x")
        #expect(path.description == "$.streams[1]['odd key'].x")
        #expect(value[path] == true)
        #expect(value[JSONPath.root.appending("missing")] == nil)
    }
}

@Suite("EditedRawJSONObject")
struct EditedRawJSONObjectTests {
    private func edited(_ text: String) throws -> EditedRawJSONObject {
        let raw = try #require(RawJSONObject(validating: Array(text.utf8)[...]))
        return try #require(EditedRawJSONObject(raw))
    }

    private func written(_ object: EditedRawJSONObject) -> String {
        var writer = JSONWriter()
        writer.write(LazyJSONObject(edited: object))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func editsKeepADictsMemberOrder() throws {
        var object = try edited(#"{"a":1,"b":{"x":[1,2]},"c":null,"d":"q\""}"#)
        object.set(10, forKey: "a")
        object.set("new", forKey: "e")
        object.removeValue(forKey: "b")
        object.set(true, forKey: "b")
        let removedMissing = object.removeValue(forKey: "missing")
        #expect(!removedMissing)
        #expect(object["a"] == 10)
        #expect(object["b"] == true)
        #expect(object["c"] == .null)
        #expect(object["d"] == "q\"")
        #expect(written(object) == #"{"a":10,"c":null,"d":"q\"","e":"new","b":true}"#)
        #expect(object.parsed().keys == ["a", "c", "d", "e", "b"])
        let withoutNulls = object.droppingNulls()
        #expect(withoutNulls["c"] == nil)
        #expect(written(withoutNulls) == #"{"a":10,"d":"q\"","e":"new","b":true}"#)
        #expect(withoutNulls.parsed().keys == ["a", "d", "e", "b"])
    }

    @Test func anAddedMemberSetToNullIsDroppedWithTheOthers() throws {
        var object = try edited(#"{"a":1}"#)
        object.set(.null, forKey: "b")
        object.set(.null, forKey: "a")
        #expect(written(object) == #"{"a":null,"b":null}"#)
        #expect(written(object.droppingNulls()) == "{}")
        var empty = try edited("{}")
        empty.set(1, forKey: "x")
        #expect(written(empty) == #"{"x":1}"#)
    }

    @Test func objectsTheIndexCannotReadAreRefused() {
        let spaced = RawJSONObject(validating: Array(#"{"a": 1}"#.utf8)[...])
        let repeated = RawJSONObject(validating: Array(#"{"a":1,"a":2}"#.utf8)[...])
        let escapedKey = RawJSONObject(validating: Array(#"{"\u0061":1}"#.utf8)[...])
        #expect(spaced.flatMap(EditedRawJSONObject.init) == nil)
        #expect(repeated.flatMap(EditedRawJSONObject.init) == nil)
        #expect(escapedKey.flatMap(EditedRawJSONObject.init) == nil)
    }
}
