/// Python's `str` methods.
enum StringMethods {
    static func call(_ name: String, on string: String, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        switch name {
        case "lower": return .string(string.lowercased())
        case "upper": return .string(string.uppercased())
        case "casefold": return .string(string.lowercased())
        case "swapcase": return .string(String(string.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) }))
        case "title": return .string(title(string))
        case "capitalize": return .string(string.prefix(1).uppercased() + string.dropFirst().lowercased())
        case "strip", "lstrip", "rstrip":
            let characters = try arguments.string(0, "chars")
            return .string(strip(string, characters, leading: name != "rstrip", trailing: name != "lstrip"))
        case "split", "rsplit":
            let separator = try arguments.string(0, "sep")
            let limit = try arguments.integer(1, "maxsplit") ?? -1
            return .list(split(string, separator: separator, limit: limit, fromRight: name == "rsplit").map(JinjaValue.string))
        case "splitlines":
            return .list(string.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { .string(String($0)) }
                .dropLast(string.last?.isNewline == true ? 1 : 0))
        case "replace":
            let old = try arguments.requiredString(0, "old")
            let new = try arguments.requiredString(1, "new")
            let count = try arguments.integer(2, "count") ?? -1
            return .string(replace(string, old, new, count: count))
        case "startswith", "endswith":
            let candidate = try arguments.required(0, "prefix")
            let options: [String]
            switch candidate {
            case .string(let text): options = [text]
            case .tuple(let elements): options = elements.compactMap(\.stringValue)
            default: throw .type("\(name) first arg must be str or a tuple of str, not \(candidate.pythonTypeName)")
            }
            return .bool(options.contains { name == "startswith" ? string.hasPrefix($0) : string.hasSuffix($0) })
        case "join":
            guard let elements = try arguments.required(0, "iterable").iterated else { throw .type("can only join an iterable") }
            var parts: [String] = []
            for (index, element) in elements.enumerated() {
                guard case .string(let text) = element else {
                    throw .type("sequence item \(index): expected str instance, \(element.pythonTypeName) found")
                }
                parts.append(text)
            }
            return .string(parts.joined(separator: string))
        case "format": return .string(try BraceFormat.format(string, arguments))
        case "find", "index", "rfind", "rindex":
            let needle = try arguments.requiredString(0, "sub")
            let range = name.hasPrefix("r") ? string.range(of: needle, options: .backwards) : string.range(of: needle)
            guard let range else {
                if name.hasSuffix("index") { throw .value("substring not found") }
                return .int(-1)
            }
            return .int(Int64(string.distance(from: string.startIndex, to: range.lowerBound)))
        case "count":
            let needle = try arguments.requiredString(0, "sub")
            return .int(Int64(needle.isEmpty ? string.count + 1 : string.components(separatedBy: needle).count - 1))
        case "isdigit", "isnumeric", "isdecimal": return .bool(!string.isEmpty && string.allSatisfy(\.isNumber))
        case "isalpha": return .bool(!string.isEmpty && string.allSatisfy(\.isLetter))
        case "isalnum": return .bool(!string.isEmpty && string.allSatisfy { $0.isLetter || $0.isNumber })
        case "isspace": return .bool(!string.isEmpty && string.allSatisfy(\.isWhitespace))
        case "islower": return .bool(string.contains(where: \.isLetter) && string.lowercased() == string)
        case "isupper": return .bool(string.contains(where: \.isLetter) && string.uppercased() == string)
        case "zfill":
            let width = try arguments.integer(0, "width") ?? 0
            guard string.count < width else { return .string(string) }
            let padding = String(repeating: "0", count: width - string.count)
            if let first = string.first, first == "-" || first == "+" { return .string(String(first) + padding + string.dropFirst()) }
            return .string(padding + string)
        case "ljust", "rjust", "center":
            let width = try arguments.integer(0, "width") ?? 0
            let fill = try arguments.string(1, "fillchar") ?? " "
            guard string.count < width else { return .string(string) }
            let total = width - string.count
            switch name {
            case "ljust": return .string(string + String(repeating: fill, count: total))
            case "rjust": return .string(String(repeating: fill, count: total) + string)
            default:
                let left = total / 2 + (total % 2 & width % 2)
                return .string(String(repeating: fill, count: left) + string + String(repeating: fill, count: total - left))
            }
        case "partition", "rpartition":
            let separator = try arguments.requiredString(0, "sep")
            let range = name == "rpartition" ? string.range(of: separator, options: .backwards) : string.range(of: separator)
            guard let range else {
                return name == "rpartition" ? .tuple([.string(""), .string(""), .string(string)]) : .tuple([.string(string), .string(""), .string("")])
            }
            return .tuple([.string(String(string[..<range.lowerBound])), .string(separator), .string(String(string[range.upperBound...]))])
        case "removeprefix":
            let prefix = try arguments.requiredString(0, "prefix")
            return .string(string.hasPrefix(prefix) ? String(string.dropFirst(prefix.count)) : string)
        case "removesuffix":
            let suffix = try arguments.requiredString(0, "suffix")
            return .string(string.hasSuffix(suffix) ? String(string.dropLast(suffix.count)) : string)
        default:
            throw InterpolationError(.undefined, "'str object' has no attribute '\(name)'")
        }
    }

    static func title(_ string: String) -> String {
        var result = ""
        var previousIsLetter = false
        for character in string {
            result += previousIsLetter ? character.lowercased() : character.uppercased()
            previousIsLetter = character.isLetter
        }
        return result
    }

    static func strip(_ string: String, _ characters: String?, leading: Bool, trailing: Bool) -> String {
        let set: (Character) -> Bool = characters.map { chars in { chars.contains($0) } } ?? { $0.isWhitespace }
        var scalars = Substring(string)
        if leading { scalars = scalars.drop(while: set) }
        if trailing { while let last = scalars.last, set(last) { scalars = scalars.dropLast() } }
        return String(scalars)
    }

    static func split(_ string: String, separator: String?, limit: Int, fromRight: Bool) -> [String] {
        guard let separator else {
            // Whitespace splitting drops empty pieces.
            var pieces = string.split(whereSeparator: \.isWhitespace).map(String.init)
            if limit >= 0 && pieces.count > limit + 1 {
                if fromRight {
                    let head = pieces.count - limit
                    let rest = pieces[head...]
                    let joinedHead = StringMethods.rejoinHead(string, keep: head)
                    pieces = [joinedHead] + rest
                } else {
                    let tail = StringMethods.remainder(string, after: limit)
                    pieces = Array(pieces.prefix(limit)) + [tail]
                }
            }
            return pieces
        }
        guard !separator.isEmpty else { return [string] }
        var pieces = string.components(separatedBy: separator)
        if limit >= 0 && pieces.count > limit + 1 {
            if fromRight {
                let keep = pieces.count - limit
                pieces = [pieces[0..<keep].joined(separator: separator)] + pieces[keep...]
            } else {
                pieces = Array(pieces.prefix(limit)) + [pieces[limit...].joined(separator: separator)]
            }
        }
        return pieces
    }

    /// The text after the first `count` whitespace-separated words (for `split(None, n)`).
    private static func remainder(_ string: String, after count: Int) -> String {
        var rest = Substring(string).drop(while: \.isWhitespace)
        for _ in 0..<count {
            rest = rest.drop { !$0.isWhitespace }.drop(while: \.isWhitespace)
        }
        return String(rest)
    }

    private static func rejoinHead(_ string: String, keep: Int) -> String {
        let words = string.split(whereSeparator: \.isWhitespace)
        guard keep > 0, keep <= words.count else { return "" }
        let lastWord = words[keep - 1]
        return String(string[string.startIndex..<lastWord.endIndex]).trimmingLeadingWhitespace()
    }

    static func replace(_ string: String, _ old: String, _ new: String, count: Int) -> String {
        if count < 0 {
            if old.isEmpty { return new + string.map { String($0) + new }.joined() }
            return string.replacing(old, with: new)
        }
        var result = ""
        var rest = Substring(string)
        var remaining = count
        while remaining > 0, let range = rest.firstRange(of: old) {
            result += rest[..<range.lowerBound] + new
            rest = rest[range.upperBound...]
            remaining -= 1
        }
        return result + rest
    }
}

extension String {
    fileprivate func trimmingLeadingWhitespace() -> String {
        String(drop(while: \.isWhitespace))
    }

    func range(of needle: String, options: RangeSearchOption = .forwards) -> Range<String.Index>? {
        switch options {
        case .forwards: return firstRange(of: needle)
        case .backwards: return ranges(of: needle).last
        }
    }

    func components(separatedBy separator: String) -> [String] {
        guard !separator.isEmpty else { return [self] }
        return split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}

enum RangeSearchOption {
    case forwards
    case backwards
}

/// Python's `str.format`: `{}`, `{0}`, `{name}`, `{name.attr}`, `{0[key]}`, and format specs for
/// numbers and padding.
enum BraceFormat {
    static func format(_ template: String, _ arguments: JinjaArguments) throws(InterpolationError) -> String {
        var output = ""
        var automaticIndex = 0
        var characters = Array(template)[...]
        while let character = characters.popFirst() {
            if character == "{" {
                if characters.first == "{" {
                    characters.removeFirst()
                    output.append("{")
                    continue
                }
                var field = ""
                while let next = characters.popFirst(), next != "}" { field.append(next) }
                let parts = field.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let reference = parts.first.map(String.init) ?? ""
                let spec = parts.count > 1 ? String(parts[1]) : ""
                var value: JinjaValue
                let name = reference.prefix { $0 != "." && $0 != "[" }
                if name.isEmpty {
                    guard automaticIndex < arguments.positional.count else { throw InterpolationError(.index, "Replacement index \(automaticIndex) out of range for positional args tuple") }
                    value = arguments.positional[automaticIndex]
                    automaticIndex += 1
                } else if let index = Int(name) {
                    guard index < arguments.positional.count else { throw InterpolationError(.index, "Replacement index \(index) out of range for positional args tuple") }
                    value = arguments.positional[index]
                } else {
                    guard let named = arguments.keyword.first(where: { $0.0 == String(name) })?.1 else {
                        throw InterpolationError(.key, "'\(name)'")
                    }
                    value = named
                }
                var accessors = reference.dropFirst(name.count)
                while let first = accessors.first {
                    if first == "." {
                        let attribute = accessors.dropFirst().prefix { $0 != "." && $0 != "[" }
                        value = try Evaluation.attribute(of: value, String(attribute))
                        accessors = accessors.dropFirst(1 + attribute.count)
                    } else {
                        let key = accessors.dropFirst().prefix { $0 != "]" }
                        value = try Evaluation.item(of: value, Int(key).map { .int(Int64($0)) } ?? .string(String(key)))
                        accessors = accessors.dropFirst(2 + key.count)
                    }
                }
                output += try applySpec(value, spec)
            } else if character == "}" {
                if characters.first == "}" { characters.removeFirst() }
                output.append("}")
            } else {
                output.append(character)
            }
        }
        return output
    }

    private static func applySpec(_ value: JinjaValue, _ spec: String) throws(InterpolationError) -> String {
        guard !spec.isEmpty else { return PythonText.str(value) }
        var characters = Array(spec)[...]
        var fill: Character = " "
        var align: Character?
        if characters.count >= 2, "<>^=".contains(characters[characters.startIndex + 1]) {
            fill = characters.removeFirst()
            align = characters.removeFirst()
        } else if let first = characters.first, "<>^=".contains(first) {
            align = characters.removeFirst()
        }
        var zeroPad = false
        if characters.first == "0" {
            zeroPad = true
            characters.removeFirst()
        }
        var width = ""
        while let next = characters.first, next.isNumber { width.append(characters.removeFirst()) }
        if characters.first == "," { characters.removeFirst() }
        var precision: Int?
        if characters.first == "." {
            characters.removeFirst()
            var digits = ""
            while let next = characters.first, next.isNumber { digits.append(characters.removeFirst()) }
            precision = Int(digits)
        }
        let type = characters.first
        var body: String
        switch type {
        case "f", "F", "e", "E", "g", "G", "%":
            guard var number = value.numericValue else { throw .value("Unknown format code '\(type!)' for object of type '\(value.pythonTypeName)'") }
            if type == "%" { number *= 100 }
            body = (number < 0 ? "-" : "") + FloatFormat.format(abs(number), conversion: type == "%" ? "f" : type!, precision: precision ?? 6)
            if type == "%" { body += "%" }
        case "d":
            guard let integer = value.integerValue else { throw .value("Unknown format code 'd' for object of type '\(value.pythonTypeName)'") }
            body = String(integer)
        case "x", "X", "o", "b":
            guard let integer = value.integerValue else { throw .value("Unknown format code for object of type '\(value.pythonTypeName)'") }
            let radix = type == "o" ? 8 : (type == "b" ? 2 : 16)
            body = String(integer, radix: radix, uppercase: type == "X")
        default:
            body = PythonText.str(value)
            if let precision, case .string = value { body = String(body.prefix(precision)) }
            if let precision, value.isNumber, type == nil, !(value.integerValue != nil && value.pythonTypeName == "int") {
                body = FloatFormat.format(value.numericValue ?? 0, conversion: "g", precision: precision)
            }
        }
        let targetWidth = Int(width) ?? 0
        guard body.count < targetWidth else { return body }
        let padding = targetWidth - body.count
        let effectiveAlign = align ?? (zeroPad ? "=" : (value.isNumber ? ">" : "<"))
        let padCharacter: Character = zeroPad && align == nil ? "0" : fill
        switch effectiveAlign {
        case "<": return body + String(repeating: padCharacter, count: padding)
        case "^":
            let left = padding / 2
            return String(repeating: padCharacter, count: left) + body + String(repeating: padCharacter, count: padding - left)
        case "=":
            if let first = body.first, first == "-" || first == "+" {
                return String(first) + String(repeating: padCharacter, count: padding) + body.dropFirst()
            }
            return String(repeating: padCharacter, count: padding) + body
        default: return String(repeating: padCharacter, count: padding) + body
        }
    }
}
