/// Python `re` operations for the `regex_search` and `regex_replace` filters, on Swift's regex engine
/// with Unicode-scalar semantics.
enum PythonRegex {
    static func compile(_ pattern: String) throws(InterpolationError) -> Regex<AnyRegexOutput> {
        do {
            return try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            throw InterpolationError(.value, "invalid regular expression \(PythonText.quoted(pattern)): \(error)")
        }
    }

    /// `re.search(regex, value)`: group 1 of the first match, or "" when there is no match or no group.
    static func firstGroup(_ pattern: String, in text: String) throws(InterpolationError) -> String {
        let regex = try compile(pattern)
        guard let match = try? regex.firstMatch(in: text), match.output.count > 1, let group = match.output[1].substring else { return "" }
        return String(group)
    }

    /// `re.sub(regex, replacement, value)` with `\1` and `\g<name>` references.
    static func substitute(_ pattern: String, in text: String, with replacement: String) throws(InterpolationError) -> String {
        let regex = try compile(pattern)
        var output = ""
        var index = text.startIndex
        for match in text.matches(of: regex) {
            output += text[index..<match.range.lowerBound]
            output += expand(replacement, match.output)
            index = match.range.upperBound
        }
        return output + text[index...]
    }

    private static func expand(_ replacement: String, _ groups: AnyRegexOutput) -> String {
        var output = ""
        var characters = Array(replacement)[...]
        while let character = characters.popFirst() {
            guard character == "\\", let next = characters.first else {
                output.append(character)
                continue
            }
            if let digit = next.wholeNumberValue {
                characters.removeFirst()
                if digit < groups.count, let group = groups[digit].substring { output += group }
            } else if next == "g", characters.dropFirst().first == "<" {
                characters.removeFirst(2)
                var name = ""
                while let part = characters.popFirst(), part != ">" { name.append(part) }
                if let number = Int(name), number < groups.count {
                    output += groups[number].substring ?? ""
                } else if let group = groups[name]?.substring {
                    output += group
                }
            } else {
                characters.removeFirst()
                switch next {
                case "n": output += "\n"
                case "t": output += "\t"
                case "\\": output += "\\"
                default: output += "\\" + String(next)
                }
            }
        }
        return output
    }
}
