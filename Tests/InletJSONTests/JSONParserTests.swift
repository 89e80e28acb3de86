import InletJSON
import Testing

@Suite("JSON parser: valid documents")
struct JSONParserValidTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: JSONValue
        var testDescription: String { text }
    }

    static let cases: [Case] = [
        Case(text: "null", expected: .null),
        Case(text: "true", expected: true),
        Case(text: "false", expected: false),
        Case(text: "0", expected: .int(0)),
        Case(text: "-0", expected: .int(0)),
        Case(text: "42", expected: .int(42)),
        Case(text: "-42", expected: .int(-42)),
        Case(text: "9223372036854775807", expected: .int(.max)),
        Case(text: "-9223372036854775808", expected: .int(.min)),
        Case(text: "9223372036854775808", expected: .bigNumber("9223372036854775808")),
        Case(text: "-9223372036854775809", expected: .bigNumber("-9223372036854775809")),
        Case(text: "123456789012345678901234567890", expected: .bigNumber("123456789012345678901234567890")),
        Case(text: "1.5", expected: .double(1.5)),
        Case(text: "-0.0", expected: .double(-0.0)),
        Case(text: "0.1", expected: .double(0.1)),
        Case(text: "1e5", expected: .double(100000)),
        Case(text: "1E+5", expected: .double(100000)),
        Case(text: "2.5e-3", expected: .double(0.0025)),
        Case(text: "0.30000000000000004", expected: .double(0.30000000000000004)),
        Case(text: "1.7976931348623157e308", expected: .double(1.7976931348623157e308)),
        Case(text: "5e-324", expected: .double(.leastNonzeroMagnitude)),
        Case(text: "123456.789e-2", expected: .double(1234.56789)),
        Case(text: "1e400", expected: .bigNumber("1e400")),
        Case(text: "1e-400", expected: .bigNumber("1e-400")),
        Case(text: "1.00000000000000000001", expected: .bigNumber("1.00000000000000000001")),
        Case(text: "3.14159265358979323846264338327950288", expected: .bigNumber("3.14159265358979323846264338327950288")),
        Case(text: "0.000", expected: .double(0)),
        Case(text: "\"\"", expected: ""),
        Case(text: "\"plain ascii\"", expected: "plain ascii"),
        Case(text: "\"größe — ünïcödé\"", expected: "größe — ünïcödé"),
        Case(text: #""\"\\\/\b\f\n\r\t""#, expected: "\"\\/\u{08}\u{0C}\n\r\t"),
        Case(text: #""\u0041\u00e9\u4e2d""#, expected: "Aé中"),
        Case(text: #""\ud83d\ude00 smile""#, expected: "😀 smile"),
        Case(text: #""\uD834\uDD1E""#, expected: "𝄞"),
        Case(text: "\"a long string that spans well past eight bytes at a time\"", expected: "a long string that spans well past eight bytes at a time"),
        Case(text: "[]", expected: []),
        Case(text: "{}", expected: [:]),
        Case(text: " \t\r\n[ 1 , 2 ,\n3 ] \n", expected: [1, 2, 3]),
        Case(text: #"{"a":{"b":[true,null,{"c":"d"}]}}"#, expected: ["a": ["b": [true, .null, ["c": "d"]]]]),
        Case(text: #"{"x":1,"x":2}"#, expected: ["x": 2]),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: Case) throws {
        let value = try JSONParser.parse(testCase.text)
        #expect(value == testCase.expected)
        // Equality treats 1 and 1.0 alike; the case must be exact too.
        #expect(String(describing: value) == String(describing: testCase.expected))
    }

    @Test func keepsObjectKeyOrder() throws {
        let value = try JSONParser.parse(#"{"zeta":1,"alpha":2,"mid":3}"#)
        #expect(value.objectValue?.keys == ["zeta", "alpha", "mid"])
    }

    @Test func repeatedKeyKeepsFirstPositionAndLastValue() throws {
        let value = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == 3)
    }

    @Test func repeatedKeyInLargeObject() throws {
        let members = (0..<100).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try JSONParser.parse("{\(members),\"k7\":\"late\"}")
        #expect(value.objectValue?.count == 100)
        #expect(value["k7"] == "late")
        #expect(value.objectValue?.keys.first == "k0")
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = 1024
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONParser.parse(text)
        var levels = 1
        while case .array(let elements) = value, let first = elements.first {
            value = first
            levels += 1
        }
        #expect(levels == depth)
    }

    @Test func nonFiniteNumbersWhenAllowed() throws {
        let value = try JSONParser.parse("[NaN, Infinity, -Infinity]", options: .pythonCompatible)
        let numbers = try #require(value.arrayValue).compactMap(\.doubleValue)
        #expect(numbers.count == 3)
        #expect(numbers[0].isNaN)
        #expect(numbers[1] == .infinity)
        #expect(numbers[2] == -.infinity)
    }

    @Test func loneSurrogateReplacedWhenAllowed() throws {
        let value = try JSONParser.parse(#""a\ud83d b\udc00""#, options: .pythonCompatible)
        #expect(value == "a\u{FFFD} b\u{FFFD}")
    }

    @Test func parsesFromByteArraysAndSlices() throws {
        let bytes = Array(#"xx{"a":[1,2]}yy"#.utf8)
        #expect(try JSONParser.parse(bytes[2..<(bytes.count - 2)]) == ["a": [1, 2]])
    }
}

@Suite("JSON parser: invalid documents")
struct JSONParserInvalidTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var reason: String
        var line: Int
        var column: Int
        var testDescription: String { text.debugDescription }
    }

    static let cases: [Case] = [
        Case(text: "", reason: "the input is empty", line: 1, column: 1),
        Case(text: "   ", reason: "unexpected end of input, expected a JSON value", line: 1, column: 4),
        Case(text: "{", reason: "unexpected end of input, expected a string key", line: 1, column: 2),
        Case(text: "[1,", reason: "unexpected end of input, expected a value or ']'", line: 1, column: 4),
        Case(text: "[1 2]", reason: "unexpected character '2', expected ',' or ']'", line: 1, column: 4),
        Case(text: "[1,]", reason: "unexpected character ']', expected a JSON value", line: 1, column: 4),
        Case(text: "{\"a\":1,}", reason: "unexpected character '}', expected a string key", line: 1, column: 8),
        Case(text: "{\"a\" 1}", reason: "unexpected character '1', expected ':'", line: 1, column: 6),
        Case(text: "{a:1}", reason: "unexpected character 'a', expected a string key", line: 1, column: 2),
        Case(text: "{\n  \"a\": tru\n}", reason: "unexpected byte 0xA, expected 'true'", line: 2, column: 11),
        Case(text: "nul", reason: "unexpected end of input, expected 'null'", line: 1, column: 4),
        Case(text: "01", reason: "invalid number: leading zeros are not allowed", line: 1, column: 1),
        Case(text: "-", reason: "unexpected end of input, expected a digit", line: 1, column: 2),
        Case(text: "-a", reason: "invalid number: expected a digit after '-'", line: 1, column: 2),
        Case(text: "1.", reason: "invalid number: expected a digit after '.'", line: 1, column: 3),
        Case(text: "1e", reason: "invalid number: expected a digit in the exponent", line: 1, column: 3),
        Case(text: ".5", reason: "unexpected character '.', expected a JSON value", line: 1, column: 1),
        Case(text: "+1", reason: "unexpected character '+', expected a JSON value", line: 1, column: 1),
        Case(text: "NaN", reason: "unexpected character 'N', expected a JSON value", line: 1, column: 1),
        Case(text: "\"abc", reason: "unterminated string", line: 1, column: 1),
        Case(text: "\"a\tb\"", reason: "unescaped control character U+0009 in string", line: 1, column: 3),
        Case(text: #""\x""#, reason: "invalid escape sequence \\x in string", line: 1, column: 2),
        Case(text: #""\u12G4""#, reason: "invalid \\u escape: expected four hexadecimal digits", line: 1, column: 2),
        Case(text: #""\ud800""#, reason: "lone surrogate \\ud800 in string (not valid Unicode)", line: 1, column: 2),
        Case(text: #""\udc00\ud800""#, reason: "lone surrogate \\udc00 in string (not valid Unicode)", line: 1, column: 2),
        Case(text: "{} {}", reason: "unexpected character '{' after the JSON value", line: 1, column: 4),
        Case(text: "[1]\n\n  x", reason: "unexpected character 'x' after the JSON value", line: 3, column: 3),
        Case(text: "/* comment */ 1", reason: "unexpected character '/', expected a JSON value", line: 1, column: 1),
    ]

    @Test(arguments: cases)
    func fails(_ testCase: Case) {
        #expect {
            try JSONParser.parse(testCase.text)
        } throws: { error in
            guard let error = error as? JSONParsingError else { return false }
            return error.reason.description == testCase.reason && error.line == testCase.line && error.column == testCase.column
        }
    }

    @Test func errorDescriptionNamesLineColumnAndByte() {
        let error = #expect(throws: JSONParsingError.self) { try JSONParser.parse("{\n\"a\": ]}") }
        #expect(error?.description == "line 2, column 6 (byte 7): unexpected character ']', expected a JSON value")
    }

    @Test func invalidUTF8IsRejectedWithItsOffset() {
        let bytes: [UInt8] = Array("\"ok ".utf8) + [0xC3, 0x28] + Array("\"".utf8)
        let error = #expect(throws: JSONParsingError.self) { try JSONParser.parse(bytes) }
        #expect(error?.reason == .invalidUTF8)
        #expect(error?.offset == 4)
    }

    @Test func invalidUTF8AfterAnEscape() {
        let bytes: [UInt8] = Array(#""\n "#.utf8) + [0xFF] + Array("\"".utf8)
        let error = #expect(throws: JSONParsingError.self) { try JSONParser.parse(bytes) }
        #expect(error?.reason == .invalidUTF8)
        #expect(error?.offset == 4)
    }

    @Test func nestingPastTheLimitIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        let error = #expect(throws: JSONParsingError.self) { try JSONParser.parse(text) }
        #expect(error?.reason == .nestingTooDeep(limit: 1024))
        let objects = String(repeating: "{\"a\":", count: 2000)
        #expect(throws: JSONParsingError.self) { try JSONParser.parse(objects) }
    }

    @Test func everyTruncationOfADocumentFails() throws {
        let document = #"{"id":12,"name":"größe \"q\" \u00e9","tags":["a",{"b":[1.5e3,-2,true,false,null]}],"n":{}}"#
        let bytes = Array(document.utf8)
        _ = try JSONParser.parse(bytes)
        for length in 0..<bytes.count {
            #expect(throws: JSONParsingError.self, "prefix of \(length) bytes") {
                try JSONParser.parse(bytes[0..<length])
            }
        }
    }
}

@Suite("Repeated keys")
struct RepeatedKeyTests {
    @Test func anEscapedSpellingOfAKeyIsTheSameKey() throws {
        #expect(try JSONParser.parse(#"{"a":1,"\u0061":2}"#) == .object(["a": 2]))
        #expect(try JSONParser.parse(#"{"\u0061":1,"b":3,"a":2}"#) == .object(["a": 2, "b": 3]))
    }
}
