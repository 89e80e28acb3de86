/// Python's `str()` and `repr()` of template values.
enum PythonText {
    static func str(_ value: JinjaValue) -> String {
        switch value {
        case .undefined: return ""
        case .string(let string): return string
        case .datetime(let datetime): return datetime.pythonString
        case .date(let date): return date.isoformat
        case .timedelta(let delta): return delta.pythonString
        default: return repr(value)
        }
    }

    static func repr(_ value: JinjaValue) -> String {
        switch value {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let integer): return String(integer)
        case .bigInteger(let literal): return literal
        case .double(let double): return PythonFloat.repr(double)
        case .string(let string): return quoted(string)
        case .list(let elements): return "[" + elements.map(repr).joined(separator: ", ") + "]"
        case .jsonArray(let elements): return "[" + elements.map { repr(JinjaValue($0)) }.joined(separator: ", ") + "]"
        case .tuple(let elements):
            if elements.count == 1 { return "(" + repr(elements[0]) + ",)" }
            return "(" + elements.map(repr).joined(separator: ", ") + ")"
        case .dict(let dict):
            return "{" + dict.pairs.map { repr($0.0) + ": " + repr($0.1) }.joined(separator: ", ") + "}"
        case .object(let object):
            return repr(.jsonObject(object.mapping))
        case .jsonObject(let object):
            return "{" + object.map { quoted($0.key) + ": " + repr(JinjaValue($0.value)) }.joined(separator: ", ") + "}"
        case .datetime(let datetime): return datetime.pythonRepr
        case .date(let date): return date.pythonRepr
        case .timedelta(let delta): return delta.pythonRepr
        case .function(let function): return "<function \(function.name)>"
        case .namespace(let namespace): return "<Namespace \(repr(.dict(namespace.attributes)))>"
        }
    }

    /// A string literal as Python's `repr` writes it: single quotes unless the text has a single
    /// quote and no double quote; unprintable characters escaped.
    static func quoted(_ string: String) -> String {
        let quote: Unicode.Scalar = string.unicodeScalars.contains("'") && !string.unicodeScalars.contains("\"") ? "\"" : "'"
        var text = String(quote)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case quote: text += "\\" + String(quote)
            default:
                if isPrintable(scalar) {
                    text.unicodeScalars.append(scalar)
                } else if scalar.value < 0x100 {
                    text += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    text += "\\u" + hex(scalar.value, width: 4)
                } else {
                    text += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        text.unicodeScalars.append(quote)
        return text
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension JinjaValue {
    /// Python's `str()` of the value.
    public var pythonString: String { PythonText.str(self) }

    /// Python's `repr()` of the value.
    public var pythonRepr: String { PythonText.repr(self) }
}
