import Foundation
import InletInterpolation
import InletJSON
import Testing

/// Every case of `Reference/interpolation_cases.json`, whose expected results come from running the
/// same templates through airbyte-cdk 7.39.1 (see `generate_interpolation_cases.py`).
@Suite("Interpolation against the Airbyte CDK's results")
struct ReferenceCaseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var index: Int
        var document: JSONValue
        var testDescription: String {
            let kind = document["kind"]?.stringValue ?? "?"
            let subject = document["template"]?.stringValue ?? document["text"]?.stringValue ?? document["mapping"]?.description ?? ""
            return "\(index) \(kind): \(subject.prefix(80))"
        }
    }

    static let reference: JSONValue = {
        guard let url = Bundle.module.url(forResource: "interpolation_cases", withExtension: "json"),
              let data = FileManager.default.contents(atPath: url.path)
        else { return .null }
        return (try? JSONParser.parse([UInt8](data))) ?? .null
    }()

    static let cases: [Case] = (reference["cases"]?.arrayValue ?? []).enumerated().map { Case(index: $0.offset, document: $0.element) }

    /// Results that print a Python object's memory address or type the JSON world does not have.
    static let knownUnreproducible: Set<String> = [
        "{{ config.items }}", "{{ lipsum }}", "{{ config['credentials'].keys() }}", "{{ 'b\"x\"' }}",
    ]

    static func context() -> InterpolationContext {
        let frozen = PyDateTime(year: 2024, month: 6, day: 1, microsecond: 500_000, utcOffsetSeconds: 0)!
        var context = InterpolationContext(config: reference["config"]?.objectValue ?? [:], runtime: .frozen(at: frozen))
        for (name, value) in reference["context"]?.objectValue ?? [:] {
            context.set(name, to: JinjaValue(value))
        }
        return context
    }

    static var parameters: JSONObject { reference["parameters"]?.objectValue ?? [:] }

    @Test func theTableIsThere() {
        #expect(Self.cases.count > 400, "interpolation_cases.json is missing from the test bundle")
    }

    @Test(arguments: cases)
    func matchesTheReference(_ testCase: Case) throws {
        let document = testCase.document
        if let template = document["template"]?.stringValue, Self.knownUnreproducible.contains(template) { return }
        let expected = try #require(document["expected"])
        let actual = Self.outcome(of: document)
        #expect(Self.same(actual, expected), "expected \(expected), got \(actual)")
    }

    static func outcome(of document: JSONValue) -> JSONValue {
        do {
            switch document["kind"]?.stringValue {
            case "string":
                let string = try InterpolatedString(document["template"]?.stringValue ?? "", parameters: parameters)
                return encode(try string.evaluate(context()))
            case "boolean":
                let condition = try InterpolatedBoolean(document["template"]?.stringValue ?? "", parameters: parameters)
                return encode(.bool(try condition.eval(context())))
            case "mapping":
                let mapping = try InterpolatedMapping(document["mapping"]?.objectValue ?? [:], parameters: parameters)
                return encode(JinjaValue(.object(try mapping.eval(context()))))
            case "nested_mapping":
                let mapping = try InterpolatedNestedMapping(document["mapping"] ?? .null, parameters: parameters)
                return encode(JinjaValue(try mapping.eval(context())))
            case "datetime_parse":
                let parsed = try DatetimeFormat.parse(document["text"]?.stringValue ?? "", format: document["format"]?.stringValue ?? "")
                return encode(.string(parsed.isoformat()))
            case "datetime_format":
                let parsed = try ISODateParser.parse(document["text"]?.stringValue ?? "")
                return encode(.string(DatetimeFormat.format(parsed, format: document["format"]?.stringValue ?? "")))
            default:
                return ["t": "unknown case kind"]
            }
        } catch let error as InterpolationError {
            return ["t": "error", "v": .string(error.kind.rawValue), "message": .string(error.description)]
        } catch {
            return ["t": "error", "v": "ValueError", "message": .string(String(describing: error))]
        }
    }

    /// The same typed encoding the generator writes.
    static func encode(_ value: JinjaValue) -> JSONValue {
        switch value {
        case .none: return ["t": "NoneType"]
        case .bool(let flag): return ["t": "bool", "v": .bool(flag)]
        case .int(let integer): return ["t": "int", "v": .string(String(integer))]
        case .bigInteger(let literal): return ["t": "int", "v": .string(literal)]
        case .double(let double): return ["t": "float", "v": .string(double.description)]
        case .string(let string): return ["t": "str", "v": .string(string)]
        case .tuple(let elements): return ["t": "tuple", "v": .array(elements.map(encode))]
        case .list(let elements): return ["t": "list", "v": .array(elements.map(encode))]
        case .jsonArray(let elements): return ["t": "list", "v": .array(elements.map { encode(JinjaValue($0)) })]
        case .dict(let dict): return ["t": "dict", "v": .array(dict.pairs.map { .array([encode($0.0), encode($0.1)]) })]
        case .jsonObject(let object): return ["t": "dict", "v": .array(object.map { .array([encode(.string($0.key)), encode(JinjaValue($0.value))]) })]
        default: return ["t": .string(value.pythonTypeName), "v": .string(String(describing: value))]
        }
    }

    /// Equal, with Python's exception classes grouped the way Inlet names them.
    static func same(_ actual: JSONValue, _ expected: JSONValue) -> Bool {
        if actual["t"] == "error", expected["t"] == "error" {
            let groups: [String: String] = ["ISO8601Error": "ValueError", "TemplateAssertionError": "TemplateSyntaxError",
                                            "ParserError": "ValueError"]
            let expectedKind = expected["v"]?.stringValue ?? ""
            return actual["v"]?.stringValue == (groups[expectedKind] ?? expectedKind)
        }
        return actual == expected
    }
}
