/// Recursive-descent parser for Jinja templates, with Jinja's operator precedence:
/// conditional < or < and < not < comparisons < `+ -` < `~` < `* / // %` < `**` < unary < filters, tests
/// and postfix access.
struct JinjaParser {
    private let tokens: [JinjaToken]
    private var index = 0
    private let template: String

    init(tokens: [JinjaToken], template: String) {
        self.tokens = tokens
        self.template = template
    }

    static func parse(_ template: String) throws(InterpolationError) -> [JinjaNode] {
        var parser = JinjaParser(tokens: try JinjaLexer.tokenize(template), template: template)
        let nodes = try parser.parseNodes(until: [])
        guard case .end = parser.current.kind else {
            throw parser.error("unexpected \(parser.current.describe)")
        }
        return nodes
    }

    // MARK: - Token helpers

    private var current: JinjaToken { tokens[index] }
    private var nextToken: JinjaToken { tokens[min(index + 1, tokens.count - 1)] }

    private mutating func advance() -> JinjaToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func error(_ message: String, at token: JinjaToken? = nil) -> InterpolationError {
        InterpolationError(.syntax, message, template: template, offset: (token ?? current).offset)
    }

    private mutating func expectSymbol(_ symbol: String) throws(InterpolationError) {
        guard current.isSymbol(symbol) else {
            throw error("expected token '\(symbol)', got \(current.describe)")
        }
        _ = advance()
    }

    private mutating func expectName() throws(InterpolationError) -> String {
        guard case .name(let name) = current.kind else { throw error("expected name, got \(current.describe)") }
        _ = advance()
        return name
    }

    private mutating func expectBlockEnd() throws(InterpolationError) {
        guard case .blockEnd = current.kind else { throw error("expected token 'end of statement block', got \(current.describe)") }
        _ = advance()
    }

    // MARK: - Statements

    /// Nodes until a block tag whose keyword is in `terminators` (left unconsumed) or the end.
    private mutating func parseNodes(until terminators: Set<String>) throws(InterpolationError) -> [JinjaNode] {
        var nodes: [JinjaNode] = []
        while true {
            switch current.kind {
            case .end:
                if !terminators.isEmpty {
                    let expected = terminators.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    throw error("Unexpected end of template. Jinja was looking for the following tags: \(expected).")
                }
                return nodes
            case .text(let text):
                _ = advance()
                nodes.append(.text(text))
            case .variableBegin:
                _ = advance()
                let expression = try parseTuple(allowEmpty: false)
                guard case .variableEnd = current.kind else {
                    throw error("expected token 'end of print statement', got \(current.describe)")
                }
                _ = advance()
                nodes.append(.output(expression))
            case .blockBegin:
                if case .name(let keyword) = nextToken.kind, terminators.contains(keyword) { return nodes }
                _ = advance()
                nodes.append(try parseStatement())
            default:
                throw error("unexpected \(current.describe)")
            }
        }
    }

    /// Consumes `{% keyword` and returns the keyword.
    private mutating func beginTag() throws(InterpolationError) -> String {
        guard case .blockBegin = current.kind else { throw error("expected a block tag") }
        _ = advance()
        return try expectName()
    }

    private mutating func parseStatement() throws(InterpolationError) -> JinjaNode {
        let keywordToken = current
        let keyword = try expectName()
        switch keyword {
        case "if": return try parseIf()
        case "for": return try parseFor()
        case "set": return try parseSet()
        case "with": return try parseWith()
        default:
            throw error("Encountered unknown tag '\(keyword)'.", at: keywordToken)
        }
    }

    private mutating func parseIf() throws(InterpolationError) -> JinjaNode {
        var branches: [(JinjaExpression, [JinjaNode])] = []
        var condition = try parseTuple(allowEmpty: false)
        try expectBlockEnd()
        var otherwise: [JinjaNode]?
        while true {
            let body = try parseNodes(until: ["elif", "else", "endif"])
            branches.append((condition, body))
            let keyword = try beginTag()
            if keyword == "elif" {
                condition = try parseTuple(allowEmpty: false)
                try expectBlockEnd()
                continue
            }
            if keyword == "else" {
                try expectBlockEnd()
                otherwise = try parseNodes(until: ["endif"])
                _ = try beginTag()
            }
            try expectBlockEnd()
            return .conditional(branches, otherwise: otherwise)
        }
    }

    private mutating func parseFor() throws(InterpolationError) -> JinjaNode {
        var targets = [try expectName()]
        while current.isSymbol(",") {
            _ = advance()
            targets.append(try expectName())
        }
        guard current.isName("in") else { throw error("expected token 'in', got \(current.describe)") }
        _ = advance()
        let iterable = try parseTuple(allowEmpty: false, withCondition: false)
        var condition: JinjaExpression?
        if current.isName("if") {
            _ = advance()
            condition = try parseExpression()
        }
        if current.isName("recursive") { throw error("recursive loops are not supported") }
        try expectBlockEnd()
        let body = try parseNodes(until: ["else", "endfor"])
        var otherwise: [JinjaNode]?
        if try beginTag() == "else" {
            try expectBlockEnd()
            otherwise = try parseNodes(until: ["endfor"])
            _ = try beginTag()
        }
        try expectBlockEnd()
        return .loop(targets: targets, iterable: iterable, condition: condition, body: body, otherwise: otherwise)
    }

    private mutating func parseSet() throws(InterpolationError) -> JinjaNode {
        let first = try expectName()
        if current.isSymbol(".") {
            _ = advance()
            let attribute = try expectName()
            try expectSymbol("=")
            let value = try parseTuple(allowEmpty: false)
            try expectBlockEnd()
            return .assign(.namespaceAttribute(first, attribute), value)
        }
        var names = [first]
        while current.isSymbol(",") {
            _ = advance()
            names.append(try expectName())
        }
        if current.isSymbol("=") {
            _ = advance()
            let value = try parseTuple(allowEmpty: false)
            try expectBlockEnd()
            return .assign(names.count == 1 ? .name(first) : .names(names), value)
        }
        // `{% set name | filter %}…{% endset %}`
        var filters: [(String, JinjaCallArguments)] = []
        while current.isSymbol("|") {
            _ = advance()
            let name = try expectName()
            filters.append((name, current.isSymbol("(") ? try parseCallArguments() : JinjaCallArguments()))
        }
        try expectBlockEnd()
        let body = try parseNodes(until: ["endset"])
        _ = try beginTag()
        try expectBlockEnd()
        return .assignBlock(first, body: body, filters: filters)
    }

    private mutating func parseWith() throws(InterpolationError) -> JinjaNode {
        var assignments: [(String, JinjaExpression)] = []
        while case .name = current.kind {
            let name = try expectName()
            try expectSymbol("=")
            assignments.append((name, try parseExpression()))
            if current.isSymbol(",") { _ = advance() } else { break }
        }
        try expectBlockEnd()
        let body = try parseNodes(until: ["endwith"])
        _ = try beginTag()
        try expectBlockEnd()
        return .with(assignments: assignments, body: body)
    }

    // MARK: - Expressions

    /// An expression, or a tuple when there are commas (`{{ 1, 2 }}`).
    private mutating func parseTuple(allowEmpty: Bool, withCondition: Bool = true) throws(InterpolationError) -> JinjaExpression {
        var elements: [JinjaExpression] = []
        var sawComma = false
        while true {
            if !elements.isEmpty {
                guard current.isSymbol(",") else { break }
                _ = advance()
                sawComma = true
            }
            if isTupleEnd { break }
            elements.append(withCondition ? try parseExpression() : try parseOr())
        }
        if !sawComma {
            guard let only = elements.first else {
                if allowEmpty { return .tuple([]) }
                throw error("Expected an expression, got \(current.describe)")
            }
            return only
        }
        return .tuple(elements)
    }

    private var isTupleEnd: Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .end: return true
        case .symbol(let symbol): return symbol == ")" || symbol == "]" || symbol == "}"
        case .name(let name): return name == "if" || name == "in"
        default: return false
        }
    }

    mutating func parseExpression() throws(InterpolationError) -> JinjaExpression {
        let value = try parseOr()
        guard current.isName("if") else { return value }
        _ = advance()
        let condition = try parseOr()
        var otherwise: JinjaExpression?
        if current.isName("else") {
            _ = advance()
            otherwise = try parseExpression()
        }
        return .conditional(value, condition: condition, otherwise: otherwise)
    }

    private mutating func parseOr() throws(InterpolationError) -> JinjaExpression {
        var left = try parseAnd()
        while current.isName("or") {
            _ = advance()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(InterpolationError) -> JinjaExpression {
        var left = try parseNot()
        while current.isName("and") {
            _ = advance()
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(InterpolationError) -> JinjaExpression {
        if current.isName("not") {
            _ = advance()
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(InterpolationError) -> JinjaExpression {
        let first = try parseMath1()
        var comparisons: [(String, JinjaExpression)] = []
        while true {
            if case .symbol(let symbol) = current.kind, ["==", "!=", "<", ">", "<=", ">="].contains(symbol) {
                _ = advance()
                comparisons.append((symbol, try parseMath1()))
            } else if current.isName("in") {
                _ = advance()
                comparisons.append(("in", try parseMath1()))
            } else if current.isName("not") && nextToken.isName("in") {
                _ = advance()
                _ = advance()
                comparisons.append(("not in", try parseMath1()))
            } else {
                break
            }
        }
        return comparisons.isEmpty ? first : .compare(first, comparisons)
    }

    private mutating func parseMath1() throws(InterpolationError) -> JinjaExpression {
        var left = try parseConcat()
        while case .symbol(let symbol) = current.kind, symbol == "+" || symbol == "-" {
            _ = advance()
            left = .binary(symbol, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws(InterpolationError) -> JinjaExpression {
        var parts = [try parseMath2()]
        while current.isSymbol("~") {
            _ = advance()
            parts.append(try parseMath2())
        }
        return parts.count == 1 ? parts[0] : .concat(parts)
    }

    private mutating func parseMath2() throws(InterpolationError) -> JinjaExpression {
        var left = try parsePower()
        while case .symbol(let symbol) = current.kind, ["*", "/", "//", "%"].contains(symbol) {
            _ = advance()
            left = .binary(symbol, left, try parsePower())
        }
        return left
    }

    private mutating func parsePower() throws(InterpolationError) -> JinjaExpression {
        var left = try parseUnary()
        while current.isSymbol("**") {
            _ = advance()
            left = .binary("**", left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary(withFilter: Bool = true) throws(InterpolationError) -> JinjaExpression {
        var node: JinjaExpression
        if current.isSymbol("-") || current.isSymbol("+") {
            let symbol = current.isSymbol("-") ? "-" : "+"
            _ = advance()
            node = .unary(symbol, try parseUnary(withFilter: false))
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterExpression(node) }
        return node
    }

    private mutating func parsePrimary() throws(InterpolationError) -> JinjaExpression {
        let token = advance()
        switch token.kind {
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .variable(JinjaVariable(name: name, contextSlot: ContextVariable(rawValue: name)))
            }
        case .string(var string):
            // Adjacent strings are concatenated.
            while case .string(let next) = current.kind {
                string += next
                _ = advance()
            }
            return .literal(.string(string))
        case .integer(let value): return .literal(.int(value))
        case .bigInteger(let digits): return .literal(.bigInteger(digits.isEmpty ? "0" : digits))
        case .float(let value): return .literal(.double(value))
        case .symbol("("):
            let inner = try parseTuple(allowEmpty: true)
            try expectSymbol(")")
            return inner
        case .symbol("["):
            var elements: [JinjaExpression] = []
            while !current.isSymbol("]") {
                if !elements.isEmpty { try expectSymbol(",") }
                if current.isSymbol("]") { break }
                elements.append(try parseExpression())
            }
            try expectSymbol("]")
            return .list(elements)
        case .symbol("{"):
            var pairs: [(JinjaExpression, JinjaExpression)] = []
            while !current.isSymbol("}") {
                if !pairs.isEmpty { try expectSymbol(",") }
                if current.isSymbol("}") { break }
                let key = try parseExpression()
                try expectSymbol(":")
                pairs.append((key, try parseExpression()))
            }
            try expectSymbol("}")
            return .dict(pairs)
        default:
            throw error("unexpected \(token.describe)", at: token)
        }
    }

    private mutating func parsePostfix(_ base: JinjaExpression) throws(InterpolationError) -> JinjaExpression {
        var node = base
        while true {
            if current.isSymbol(".") {
                _ = advance()
                let token = advance()
                switch token.kind {
                case .name(let name):
                    if current.isSymbol("(") {
                        node = .methodCall(node, name, try parseCallArguments())
                    } else {
                        node = .attribute(node, name)
                    }
                case .integer(let position):
                    node = .item(node, .literal(.int(position)))
                default:
                    throw error("expected name or number", at: token)
                }
            } else if current.isSymbol("[") {
                _ = advance()
                node = try parseSubscript(node)
            } else if current.isSymbol("(") {
                node = .call(node, try parseCallArguments())
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ base: JinjaExpression) throws(InterpolationError) -> JinjaExpression {
        var parts: [JinjaExpression?] = []
        var isSlice = false
        var current: JinjaExpression?
        while true {
            if self.current.isSymbol(":") {
                isSlice = true
                parts.append(current)
                current = nil
                _ = advance()
                continue
            }
            if self.current.isSymbol("]") { break }
            if self.current.isSymbol(",") {
                // `x[a, b]` subscripts with a tuple.
                let first = current
                var elements: [JinjaExpression] = first.map { [$0] } ?? []
                while self.current.isSymbol(",") {
                    _ = advance()
                    if self.current.isSymbol("]") { break }
                    elements.append(try parseExpression())
                }
                current = .tuple(elements)
                continue
            }
            current = try parseExpression()
        }
        try expectSymbol("]")
        guard isSlice else {
            guard let key = current else { throw error("expected subscript expression") }
            return .item(base, key)
        }
        parts.append(current)
        while parts.count < 3 { parts.append(nil) }
        return .slice(base, start: parts[0], stop: parts[1], step: parts[2])
    }

    private mutating func parseCallArguments() throws(InterpolationError) -> JinjaCallArguments {
        try expectSymbol("(")
        var arguments = JinjaCallArguments()
        while !current.isSymbol(")") {
            if !(arguments.positional.isEmpty && arguments.keyword.isEmpty && arguments.starArguments == nil
                 && arguments.starKeywordArguments == nil) {
                try expectSymbol(",")
                if current.isSymbol(")") { break }
            }
            if current.isSymbol("**") {
                _ = advance()
                arguments.starKeywordArguments = try parseExpression()
            } else if current.isSymbol("*") {
                _ = advance()
                arguments.starArguments = try parseExpression()
            } else if case .name(let name) = current.kind, nextToken.isSymbol("=") {
                _ = advance()
                _ = advance()
                arguments.keyword.append((name, try parseExpression()))
            } else {
                guard arguments.keyword.isEmpty else { throw error("positional argument follows keyword argument") }
                arguments.positional.append(try parseExpression())
            }
        }
        try expectSymbol(")")
        return arguments
    }

    private mutating func parseFilterExpression(_ base: JinjaExpression) throws(InterpolationError) -> JinjaExpression {
        var node = base
        while true {
            if current.isSymbol("|") {
                _ = advance()
                var name = try expectName()
                while current.isSymbol(".") {
                    _ = advance()
                    name += "." + (try expectName())
                }
                let arguments = current.isSymbol("(") ? try parseCallArguments() : JinjaCallArguments()
                node = try parsePostfix(.filter(node, name, arguments))
            } else if current.isName("is") {
                _ = advance()
                var negated = false
                if current.isName("not") {
                    _ = advance()
                    negated = true
                }
                let name = try expectName()
                var arguments = JinjaCallArguments()
                if current.isSymbol("(") {
                    arguments = try parseCallArguments()
                } else if startsTestArgument {
                    arguments.positional = [try parsePrimaryWithPostfix()]
                }
                node = .test(node, name, arguments, negated: negated)
            } else {
                return node
            }
        }
    }

    /// `x is divisibleby 3`: a test takes one argument without parentheses when one follows.
    private var startsTestArgument: Bool {
        switch current.kind {
        case .string, .integer, .bigInteger, .float: return true
        case .name(let name): return !["else", "or", "and", "if", "in", "not", "is"].contains(name)
        case .symbol(let symbol): return symbol == "[" || symbol == "{" || symbol == "-" || symbol == "("
        default: return false
        }
    }

    private mutating func parsePrimaryWithPostfix() throws(InterpolationError) -> JinjaExpression {
        if current.isSymbol("-") {
            _ = advance()
            return .unary("-", try parsePostfix(try parsePrimary()))
        }
        return try parsePostfix(try parsePrimary())
    }
}
