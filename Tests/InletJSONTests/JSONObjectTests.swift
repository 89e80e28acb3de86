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
