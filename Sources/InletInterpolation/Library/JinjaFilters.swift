import Crypto

/// Jinja's built-in filters that manifests use, and the CDK's own (`hash`, `base64encode`,
/// `base64decode`, `string`, `regex_search`, `regex_replace`, `hmac`).
enum JinjaFilters {
    static let names: Set<String> = [
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
        "forceescape", "format", "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min",
        "pprint", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "slice", "sort",
        "string", "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "urlencode", "wordcount",
        "hash", "base64encode", "base64decode", "base64binascii_decode", "regex_search", "regex_replace", "hmac",
    ]

    static func apply(_ name: String, to value: JinjaValue, arguments: JinjaArguments, evaluator: inout JinjaEvaluator) throws(InterpolationError) -> JinjaValue {
        switch name {
        case "default", "d":
            let fallback = arguments.value(0, "default_value") ?? .string("")
            let useTruthiness = arguments.bool(1, "boolean", default: false)
            if value.isUndefined || (useTruthiness && !value.isTruthy) { return fallback }
            return value
        case "int": return try toInt(value, arguments)
        case "float": return toFloat(value, arguments)
        case "length", "count":
            guard let length = value.length else { throw .type("object of type '\(value.pythonTypeName)' has no len()") }
            return .int(Int64(length))
        case "string":
            // The CDK's `string` replaces Jinja's: non-strings become JSON in a triple-quoted literal.
            if case .string = value { return value }
            return .string("\"\"\"" + (try PythonJSON.dumps(value)) + "\"\"\"")
        case "lower": return .string(PythonText.str(try defined(value)).lowercased())
        case "upper": return .string(PythonText.str(try defined(value)).uppercased())
        case "capitalize":
            let text = PythonText.str(try defined(value))
            return .string(text.prefix(1).uppercased() + text.dropFirst().lowercased())
        case "title": return .string(StringMethods.title(PythonText.str(try defined(value))))
        case "trim":
            return .string(StringMethods.strip(PythonText.str(try defined(value)), try arguments.string(0, "chars"), leading: true, trailing: true))
        case "replace":
            let count = try arguments.integer(2, "count") ?? -1
            return .string(StringMethods.replace(PythonText.str(try defined(value)), try arguments.requiredString(0, "old"),
                                                 try arguments.requiredString(1, "new"), count: count))
        case "join": return try join(value, arguments)
        case "list":
            guard let elements = value.iterated else { throw .type("'\(value.pythonTypeName)' object is not iterable") }
            return .list(elements)
        case "first", "last":
            guard let elements = value.iterated else { throw .type("'\(value.pythonTypeName)' object is not iterable") }
            guard let element = name == "first" ? elements.first : elements.last else {
                return .undefined(hint: "No \(name) item, sequence was empty.")
            }
            return element
        case "reverse":
            if case .string(let text) = value { return .string(String(text.reversed())) }
            guard let elements = value.iterated else { throw .type("argument to reversed() must be a sequence") }
            return .list(elements.reversed())
        case "abs":
            switch value {
            case .int(let integer): return .int(integer.magnitude > UInt64(Int64.max) ? .max : abs(integer))
            case .double(let double): return .double(abs(double))
            case .bool(let flag): return .int(flag ? 1 : 0)
            default: throw .type("bad operand type for abs(): '\(value.pythonTypeName)'")
            }
        case "round": return try round(value, arguments)
        case "sum": return try sum(value, arguments, evaluator: &evaluator)
        case "max", "min": return try extreme(value, arguments, largest: name == "max")
        case "unique": return try unique(value, arguments)
        case "sort": return try sort(value, arguments)
        case "map": return try map(value, arguments, evaluator: &evaluator)
        case "select", "reject": return try select(value, arguments, keep: name == "select", attribute: false, evaluator: &evaluator)
        case "selectattr", "rejectattr": return try select(value, arguments, keep: name == "selectattr", attribute: true, evaluator: &evaluator)
        case "attr": return try Evaluation.attribute(of: value, try arguments.requiredString(0, "name"))
        case "items":
            guard let pairs = PythonSemantics.mappingPairs(value) else {
                if value.isUndefined { return .list([]) }
                throw .type("items filter requires a mapping")
            }
            return .list(pairs.map { .tuple([$0.0, $0.1]) })
        case "dictsort":
            guard let pairs = PythonSemantics.mappingPairs(value) else { throw .type("dictsort requires a mapping") }
            let byValue = try arguments.string(2, "by") == "value"
            let reverse = arguments.bool(3, "reverse", default: false)
            var sorted = pairs
            try sortInPlace(&sorted) { pair in byValue ? pair.1 : pair.0 }
            if reverse { sorted.reverse() }
            return .list(sorted.map { .tuple([$0.0, $0.1]) })
        case "batch":
            guard let elements = value.iterated, let size = try arguments.integer(0, "linecount"), size > 0 else { throw .type("batch requires a size") }
            let fill = arguments.value(1, "fill_with")
            var batches: [JinjaValue] = []
            var index = 0
            while index < elements.count {
                var chunk = Array(elements[index..<min(index + size, elements.count)])
                if let fill, chunk.count < size { chunk += Array(repeating: fill, count: size - chunk.count) }
                batches.append(.list(chunk))
                index += size
            }
            return .list(batches)
        case "slice":
            guard let elements = value.iterated, let slices = try arguments.integer(0, "slices"), slices > 0 else { throw .type("slice requires a count") }
            let perSlice = elements.count / slices
            let withExtra = elements.count % slices
            var result: [JinjaValue] = []
            var offset = 0
            for sliceIndex in 0..<slices {
                let size = perSlice + (sliceIndex < withExtra ? 1 : 0)
                result.append(.list(Array(elements[offset..<(offset + size)])))
                offset += size
            }
            return .list(result)
        case "tojson":
            return .string(try PythonJSON.dumps(value, sortKeys: true, htmlSafe: true))
        case "urlencode": return .string(try urlencode(value))
        case "wordcount": return .int(Int64(PythonText.str(value).split(whereSeparator: \.isWhitespace).count))
        case "truncate": return try truncate(value, arguments)
        case "center":
            let width = try arguments.integer(0, "width") ?? 80
            return try StringMethods.call("center", on: PythonText.str(value), JinjaArguments(positional: [.int(Int64(width))], callee: "center"))
        case "indent":
            let width = try arguments.integer(0, "width") ?? 4
            let indentFirst = arguments.bool(1, "first", default: false)
            let padding = String(repeating: " ", count: width)
            let lines = PythonText.str(value).split(separator: "\n", omittingEmptySubsequences: false)
            return .string(lines.enumerated().map { index, line in
                (index == 0 && !indentFirst) || line.isEmpty ? String(line) : padding + line
            }.joined(separator: "\n"))
        case "format":
            let arguments: JinjaValue = arguments.keyword.isEmpty ? .tuple(arguments.positional)
                : .dict(JinjaDict(arguments.keyword.map { (.string($0.0), $0.1) }))
            return .string(try PythonSemantics.modulo(.string(PythonText.str(value)), arguments).stringValue ?? "")
        case "escape", "e", "forceescape":
            return .string(PythonText.str(value).replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
                .replacing("\"", with: "&#34;").replacing("'", with: "&#39;"))
        case "safe": return value
        case "striptags":
            var text = ""
            var inTag = false
            for character in PythonText.str(value) {
                if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { text.append(character) }
            }
            return .string(text.split(whereSeparator: \.isWhitespace).joined(separator: " "))
        case "pprint": return .string(PythonText.repr(value))
        case "hash": return .string(try Hashing.hexDigest(of: PythonText.str(value), type: try arguments.string(0, "hash_type") ?? "md5",
                                                           salt: arguments.value(1, "salt").flatMap { $0.isNone ? nil : PythonText.str($0) }))
        case "hmac":
            let key = PythonText.str(try arguments.required(0, "key"))
            let type = try arguments.string(1, "hash_type") ?? "sha256"
            guard type == "sha256" else { throw .value("Hash type '\(type)' is not allowed. Allowed types: sha256") }
            return .string(Hashing.hmacSHA256(message: PythonText.str(value), key: key))
        case "base64encode":
            guard case .string(let text) = value else { throw InterpolationError(.attribute, "'\(value.pythonTypeName)' object has no attribute 'encode'") }
            return .string(Base64.encode(Array(text.utf8)))
        case "base64binascii_decode":
            guard case .string(let text) = value else { throw InterpolationError(.attribute, "'\(value.pythonTypeName)' object has no attribute 'encode'") }
            return .string(Base64.encode(Array(text.utf8)))
        case "base64decode":
            guard case .string(let text) = value else { throw InterpolationError(.attribute, "'\(value.pythonTypeName)' object has no attribute 'encode'") }
            guard let bytes = Base64.decode(text), let decoded = String(validating: bytes, as: UTF8.self) else {
                throw .value("Incorrect padding or invalid base64 data")
            }
            return .string(decoded)
        case "regex_search":
            let text = PythonText.str(value)
            let pattern = try arguments.requiredString(0, "regex")
            return .string(try PythonRegex.firstGroup(pattern, in: text))
        case "regex_replace":
            return .string(try PythonRegex.substitute(try arguments.requiredString(0, "regex"), in: PythonText.str(value),
                                                      with: try arguments.requiredString(1, "replacement")))
        default:
            throw InterpolationError(.syntax, "No filter named '\(name)'.")
        }
    }

    private static func defined(_ value: JinjaValue) throws(InterpolationError) -> JinjaValue {
        if case .undefined = value { return .string("") }
        return value
    }

    /// Jinja's `int`: strings parse in `base`, then as floats; anything unparsable gives the default.
    private static func toInt(_ value: JinjaValue, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        let fallback = arguments.value(0, "default") ?? .int(0)
        let base = try arguments.integer(1, "base") ?? 10
        switch value {
        case .int, .bigInteger: return value
        case .bool(let flag): return .int(flag ? 1 : 0)
        case .double(let double):
            guard double.isFinite, let integer = Int64(exactly: double.rounded(.towardZero)) else { return fallback }
            return .int(integer)
        case .string(let text):
            let trimmed = text.trimmingSpaces.replacing("_", with: "")
            var digits = trimmed
            if base == 16 && (digits.lowercased().hasPrefix("0x")) { digits = String(digits.dropFirst(2)) }
            if let integer = Int64(digits, radix: base) { return .int(integer) }
            if let double = Double(trimmed), double.isFinite, let integer = Int64(exactly: double.rounded(.towardZero)) { return .int(integer) }
            return fallback
        default:
            return fallback
        }
    }

    private static func toFloat(_ value: JinjaValue, _ arguments: JinjaArguments) -> JinjaValue {
        let fallback = arguments.value(0, "default") ?? .double(0)
        switch value {
        case .int, .bool, .bigInteger, .double: return .double(value.numericValue ?? 0)
        case .string(let text):
            let trimmed = text.trimmingSpaces.replacing("_", with: "")
            switch trimmed.lowercased() {
            case "nan", "+nan", "-nan": return .double(.nan)
            case "inf", "+inf", "infinity", "+infinity": return .double(.infinity)
            case "-inf", "-infinity": return .double(-.infinity)
            default: return Double(trimmed).map(JinjaValue.double) ?? fallback
            }
        default:
            return fallback
        }
    }

    private static func join(_ value: JinjaValue, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        guard let elements = value.iterated else { throw .type("can only join an iterable") }
        let separator = try arguments.string(0, "d") ?? ""
        var parts: [String] = []
        for element in elements {
            if let attribute = try arguments.string(1, "attribute") {
                parts.append(PythonText.str(try Evaluation.item(of: element, .string(attribute))))
            } else {
                parts.append(PythonText.str(element))
            }
        }
        return .string(parts.joined(separator: separator))
    }

    private static func round(_ value: JinjaValue, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        let precision = try arguments.integer(0, "precision") ?? 0
        let method = try arguments.string(1, "method") ?? "common"
        guard let number = value.numericValue else { throw .type("type \(value.pythonTypeName) doesn't define __round__ method") }
        if case .int = value, method == "common" { return value }
        var scale = 1.0
        for _ in 0..<abs(precision) { scale *= 10 }
        let scaled = precision >= 0 ? number * scale : number / scale
        let rounded: Double
        switch method {
        case "ceil": rounded = scaled.rounded(.up)
        case "floor": rounded = scaled.rounded(.down)
        default:
            // Python's round() rounds half to even, on the exact binary value.
            let text = FloatFormat.fixed(number, precision: max(0, precision))
            if precision >= 0, let parsed = Double(text) { return .double(parsed) }
            rounded = scaled.rounded(.toNearestOrEven)
        }
        return .double(precision >= 0 ? rounded / scale : rounded * scale)
    }

    private static func sum(_ value: JinjaValue, _ arguments: JinjaArguments, evaluator: inout JinjaEvaluator) throws(InterpolationError) -> JinjaValue {
        guard let elements = value.iterated else { throw .type("'\(value.pythonTypeName)' object is not iterable") }
        var total = arguments.value(1, "start") ?? .int(0)
        let attribute = try arguments.string(0, "attribute")
        for element in elements {
            let item = try attribute.map { name throws(InterpolationError) in try Evaluation.item(of: element, .string(name)) } ?? element
            total = try PythonSemantics.add(total, item)
        }
        return total
    }

    private static func extreme(_ value: JinjaValue, _ arguments: JinjaArguments, largest: Bool) throws(InterpolationError) -> JinjaValue {
        guard var elements = value.iterated else { throw .type("'\(value.pythonTypeName)' object is not iterable") }
        if let attribute = try arguments.string(1, "attribute") {
            elements = try elements.map { element throws(InterpolationError) in try Evaluation.item(of: element, .string(attribute)) }
        }
        guard !elements.isEmpty else { return .undefined(hint: "No aggregated item, sequence was empty.") }
        return try Macros.extreme(JinjaArguments(positional: elements, callee: largest ? "max" : "min"), largest: largest)
    }

    private static func unique(_ value: JinjaValue, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        guard let elements = value.iterated else { throw .type("'\(value.pythonTypeName)' object is not iterable") }
        let caseSensitive = arguments.bool(0, "case_sensitive", default: false)
        let attribute = try arguments.string(1, "attribute")
        var seen: [JinjaValue] = []
        var result: [JinjaValue] = []
        for element in elements {
            var key = try attribute.map { name throws(InterpolationError) in try Evaluation.item(of: element, .string(name)) } ?? element
            if !caseSensitive, case .string(let text) = key { key = .string(text.lowercased()) }
            if !seen.contains(where: { PythonSemantics.equal($0, key) }) {
                seen.append(key)
                result.append(element)
            }
        }
        return .list(result)
    }

    private static func sort(_ value: JinjaValue, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        guard var elements = value.iterated else { throw .type("'\(value.pythonTypeName)' object is not iterable") }
        let reverse = arguments.bool(0, "reverse", default: false)
        let caseSensitive = arguments.bool(1, "case_sensitive", default: false)
        let attribute = try arguments.string(2, "attribute")
        try sortInPlace(&elements) { element in
            var key = attribute.flatMap { try? Evaluation.item(of: element, .string($0)) } ?? element
            if !caseSensitive, case .string(let text) = key { key = .string(text.lowercased()) }
            return key
        }
        if reverse { elements.reverse() }
        return .list(elements)
    }

    /// A stable sort by Python ordering, failing (as Python does) on values it cannot order.
    static func sortInPlace<Element>(_ elements: inout [Element], key: (Element) -> JinjaValue) throws(InterpolationError) {
        var failure: InterpolationError?
        let keyed = elements.map { (key($0), $0) }
        let sorted = keyed.enumerated().sorted { lhs, rhs in
            do {
                if try PythonSemantics.lessThan(lhs.element.0, rhs.element.0) { return true }
                if try PythonSemantics.lessThan(rhs.element.0, lhs.element.0) { return false }
            } catch let error as InterpolationError {
                failure = error
            } catch {}
            return lhs.offset < rhs.offset
        }
        if let failure { throw failure }
        elements = sorted.map { $0.element.1 }
    }

    private static func map(_ value: JinjaValue, _ arguments: JinjaArguments, evaluator: inout JinjaEvaluator) throws(InterpolationError) -> JinjaValue {
        guard let elements = value.iterated else { throw .type("'\(value.pythonTypeName)' object is not iterable") }
        if let attribute = arguments.keyword.first(where: { $0.0 == "attribute" })?.1.stringValue {
            let fallback = arguments.keyword.first { $0.0 == "default" }?.1
            return .list(try elements.map { element throws(InterpolationError) in
                var item = element
                for part in attribute.split(separator: ".") {
                    item = try Evaluation.item(of: item, Int(part).map { .int(Int64($0)) } ?? .string(String(part)))
                }
                if item.isUndefined, let fallback { return fallback }
                return item
            })
        }
        guard let filterName = arguments.positional.first?.stringValue else { throw .type("map requires a filter or attribute") }
        let rest = JinjaArguments(positional: Array(arguments.positional.dropFirst()), keyword: arguments.keyword, callee: filterName)
        var results: [JinjaValue] = []
        for element in elements {
            results.append(try apply(filterName, to: element, arguments: rest, evaluator: &evaluator))
        }
        return .list(results)
    }

    private static func select(_ value: JinjaValue, _ arguments: JinjaArguments, keep: Bool, attribute: Bool,
                               evaluator: inout JinjaEvaluator) throws(InterpolationError) -> JinjaValue {
        guard let elements = value.iterated else { throw .type("'\(value.pythonTypeName)' object is not iterable") }
        var positional = arguments.positional
        var attributeName: String?
        if attribute {
            guard let name = positional.first?.stringValue else { throw .type("selectattr requires an attribute") }
            attributeName = name
            positional.removeFirst()
        }
        let testName = positional.first?.stringValue
        let testArguments = JinjaArguments(positional: Array(positional.dropFirst()), keyword: arguments.keyword, callee: testName ?? "")
        var result: [JinjaValue] = []
        for element in elements {
            var subject = element
            if let attributeName {
                for part in attributeName.split(separator: ".") { subject = try Evaluation.item(of: subject, .string(String(part))) }
            }
            let passes = try testName.map { name throws(InterpolationError) in try JinjaTests.apply(name, to: subject, arguments: testArguments) } ?? subject.isTruthy
            if passes == keep { result.append(element) }
        }
        return .list(result)
    }

    private static func urlencode(_ value: JinjaValue) throws(InterpolationError) -> String {
        switch value {
        case .string(let text): return URLQuoting.quote(text, safe: "/")
        case .dict, .jsonObject:
            return (PythonSemantics.mappingPairs(value) ?? []).map { pair in
                URLQuoting.quotePlus(PythonText.str(pair.0)) + "=" + URLQuoting.quotePlus(PythonText.str(pair.1))
            }.joined(separator: "&")
        default:
            if let elements = value.iterated {
                return elements.map { pair in
                    let parts = pair.iterated ?? []
                    return parts.map { URLQuoting.quotePlus(PythonText.str($0)) }.joined(separator: "=")
                }.joined(separator: "&")
            }
            return URLQuoting.quote(PythonText.str(value), safe: "/")
        }
    }

    private static func truncate(_ value: JinjaValue, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        let text = PythonText.str(value)
        let length = try arguments.integer(0, "length") ?? 255
        let killWords = arguments.bool(1, "killwords", default: false)
        let end = try arguments.string(2, "end") ?? "..."
        let leeway = try arguments.integer(3, "leeway") ?? 5
        guard text.count > length + leeway else { return .string(text) }
        let keep = max(0, length - end.count)
        if killWords { return .string(String(text.prefix(keep)) + end) }
        var cut = String(text.prefix(keep))
        if let space = cut.lastIndex(of: " ") { cut = String(cut[..<space]) }
        return .string(cut + end)
    }
}

/// Digests for the `hash` and `hmac` filters, over the UTF-8 text of the value.
enum Hashing {
    static func hexDigest(of text: String, type: String, salt: String?) throws(InterpolationError) -> String {
        var data = Array(text.utf8)
        if let salt { data += Array(salt.utf8) }
        switch type {
        case "md5": return hex(Insecure.MD5.hash(data: data))
        case "sha1": return hex(Insecure.SHA1.hash(data: data))
        case "sha256": return hex(SHA256.hash(data: data))
        case "sha384": return hex(SHA384.hash(data: data))
        case "sha512": return hex(SHA512.hash(data: data))
        default: throw InterpolationError(.attribute, "No hashing function named \(type)")
        }
    }

    static func hmacSHA256(message: String, key: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key.utf8)))
        return hex(code)
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}

/// Standard base64 with padding.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output += [alphabet[Int(chunk >> 18 & 63)], alphabet[Int(chunk >> 12 & 63)], alphabet[Int(chunk >> 6 & 63)], alphabet[Int(chunk & 63)]]
            index += 3
        }
        let remaining = bytes.count - index
        if remaining == 1 {
            let chunk = UInt32(bytes[index]) << 16
            output += [alphabet[Int(chunk >> 18 & 63)], alphabet[Int(chunk >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if remaining == 2 {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output += [alphabet[Int(chunk >> 18 & 63)], alphabet[Int(chunk >> 12 & 63)], alphabet[Int(chunk >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes like Python's `b64decode`: characters outside the alphabet are discarded, padding is required.
    public static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt32] = []
        var padding = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") { padding += 1; continue }
            guard let index = alphabet.firstIndex(of: byte) else { continue }
            guard padding == 0 else { return nil }
            values.append(UInt32(index))
        }
        guard (values.count + padding) % 4 == 0, values.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < values.count {
            let group = values[index..<min(index + 4, values.count)]
            var chunk: UInt32 = 0
            for (offset, value) in group.enumerated() { chunk |= value << (18 - 6 * UInt32(offset)) }
            output.append(UInt8(chunk >> 16 & 0xFF))
            if group.count > 2 { output.append(UInt8(chunk >> 8 & 0xFF)) }
            if group.count > 3 { output.append(UInt8(chunk & 0xFF)) }
            index += 4
        }
        return output
    }
}
