import InletJSON

/// Renders JSON values as Python's `repr` does, the way `jsonschema` quotes them in its messages.
enum PythonRepr {
    static let maximumLength = 200

    static func describe(_ value: JSONValue) -> String {
        var text = ""
        append(value, to: &text)
        if text.count > maximumLength {
            return String(text.prefix(maximumLength)) + "…"
        }
        return text
    }

    static func describe(_ string: String) -> String {
        describe(.string(string))
    }

    private static func append(_ value: JSONValue, to text: inout String) {
        switch value {
        case .null: text += "None"
        case .bool(let flag): text += flag ? "True" : "False"
        case .int(let integer): text += String(integer)
        case .double(let double):
            if double.isNaN {
                text += "nan"
            } else if double.isInfinite {
                text += double < 0 ? "-inf" : "inf"
            } else {
                text += double.description
            }
        case .bigNumber(let literal): text += literal
        case .string(let string): appendString(string, to: &text)
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += ", " }
                append(element, to: &text)
                if text.count > maximumLength { break }
            }
            text += "]"
        case .object(let object):
            text += "{"
            for (index, member) in object.enumerated() {
                if index > 0 { text += ", " }
                appendString(member.key, to: &text)
                text += ": "
                append(member.value, to: &text)
                if text.count > maximumLength { break }
            }
            text += "}"
        }
    }

    /// Single quotes unless the string holds a single quote and no double quote, as Python chooses.
    private static func appendString(_ string: String, to text: inout String) {
        let quote: Character = string.contains("'") && !string.contains("\"") ? "\"" : "'"
        text.append(quote)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where Character(scalar) == quote: text += "\\\(quote)"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                text += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text.append(quote)
    }
}
