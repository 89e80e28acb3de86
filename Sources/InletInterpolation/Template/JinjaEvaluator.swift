/// Evaluates parsed templates against a context, with Jinja's scoping: a `{% set %}` inside a loop
/// does not leak out of it, loop variables live in the loop.
struct JinjaEvaluator {
    let context: InterpolationContext
    /// The component's `$parameters`, which take the place of the context's `parameters`.
    let parameters: JinjaValue?
    private var scopes: [[String: JinjaValue]] = []

    init(context: InterpolationContext, parameters: JinjaValue? = nil) {
        self.context = context
        self.parameters = parameters
    }

    var runtime: JinjaRuntime { context.runtime }

    // MARK: - Statements

    mutating func render(_ nodes: [JinjaNode], into output: inout String) throws(InterpolationError) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .output(let expression):
                output += PythonText.str(try evaluate(expression))
            case .conditional(let branches, let otherwise):
                var taken = false
                for (condition, body) in branches where try evaluate(condition).isTruthy {
                    try render(body, into: &output)
                    taken = true
                    break
                }
                if !taken, let otherwise { try render(otherwise, into: &output) }
            case .loop(let targets, let iterable, let condition, let body, let otherwise):
                try renderLoop(targets: targets, iterable: iterable, condition: condition, body: body, otherwise: otherwise, into: &output)
            case .assign(let target, let expression):
                try assign(try evaluate(expression), to: target)
            case .assignBlock(let name, let body, let filters):
                var captured = ""
                try render(body, into: &captured)
                var value = JinjaValue.string(captured)
                for (filterName, arguments) in filters {
                    value = try JinjaFilters.apply(filterName, to: value, arguments: try evaluateArguments(arguments, callee: filterName), evaluator: &self)
                }
                setLocal(name, value)
            case .with(let assignments, let body):
                var scope: [String: JinjaValue] = [:]
                for (name, expression) in assignments { scope[name] = try evaluate(expression) }
                scopes.append(scope)
                defer { scopes.removeLast() }
                try render(body, into: &output)
            }
        }
    }

    private mutating func renderLoop(
        targets: [String], iterable: JinjaExpression, condition: JinjaExpression?, body: [JinjaNode],
        otherwise: [JinjaNode]?, into output: inout String
    ) throws(InterpolationError) {
        let source = try evaluate(iterable)
        guard var elements = Self.iterable(source) else {
            throw .type("'\(source.pythonTypeName)' object is not iterable")
        }
        if let condition {
            var kept: [JinjaValue] = []
            for element in elements {
                scopes.append(try bindLoopTargets(targets, element))
                let keep = try evaluate(condition).isTruthy
                scopes.removeLast()
                if keep { kept.append(element) }
            }
            elements = kept
        }
        if elements.isEmpty {
            if let otherwise { try render(otherwise, into: &output) }
            return
        }
        for (position, element) in elements.enumerated() {
            var scope = try bindLoopTargets(targets, element)
            scope["loop"] = .dict(Self.loopInfo(position: position, count: elements.count, elements: elements))
            scopes.append(scope)
            defer { scopes.removeLast() }
            try render(body, into: &output)
        }
    }

    /// The items of a `for` loop: a mapping iterates its keys, a string its characters.
    static func iterable(_ value: JinjaValue) -> [JinjaValue]? {
        value.iterated
    }

    private func bindLoopTargets(_ targets: [String], _ element: JinjaValue) throws(InterpolationError) -> [String: JinjaValue] {
        if targets.count == 1 { return [targets[0]: element] }
        guard let parts = element.iterated, parts.count == targets.count else {
            throw .value("not enough values to unpack (expected \(targets.count))")
        }
        return Dictionary(uniqueKeysWithValues: zip(targets, parts))
    }

    private static func loopInfo(position: Int, count: Int, elements: [JinjaValue]) -> JinjaDict {
        var info = JinjaDict()
        info[string: "index"] = .int(Int64(position + 1))
        info[string: "index0"] = .int(Int64(position))
        info[string: "revindex"] = .int(Int64(count - position))
        info[string: "revindex0"] = .int(Int64(count - position - 1))
        info[string: "first"] = .bool(position == 0)
        info[string: "last"] = .bool(position == count - 1)
        info[string: "length"] = .int(Int64(count))
        info[string: "previtem"] = position > 0 ? elements[position - 1] : .undefined(hint: "loop.previtem")
        info[string: "nextitem"] = position < count - 1 ? elements[position + 1] : .undefined(hint: "loop.nextitem")
        return info
    }

    private mutating func assign(_ value: JinjaValue, to target: JinjaAssignmentTarget) throws(InterpolationError) {
        switch target {
        case .name(let name):
            setLocal(name, value)
        case .names(let names):
            guard let parts = value.iterated, parts.count == names.count else {
                throw .value("not enough values to unpack (expected \(names.count))")
            }
            for (name, part) in zip(names, parts) { setLocal(name, part) }
        case .namespaceAttribute(let name, let attribute):
            guard case .namespace(let namespace) = lookup(name) else {
                throw InterpolationError(.syntax, "cannot assign attribute on non-namespace object")
            }
            namespace.attributes[string: attribute] = value
        }
    }

    private mutating func setLocal(_ name: String, _ value: JinjaValue) {
        if scopes.isEmpty { scopes.append([:]) }
        scopes[scopes.count - 1][name] = value
    }

    private func lookup(_ name: String) -> JinjaValue? {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        return nil
    }

    // MARK: - Expressions

    mutating func evaluate(_ expression: JinjaExpression) throws(InterpolationError) -> JinjaValue {
        switch expression {
        case .literal(let value):
            return value
        case .variable(let variable):
            if !scopes.isEmpty, let local = lookup(variable.name) { return local }
            if variable.contextSlot == .parameters, let parameters { return parameters }
            if let value = context.value(of: variable) { return value }
            if let global = JinjaGlobals.value(named: variable.name) { return global }
            return .undefined(hint: "'\(variable.name)' is undefined")
        case .attribute(let base, let name):
            return try Evaluation.attribute(of: try evaluate(base), name)
        case .item(let base, let key):
            return try Evaluation.item(of: try evaluate(base), try evaluate(key))
        case .slice(let base, let start, let stop, let step):
            return try Evaluation.slice(
                try evaluate(base), start: try start.map { e throws(InterpolationError) in try evaluate(e) },
                stop: try stop.map { e throws(InterpolationError) in try evaluate(e) },
                step: try step.map { e throws(InterpolationError) in try evaluate(e) })
        case .call(let callee, let arguments):
            let function = try evaluate(callee)
            return try call(function, arguments)
        case .methodCall(let receiver, let name, let arguments):
            let target = try evaluate(receiver)
            let evaluated = try evaluateArguments(arguments, callee: name)
            return try JinjaMethods.call(name, on: target, arguments: evaluated, runtime: runtime)
        case .filter(let base, let name, let arguments):
            let value = try evaluate(base)
            return try JinjaFilters.apply(name, to: value, arguments: try evaluateArguments(arguments, callee: name), evaluator: &self)
        case .test(let base, let name, let arguments, let negated):
            let value = try evaluate(base)
            let result = try JinjaTests.apply(name, to: value, arguments: try evaluateArguments(arguments, callee: name))
            return .bool(result != negated)
        case .unary(let symbol, let operand):
            let value = try evaluate(operand)
            if symbol == "-" { return try PythonSemantics.negate(value) }
            try PythonSemantics.checkDefined(value)
            guard value.isNumber || { if case .timedelta = value { return true }; return false }() else {
                throw .type("bad operand type for unary +: '\(value.pythonTypeName)'")
            }
            return value
        case .binary(let symbol, let left, let right):
            let lhs = try evaluate(left)
            let rhs = try evaluate(right)
            switch symbol {
            case "+": return try PythonSemantics.add(lhs, rhs)
            case "-": return try PythonSemantics.subtract(lhs, rhs)
            case "*": return try PythonSemantics.multiply(lhs, rhs)
            case "/": return try PythonSemantics.trueDivide(lhs, rhs)
            case "//": return try PythonSemantics.floorDivide(lhs, rhs)
            case "%": return try PythonSemantics.modulo(lhs, rhs)
            default: return try PythonSemantics.power(lhs, rhs)
            }
        case .compare(let first, let rest):
            var left = try evaluate(first)
            for (symbol, operand) in rest {
                let right = try evaluate(operand)
                if !(try PythonSemantics.compare(left, symbol, right)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .and(let left, let right):
            let lhs = try evaluate(left)
            return lhs.isTruthy ? try evaluate(right) : lhs
        case .or(let left, let right):
            let lhs = try evaluate(left)
            return lhs.isTruthy ? lhs : try evaluate(right)
        case .not(let operand):
            return .bool(!(try evaluate(operand)).isTruthy)
        case .conditional(let value, let condition, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(value) }
            guard let otherwise else { return .undefined(hint: "the else branch of a conditional expression") }
            return try evaluate(otherwise)
        case .list(let elements):
            var values: [JinjaValue] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try evaluate(element)) }
            return .list(values)
        case .tuple(let elements):
            var values: [JinjaValue] = []
            for element in elements { values.append(try evaluate(element)) }
            return .tuple(values)
        case .dict(let pairs):
            var dict = JinjaDict()
            for (key, value) in pairs { dict[try evaluate(key)] = try evaluate(value) }
            return .dict(dict)
        case .concat(let parts):
            var text = ""
            for part in parts { text += PythonText.str(try evaluate(part)) }
            return .string(text)
        }
    }

    mutating func evaluateArguments(_ arguments: JinjaCallArguments, callee: String) throws(InterpolationError) -> JinjaArguments {
        var positional: [JinjaValue] = []
        positional.reserveCapacity(arguments.positional.count)
        for argument in arguments.positional { positional.append(try evaluate(argument)) }
        if let star = arguments.starArguments {
            let value = try evaluate(star)
            guard let elements = value.iterated else { throw .type("argument after * must be an iterable") }
            positional += elements
        }
        var keyword: [(String, JinjaValue)] = []
        for (name, argument) in arguments.keyword { keyword.append((name, try evaluate(argument))) }
        if let starStar = arguments.starKeywordArguments {
            guard let pairs = PythonSemantics.mappingPairs(try evaluate(starStar)) else {
                throw .type("argument after ** must be a mapping")
            }
            for (key, value) in pairs { keyword.append((PythonText.str(key), value)) }
        }
        return JinjaArguments(positional: positional, keyword: keyword, callee: callee)
    }

    mutating func call(_ function: JinjaValue, _ arguments: JinjaCallArguments) throws(InterpolationError) -> JinjaValue {
        switch function {
        case .function(let callable):
            return try callable.body(try evaluateArguments(arguments, callee: callable.name), runtime)
        case .undefined(let hint):
            throw .undefined(hint)
        default:
            throw .type("'\(function.pythonTypeName)' object is not callable")
        }
    }
}
