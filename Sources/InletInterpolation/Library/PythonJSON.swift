/// Python's `json.dumps` text of template values: `", "` and `": "` separators, non-ASCII escaped
/// (`ensure_ascii`), optionally with sorted keys, as Jinja's `tojson` and the CDK's `string` filter use it.
public enum PythonJSON {
    public static func dumps(_ value: JinjaValue, sortKeys: Bool = false, htmlSafe: Bool = false) throws(InterpolationError) -> String {
        var output = ""
        try append(value, to: &output, sortKeys: sortKeys, htmlSafe: htmlSafe)
        return output
    }

    private static func append(_ value: JinjaValue, to output: inout String, sortKeys: Bool, htmlSafe: Bool) throws(InterpolationError) {
        switch value {
        case .none: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let integer): output += String(integer)
        case .bigInteger(let literal): output += literal
        case .double(let double):
            if double.isNaN { output += "NaN" } else if double.isInfinite { output += double < 0 ? "-Infinity" : "Infinity" } else { output += PythonFloat.repr(double) }
        case .string(let string): output += quote(string, htmlSafe: htmlSafe)
        case .list, .tuple, .jsonArray:
            output += "["
            for (index, element) in (PythonSemantics.sequenceElements(value) ?? []).enumerated() {
                if index > 0 { output += ", " }
                try append(element, to: &output, sortKeys: sortKeys, htmlSafe: htmlSafe)
            }
            output += "]"
        case .dict, .jsonObject, .object:
            var pairs = PythonSemantics.mappingPairs(value) ?? []
            var keyed: [(String, JinjaValue)] = []
            for (key, member) in pairs {
                switch key {
                case .string(let text): keyed.append((text, member))
                case .int, .double, .bool, .none, .bigInteger: keyed.append((try dumps(key), member))
                default: throw .type("keys must be str, int, float, bool or None, not \(key.pythonTypeName)")
                }
            }
            if sortKeys { keyed.sort { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) } }
            pairs = []
            output += "{"
            for (index, (key, member)) in keyed.enumerated() {
                if index > 0 { output += ", " }
                output += quote(key, htmlSafe: htmlSafe) + ": "
                try append(member, to: &output, sortKeys: sortKeys, htmlSafe: htmlSafe)
            }
            output += "}"
        default:
            throw .type("Object of type \(value.pythonTypeName) is not JSON serializable")
        }
    }

    static func quote(_ string: String, htmlSafe: Bool) -> String {
        var output = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "<" where htmlSafe: output += "\\u003c"
            case ">" where htmlSafe: output += "\\u003e"
            case "&" where htmlSafe: output += "\\u0026"
            case "'" where htmlSafe: output += "\\u0027"
            default:
                if scalar.value < 0x20 || scalar.value > 0x7E {
                    if scalar.value > 0xFFFF {
                        let value = scalar.value - 0x10000
                        output += "\\u" + hex4(0xD800 + (value >> 10)) + "\\u" + hex4(0xDC00 + (value & 0x3FF))
                    } else {
                        output += "\\u" + hex4(scalar.value)
                    }
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
