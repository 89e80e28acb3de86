import InletJSON
import Testing

/// Records kept as raw bytes must mean exactly what parsing the page would have given.
@Suite("Splitting pages into raw records")
struct SplitJSONDocumentTests {
    private func split(_ text: String, path: [String] = ["data"], dropsNulls: Bool = false) -> SplitJSONDocument? {
        SplitJSONDocument(splitting: Array(text.utf8), atPath: path, dropsTopLevelNulls: dropsNulls)
    }

    private func written(_ object: LazyJSONObject) -> String {
        var writer = JSONWriter()
        writer.write(object)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The records as parsing the page and following the path gives them.
    private func parsedRecords(_ text: String, path: [String]) throws -> [JSONObject] {
        var value = try JSONParser.parse(text)
        for key in path { value = value[key] ?? .null }
        if case .object(let object) = value { return [object] }
        return value.arrayValue?.compactMap(\.objectValue) ?? []
    }

    @Test func compactRecordsStayTheBytesTheyCameIn() throws {
        let page = #"{"data":[{"id":1,"name":"a"},{"id":2,"tags":["x"],"n":{"deep":true}}],"next":"p2","total":2}"#
        let document = try #require(split(page))
        #expect(document.records.map { String(decoding: $0.bytes, as: UTF8.self) } == [#"{"id":1,"name":"a"}"#, #"{"id":2,"tags":["x"],"n":{"deep":true}}"#])
        #expect(document.records.allSatisfy { $0.isCanonical })
        #expect(document.extractedCount == 2)
        #expect(document.remainder == .object(["next": "p2", "total": 2]))
    }

    @Test func spacedRecordsAreCompactedWithoutChangingTheirMeaning() throws {
        let page = """
        {"data": [ {"id": 1, "name": "a b, c: d", "nested": {"k": [1, 2 , {"x": "y"}]}},
                   {"id" : 2, "text": "quote \\" and backslash \\\\ stay"} ],
         "next": null}
        """
        let document = try #require(split(page))
        let expected = try parsedRecords(page, path: ["data"])
        #expect(document.records.map { $0.parsed() } == expected)
        for (record, parsed) in zip(document.records, expected) {
            #expect(record.isCanonical)
            var writer = JSONWriter()
            writer.write(parsed)
            #expect(written(LazyJSONObject(raw: record)) == String(decoding: writer.bytes, as: UTF8.self))
        }
    }

    @Test(arguments: [
        #"{"a":null,"b":1,"c":2}"#, #"{"a":1,"b":null,"c":2}"#, #"{"a":1,"b":2,"c":null}"#,
        #"{"a":null}"#, #"{"a":null,"b":null}"#, #"{"a":1,"b":null,"c":null}"#, #"{"a":null,"b":null,"c":3}"#,
        #"{ "a" : null , "b" : { "inner" : null } , "c" : [ null ] }"#, #"{"a": 1, "b": null}"#,
    ])
    func topLevelNullsAreDroppedAndNestedOnesKept(record: String) throws {
        let expected = try #require(try JSONParser.parse(record).objectValue).filter { !$0.value.isNull }
        // Dropped while splitting …
        let dropped = try #require(split(#"{"data":["# + record + "]}", dropsNulls: true)).records
        #expect(dropped.count == 1)
        #expect(dropped[0].parsed() == expected)
        #expect(!dropped[0].hasTopLevelNull)
        #expect(try JSONParser.parse(written(LazyJSONObject(raw: dropped[0]))) == .object(expected))
        // … or later, from a record that kept them.
        let kept = try #require(split(#"{"data":["# + record + "]}")).records[0]
        #expect(kept.hasTopLevelNull)
        let later = kept.droppingTopLevelNulls()
        #expect(later.object == expected)
        #expect(try JSONParser.parse(written(later)) == .object(expected))
    }

    @Test func repeatedKeysAreParsedBeforeBeingWrittenAndTheLastValueWins() throws {
        let document = try #require(split(#"{"data":[{"id":1,"id":2,"x":{"k":1,"k":3}}]}"#))
        let record = document.records[0]
        #expect(!record.isCanonical)
        #expect(written(LazyJSONObject(raw: record)) == #"{"id":2,"x":{"k":3}}"#)
        #expect(record.value(forKey: "id") == 2)
    }

    @Test func manyDistinctKeysAreNotMistakenForRepeatedOnes() throws {
        // Far more keys than the 64-bit fingerprint filter has bits: collisions must be checked exactly.
        let members = (0..<200).map { "\"key_\($0)\":\($0)" }.joined(separator: ",")
        let nested = (0..<100).map { "\"n\($0)\":{\"a\":1,\"b\":2}" }.joined(separator: ",")
        let record = try #require(split(#"{"data":[{"# + members + "," + nested + "}]}")).records[0]
        #expect(record.isCanonical)
        #expect(record.parsed().count == 300)
        // An escaped key may equal another one; such records are parsed, never copied wrong.
        let escaped = try #require(split(#"{"data":[{"a":1,"\u0061":2}]}"#)).records[0]
        #expect(written(LazyJSONObject(raw: escaped)) == #"{"a":2}"#)
    }

    @Test func aRepeatedRecordsMemberUsesItsLastValueAsParsingDoes() throws {
        let page = #"{"data":[{"id":1}],"next":"a","data":[{"id":2},{"id":3}]}"#
        let document = try #require(split(page))
        #expect(document.records.map { $0.parsed() } == [["id": 2], ["id": 3]])
        #expect(document.extractedCount == 2)
    }

    @Test func nestedPathsAndSingleObjectsAreFollowed() throws {
        let nested = try #require(split(#"{"result":{"meta":1,"items":[{"id":1},7,{"id":2}]},"cursor":"c"}"#, path: ["result", "items"]))
        #expect(nested.records.map { $0.parsed() } == [["id": 1], ["id": 2]])
        // Every value found counts, records or not, as the CDK counts them for pagination.
        #expect(nested.extractedCount == 3)
        #expect(nested.remainder == .object(["cursor": "c"]))
        let single = try #require(split(#"{"data":{"id":9}}"#))
        #expect(single.records.map { $0.parsed() } == [["id": 9]])
        let empty = try #require(split(#"{"data":{}}"#))
        #expect(empty.records.isEmpty && empty.extractedCount == 0)
    }

    @Test func aListOfRecordsAtTheRootSplitsWithAnEmptyPath() throws {
        let document = try #require(split(#"[{"id":1},{},{"id":2}]"#, path: []))
        #expect(document.records.map { $0.parsed() } == [["id": 1], ["id": 2]])
        #expect(document.extractedCount == 2)
        #expect(try #require(split("[]", path: [])).records.isEmpty)
    }

    @Test(arguments: [
        #"{"data":[{"id":NaN}]}"#,                  // Python's NaN: the parser's job
        #"{"data":[{"s":"\ud800"}]}"#,              // lone surrogate
        #"{"data":[{"s":"\udc00x"}]}"#,
        #"{"data":[{"id":1}"#,                      // truncated
        #"{"data":[{"id":1}]} trailing"#,
        #"{"data":[{"id":01}]}"#,                   // leading zero
        #"{"data":[{"id":1,}]}"#,                   // trailing comma
        #"{"data":null}"#, #"{"other":[]}"#, #"{"data":3}"#,
        #"[{"id":1},2]"#,
        "",
    ])
    func anythingUnusualIsLeftToTheParser(page: String) {
        #expect(split(page, path: page.hasPrefix("[") ? [] : ["data"]) == nil)
    }

    @Test func invalidUTF8IsRefused() {
        var bytes = Array(#"{"data":[{"s":"x"}]}"#.utf8)
        bytes[15] = 0xFF
        #expect(SplitJSONDocument(splitting: bytes, atPath: ["data"]) == nil)
    }

    @Test func escapesAndNonASCIIPassThrough() throws {
        let page = #"{"data":[{"s":"caf\u00e9 \ud83d\ude00 ✓ \n\t\/"}]}"#
        let record = try #require(split(page)).records[0]
        #expect(record.isCanonical)
        #expect(record.parsed()["s"] == .string("café 😀 ✓ \n\t/"))
    }

    @Test func rawObjectsValidateAndAnswerSingleMembers() throws {
        let raw = try #require(RawJSONObject(validating: Array(#"{"a":{"b":[1,2]},"c":"x","c":"y"}"#.utf8)[...]))
        #expect(raw.value(forKey: "a") == .object(["b": [1, 2]]))
        #expect(raw.value(forKey: "c") == "y")
        #expect(raw.value(forKey: "missing") == nil)
        #expect(RawJSONObject(validating: Array("[1]".utf8)[...]) == nil)
        #expect(RawJSONObject(validating: Array(#"{"a":1} "#.utf8)[...]) == nil)
    }

    /// Many generated records, compact and spaced, through every path: the raw result always equals
    /// what parsing gives.
    @Test func generatedRecordsAgreeWithTheParser() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            var records: [String] = []
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                records.append(Self.randomObject(depth: 0, spaced: round % 2 == 1, using: &generator))
            }
            let separator = round % 2 == 1 ? " , " : ","
            let page = "{\"before\":1,\"data\":[" + records.joined(separator: separator) + "],\"after\":[true]}"
            let document = try #require(split(page, dropsNulls: round % 3 == 0), "page: \(page)")
            var expected = try parsedRecords(page, path: ["data"])
            if round % 3 == 0 { expected = expected.map { $0.filter { !$0.value.isNull } } }
            #expect(document.records.map { $0.parsed() } == expected, "page: \(page)")
            for (record, object) in zip(document.records, expected) {
                #expect(try JSONParser.parse(written(LazyJSONObject(raw: record).droppingTopLevelNulls()))
                        == .object(object.filter { !$0.value.isNull }))
            }
        }
    }

    private static func randomObject(depth: Int, spaced: Bool, using generator: inout SystemRandomNumberGenerator) -> String {
        let space = spaced ? " " : ""
        var members: [String] = []
        for index in 0..<Int.random(in: 0...5, using: &generator) {
            let key = ["id", "name", "n\(index)", "é", "a\\\"b"][Int.random(in: 0..<5, using: &generator)]
            members.append("\"\(key)\"\(space):\(space)" + randomValue(depth: depth, spaced: spaced, using: &generator))
        }
        return "{" + space + members.joined(separator: "," + space) + space + "}"
    }

    private static func randomValue(depth: Int, spaced: Bool, using generator: inout SystemRandomNumberGenerator) -> String {
        switch Int.random(in: 0..<(depth < 2 ? 8 : 6), using: &generator) {
        case 0: return "null"
        case 1: return ["true", "false"][Int.random(in: 0..<2, using: &generator)]
        case 2: return ["0", "-12", "3.25", "1e3", "12345678901234567890123"][Int.random(in: 0..<5, using: &generator)]
        case 3: return #""text, with: {braces} [and] \"quotes\" \\ ""#
        case 4: return #""\u00e9\ud83d\ude00""#
        case 5: return "\"\""
        case 6: return randomObject(depth: depth + 1, spaced: spaced, using: &generator)
        default:
            let count = Int.random(in: 0...3, using: &generator)
            let sep = spaced ? ", " : ","
            return "[" + (0..<count).map { _ in randomValue(depth: depth + 1, spaced: spaced, using: &generator) }.joined(separator: sep) + "]"
        }
    }
}
