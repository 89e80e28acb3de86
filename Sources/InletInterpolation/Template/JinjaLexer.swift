/// Splits a template into text and tags, then tags into tokens, as Jinja's default lexer does:
/// `{{ … }}`, `{% … %}`, `{# … #}`, whitespace control with `-`, `{% raw %}`, and one trailing
/// newline of the template dropped.
struct JinjaLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var tokens: [JinjaToken] = []
    private let template: String

    init(_ template: String) {
        // Jinja normalises newlines and drops a single trailing newline.
        var source = template.replacing("\r\n", with: "\n").replacing("\r", with: "\n")
        if source.hasSuffix("\n") { source.removeLast() }
        self.template = template
        scalars = Array(source.unicodeScalars)
    }

    static func tokenize(_ template: String) throws(InterpolationError) -> [JinjaToken] {
        var lexer = JinjaLexer(template)
        try lexer.run()
        return lexer.tokens
    }

    private func error(_ message: String, at offset: Int) -> InterpolationError {
        InterpolationError(.syntax, message, template: template, offset: offset)
    }

    private func at(_ offset: Int) -> Unicode.Scalar? {
        offset < scalars.count ? scalars[offset] : nil
    }

    private mutating func run() throws(InterpolationError) {
        var text = ""
        var textStart = 0
        var stripNextText = false

        func flushText(stripTrailing: Bool) {
            var piece = text
            if stripTrailing {
                while let last = piece.unicodeScalars.last, last.isJinjaWhitespace { piece.unicodeScalars.removeLast() }
            }
            if !piece.isEmpty { tokens.append(JinjaToken(kind: .text(piece), offset: textStart)) }
            text = ""
        }

        while position < scalars.count {
            let scalar = scalars[position]
            let next = at(position + 1)
            guard scalar == "{", let next, next == "{" || next == "%" || next == "#" else {
                if stripNextText && scalar.isJinjaWhitespace {
                    position += 1
                    continue
                }
                stripNextText = false
                if text.isEmpty { textStart = position }
                text.unicodeScalars.append(scalar)
                position += 1
                continue
            }
            stripNextText = false
            let tagStart = position
            position += 2
            let stripBefore = at(position) == "-"
            if at(position) == "-" || at(position) == "+" { position += 1 }
            flushText(stripTrailing: stripBefore)

            switch next {
            case "#":
                guard let close = find("#}", from: position) else { throw error("Missing end of comment tag", at: tagStart) }
                stripNextText = close > 0 && scalars[close - 1] == "-"
                position = close + 2
            case "{":
                tokens.append(JinjaToken(kind: .variableBegin, offset: tagStart))
                stripNextText = try tokenizeTag(closing: "}", tagStart: tagStart)
                tokens.append(JinjaToken(kind: .variableEnd, offset: position - 2))
            default:
                if try handleRaw(tagStart: tagStart, stripBefore: stripBefore) {
                    continue
                }
                tokens.append(JinjaToken(kind: .blockBegin, offset: tagStart))
                stripNextText = try tokenizeTag(closing: "%", tagStart: tagStart)
                tokens.append(JinjaToken(kind: .blockEnd, offset: position - 2))
            }
        }
        flushText(stripTrailing: false)
        tokens.append(JinjaToken(kind: .end, offset: scalars.count))
    }

    private func find(_ needle: String, from start: Int) -> Int? {
        let pattern = Array(needle.unicodeScalars)
        var index = start
        while index + pattern.count <= scalars.count {
            var matches = true
            for offset in pattern.indices where scalars[index + offset] != pattern[offset] {
                matches = false
                break
            }
            if matches { return index }
            index += 1
        }
        return nil
    }

    /// `{% raw %}…{% endraw %}`: the body is text, tags and all.
    private mutating func handleRaw(tagStart: Int, stripBefore: Bool) throws(InterpolationError) -> Bool {
        var index = position
        while let scalar = at(index), scalar == " " || scalar == "\t" || scalar == "\n" { index += 1 }
        guard Array(scalars[index..<min(index + 3, scalars.count)]) == Array("raw".unicodeScalars) else { return false }
        index += 3
        while let scalar = at(index), scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "-" { index += 1 }
        guard at(index) == "%", at(index + 1) == "}" else { return false }
        let bodyStart = index + 2
        var search = bodyStart
        while true {
            guard let open = find("{%", from: search) else { throw error("Missing end of raw directive", at: tagStart) }
            var cursor = open + 2
            while let scalar = at(cursor), scalar == " " || scalar == "-" { cursor += 1 }
            if Array(scalars[cursor..<min(cursor + 6, scalars.count)]) == Array("endraw".unicodeScalars),
               let close = find("%}", from: cursor) {
                let body = String(String.UnicodeScalarView(scalars[bodyStart..<open]))
                if !body.isEmpty { tokens.append(JinjaToken(kind: .text(body), offset: bodyStart)) }
                position = close + 2
                return true
            }
            search = open + 2
        }
    }

    /// Tokens up to the closing `}}` or `%}`; returns whether the tag ends with `-` (strip what follows).
    private mutating func tokenizeTag(closing: Unicode.Scalar, tagStart: Int) throws(InterpolationError) -> Bool {
        var bracketDepth = 0
        while true {
            while let scalar = at(position), scalar.isJinjaWhitespace { position += 1 }
            guard let scalar = at(position) else {
                throw error(closing == "}" ? "unexpected end of template, expected 'end of print statement'."
                                           : "unexpected end of template, expected 'end of statement block'.", at: tagStart)
            }
            if bracketDepth == 0 {
                if scalar == "-", at(position + 1) == closing, at(position + 2) == "}" {
                    position += 3
                    return true
                }
                if scalar == "+", at(position + 1) == closing, at(position + 2) == "}" {
                    position += 3
                    return false
                }
                if scalar == closing, at(position + 1) == "}" {
                    position += 2
                    return false
                }
            }
            let start = position
            if isNameStart(scalar) {
                var name = ""
                while let next = at(position), isNameContinue(next) {
                    name.unicodeScalars.append(next)
                    position += 1
                }
                tokens.append(JinjaToken(kind: .name(name), offset: start))
            } else if ("0"..."9").contains(scalar) {
                tokens.append(JinjaToken(kind: try number(), offset: start))
            } else if scalar == "'" || scalar == "\"" {
                tokens.append(JinjaToken(kind: .string(try string(quote: scalar)), offset: start))
            } else {
                let symbol = operatorSymbol()
                guard !symbol.isEmpty else { throw error("unexpected char '\(scalar)' at \(position)", at: position) }
                if symbol == "(" || symbol == "[" || symbol == "{" { bracketDepth += 1 }
                if symbol == ")" || symbol == "]" || symbol == "}" { bracketDepth = max(0, bracketDepth - 1) }
                tokens.append(JinjaToken(kind: .symbol(symbol), offset: start))
            }
        }
    }

    private func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        return scalar.properties.isAlphabetic
    }

    private func isNameContinue(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar)
    }


    private mutating func operatorSymbol() -> String {
        guard let first = at(position) else { return "" }
        let second = at(position + 1)
        let twoCharacter: String?
        switch (first, second) {
        case ("/", "/"): twoCharacter = "//"
        case ("*", "*"): twoCharacter = "**"
        case ("=", "="): twoCharacter = "=="
        case ("!", "="): twoCharacter = "!="
        case ("<", "="): twoCharacter = "<="
        case (">", "="): twoCharacter = ">="
        default: twoCharacter = nil
        }
        if let twoCharacter {
            position += 2
            return twoCharacter
        }
        guard "+-*/%~<>=()[]{},.:|;".unicodeScalars.contains(first) else { return "" }
        position += 1
        return String(first)
    }

    /// Integers and floats with Jinja's syntax: `12`, `1_000`, `1.5`, `1e3`, `2.5E-3`.
    private mutating func number() throws(InterpolationError) -> JinjaToken.Kind {
        var text = ""
        func digits() {
            while let next = at(position), ("0"..."9").contains(next) || (next == "_" && at(position + 1).map { ("0"..."9").contains($0) } == true) {
                if next != "_" { text.unicodeScalars.append(next) }
                position += 1
            }
        }
        digits()
        var isFloat = false
        if at(position) == ".", let after = at(position + 1), ("0"..."9").contains(after) {
            isFloat = true
            text += "."
            position += 1
            digits()
        }
        if let marker = at(position), marker == "e" || marker == "E" {
            var lookahead = position + 1
            if let sign = at(lookahead), sign == "+" || sign == "-" { lookahead += 1 }
            if let digit = at(lookahead), ("0"..."9").contains(digit) {
                text += "e"
                if let sign = at(position + 1), sign == "+" || sign == "-" { text.unicodeScalars.append(sign) }
                position = lookahead
                digits()
                isFloat = true
            }
        }
        if isFloat { return .float(Double(text) ?? 0) }
        if let value = Int64(text) { return .integer(value) }
        return .bigInteger(String(text.drop { $0 == "0" }))
    }

    /// A quoted string with Python's escapes decoded, as Jinja decodes them.
    private mutating func string(quote: Unicode.Scalar) throws(InterpolationError) -> String {
        let start = position
        position += 1
        var raw = ""
        while let scalar = at(position) {
            if scalar == "\\", let next = at(position + 1) {
                raw.unicodeScalars.append(scalar)
                raw.unicodeScalars.append(next)
                position += 2
                continue
            }
            if scalar == quote {
                position += 1
                return Self.decodeEscapes(raw)
            }
            raw.unicodeScalars.append(scalar)
            position += 1
        }
        throw error("unexpected end of template, expected string end", at: start)
    }

    static func decodeEscapes(_ raw: String) -> String {
        guard raw.contains("\\") else { return raw }
        var output = ""
        var scalars = Array(raw.unicodeScalars)[...]
        func hex(_ count: Int) -> Unicode.Scalar? {
            guard scalars.count >= count, let value = UInt32(String(String.UnicodeScalarView(scalars.prefix(count))), radix: 16) else { return nil }
            scalars.removeFirst(count)
            return Unicode.Scalar(value)
        }
        while let scalar = scalars.popFirst() {
            guard scalar == "\\", let code = scalars.popFirst() else {
                output.unicodeScalars.append(scalar)
                continue
            }
            switch code {
            case "n": output += "\n"
            case "t": output += "\t"
            case "r": output += "\r"
            case "a": output += "\u{07}"
            case "b": output += "\u{08}"
            case "f": output += "\u{0C}"
            case "v": output += "\u{0B}"
            case "\\", "'", "\"": output.unicodeScalars.append(code)
            case "\n": break
            case "x": if let value = hex(2) { output.unicodeScalars.append(value) } else { output += "\\x" }
            case "u": if let value = hex(4) { output.unicodeScalars.append(value) } else { output += "\\u" }
            case "U": if let value = hex(8) { output.unicodeScalars.append(value) } else { output += "\\U" }
            case "0"..."7":
                var value = code.value - 48
                var count = 1
                while count < 3, let next = scalars.first, ("0"..."7").contains(next) {
                    value = value * 8 + next.value - 48
                    scalars.removeFirst()
                    count += 1
                }
                if let decoded = Unicode.Scalar(value) { output.unicodeScalars.append(decoded) }
            default:
                output.unicodeScalars.append("\\")
                output.unicodeScalars.append(code)
            }
        }
        return output
    }
}

extension Unicode.Scalar {
    fileprivate var isJinjaWhitespace: Bool {
        if isASCII { return self == " " || self == "\n" || self == "\t" || self == "\r" || self == "\u{0B}" || self == "\u{0C}" }
        return properties.isWhitespace
    }
}
