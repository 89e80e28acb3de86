import Foundation
import InletJSON
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    @Test(arguments: [
        (JSONValue.null, "null"),
        (true, "true"),
        (.int(0), "0"),
        (.int(-7), "-7"),
        (.int(.min), "-9223372036854775808"),
        (.int(.max), "9223372036854775807"),
        (.double(1.0), "1.0"),
        (.double(-0.0), "-0.0"),
        (.double(0.1), "0.1"),
        (.double(1e16), "1e+16"),
        (.double(1e15), "1000000000000000.0"),
        (.double(0.0001), "0.0001"),
        (.double(0.00001), "1e-05"),
        (.double(0.30000000000000004), "0.30000000000000004"),
        (.double(.nan), "null"),
        (.double(.infinity), "null"),
        (.bigNumber("123456789012345678901234567890"), "123456789012345678901234567890"),
        ("plain", "\"plain\""),
        ("quote \" backslash \\ slash /", #""quote \" backslash \\ slash /""#),
        ("\u{08}\u{0C}\n\r\t\u{00}\u{1F}\u{7F}", #""\b\f\n\r\t\u0000\u001f"# + "\u{7F}\""),
        ("größe 😀 \u{2028}", "\"größe 😀 \u{2028}\""),
        ([], "[]"),
        ([:], "{}"),
        (["b": 1, "a": [true, .null, "x"]], #"{"b":1,"a":[true,null,"x"]}"#),
    ] as [(JSONValue, String)])
    func writes(_ value: JSONValue, _ expected: String) {
        #expect(JSONWriter.string(from: value) == expected)
    }

    @Test func writesOneBufferForManyValues() {
        var writer = JSONWriter(capacity: 4)
        writer.write(["a": 1] as JSONValue)
        writer.writeRaw(UInt8(ascii: "\n"))
        writer.write("x" as JSONValue)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "{\"a\":1}\n\"x\"")
        writer.reset()
        #expect(writer.count == 0)
    }

    /// What Python wrote, Inlet writes back byte for byte: a file of API-like records round trips.
    @Test func recordsRoundTripByteForByte() throws {
        let line = #"{"id":100000000,"node_id":"MDU6SXNzdWU00000000","score":2.9797,"closed_at":null,"user":{"login":"axihhe","site_admin":false},"labels":[{"id":231149,"name":"größe"}],"body":"Steps:\n1. \"dup\" — none","reactions":{"+1":2}}"#
        let value = try JSONParser.parse(line)
        #expect(JSONWriter.string(from: value) == line)
    }
}

@Suite("JSON round trip (random documents)")
struct JSONRoundTripTests {
    /// A small deterministic generator (SplitMix64) so that failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomString(_ random: inout SeededGenerator) -> String {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "中", "😀", "\u{2028}", "\u{7F}"]
        let length = Int.random(in: 0...24, using: &random)
        return String((0..<length).map { _ in alphabet.randomElement(using: &random)! })
    }

    static func randomValue(depth: Int, _ random: inout SeededGenerator) -> JSONValue {
        let choice = Int.random(in: 0..<(depth > 4 ? 7 : 9), using: &random)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int64.random(in: .min ... .max, using: &random))
        case 3: return .int(Int64.random(in: -1000...1000, using: &random))
        case 4:
            let double = Double(bitPattern: UInt64.random(in: 0 ... .max, using: &random))
            return .double(double.isFinite ? double : 0.5)
        case 5: return .double(Double(Int.random(in: -100_000...100_000, using: &random)) / 100)
        case 6: return .string(randomString(&random))
        case 7:
            return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in randomValue(depth: depth + 1, &random) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                object[randomString(&random)] = randomValue(depth: depth + 1, &random)
            }
            return .object(object)
        }
    }

    @Test func randomDocumentsRoundTrip() throws {
        var random = SeededGenerator(state: 20_261_124)
        for _ in 0..<3000 {
            let value = Self.randomValue(depth: 0, &random)
            let bytes = JSONWriter.bytes(from: value)
            let parsed = try JSONParser.parse(bytes)
            #expect(parsed == value)
            #expect(JSONWriter.bytes(from: parsed) == bytes)
            // An independent parser must accept what Inlet writes and read the same strings.
            let foundation = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            if case .string(let string) = value {
                #expect(foundation as? String == string)
            }
        }
    }

    @Test func mutatedDocumentsNeverCrashTheParser() throws {
        var random = SeededGenerator(state: 7)
        for _ in 0..<3000 {
            var bytes = JSONWriter.bytes(from: Self.randomValue(depth: 0, &random))
            guard !bytes.isEmpty else { continue }
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
                }
                if bytes.isEmpty { break }
            }
            // Either outcome is fine; a crash or a hang is not.
            _ = try? JSONParser.parse(bytes)
        }
    }
}
