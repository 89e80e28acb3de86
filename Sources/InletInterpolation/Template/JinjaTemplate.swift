public import InletJSON

/// A parsed Jinja template: parse once, render many times.
public struct JinjaTemplate: Sendable {
    public let source: String
    let nodes: [JinjaNode]
    /// Variables the template reads and never assigns: they must come from the context or the
    /// globals, as the CDK checks with `meta.find_undeclared_variables`.
    public let freeVariables: Set<String>
    /// The free variables that are not globals, each with its context slot: what `checkDeclared`
    /// looks up on every evaluation.
    private let contextVariablesRead: [JinjaVariable]
    private let wholeReads: Set<String>
    private let memberReads: [String: Set<String>]
    /// The template is exactly `{{ expression }}`: its value can skip rendering to text.
    let singleExpression: JinjaExpression?

    public init(_ source: String) throws(InterpolationError) {
        self.source = source
        nodes = try JinjaParser.parse(source)
        var collector = FreeVariableCollector()
        collector.visit(nodes)
        freeVariables = collector.free
        contextVariablesRead = collector.free.subtracting(JinjaGlobals.names).sorted()
            .map { JinjaVariable(name: $0, contextSlot: ContextVariable(rawValue: $0)) }
        wholeReads = collector.wholeReads
        memberReads = collector.memberReads
        if nodes.count == 1, case .output(let expression) = nodes[0] {
            singleExpression = expression
        } else {
            singleExpression = nil
        }
    }

    /// The members of the context variable `name` that the template reads (`response.next`,
    /// `response['next']`, `response.get('next')`), or nil when it uses the variable in any other
    /// way (whole, iterated, filtered, with a computed key), so that it may read any member.
    public func membersRead(of name: String) -> Set<String>? {
        if wholeReads.contains(name) { return nil }
        return memberReads[name] ?? []
    }

    /// Renders to text, as Jinja's `render` does.
    public func render(_ context: InterpolationContext, parameters: JSONObject? = nil) throws(InterpolationError) -> String {
        try checkDeclared(context, hasParameters: parameters != nil)
        var evaluator = JinjaEvaluator(context: context, parameters: parameters.map(JinjaValue.jsonObject))
        var output = ""
        do {
            try evaluator.render(nodes, into: &output)
        } catch {
            throw error.located(in: source)
        }
        return output
    }

    /// The value of a `{{ expression }}` template, before it is turned into text.
    func evaluateSingleExpression(_ expression: JinjaExpression, _ context: InterpolationContext,
                                  parameters: JSONObject? = nil) throws(InterpolationError) -> JinjaValue {
        try checkDeclared(context, hasParameters: parameters != nil)
        var evaluator = JinjaEvaluator(context: context, parameters: parameters.map(JinjaValue.jsonObject))
        do {
            return try evaluator.evaluate(expression)
        } catch {
            throw error.located(in: source)
        }
    }

    func checkDeclared(_ context: InterpolationContext, hasParameters: Bool = false) throws(InterpolationError) {
        var missing: [String] = []
        for variable in contextVariablesRead where context.value(of: variable) == nil && !(hasParameters && variable.name == "parameters") {
            missing.append(variable.name)
        }
        guard missing.isEmpty else {
            let names = missing.map { "'\($0)'" }.joined(separator: ", ")
            throw InterpolationError(.value, "Jinja macro has undeclared variables: {\(names)}. Available: \(context.availableNames.joined(separator: ", "))",
                                     template: source)
        }
    }
}

/// Finds the names a template reads before (or without) assigning them.
private struct FreeVariableCollector {
    var free: Set<String> = []
    var assigned: [Set<String>] = [[]]
    /// Free variables used other than by reading a constant member.
    var wholeReads: Set<String> = []
    var memberReads: [String: Set<String>] = [:]

    func isAssigned(_ name: String) -> Bool { assigned.contains { $0.contains(name) } }

    mutating func declare(_ name: String) { assigned[assigned.count - 1].insert(name) }

    mutating func visit(_ nodes: [JinjaNode]) {
        for node in nodes { visit(node) }
    }

    mutating func visit(_ node: JinjaNode) {
        switch node {
        case .text: break
        case .output(let expression): visit(expression)
        case .conditional(let branches, let otherwise):
            for (condition, body) in branches {
                visit(condition)
                visit(body)
            }
            if let otherwise { visit(otherwise) }
        case .loop(let targets, let iterable, let condition, let body, let otherwise):
            visit(iterable)
            assigned.append(Set(targets + ["loop"]))
            if let condition { visit(condition) }
            visit(body)
            assigned.removeLast()
            if let otherwise { visit(otherwise) }
        case .assign(let target, let expression):
            visit(expression)
            switch target {
            case .name(let name): declare(name)
            case .names(let names): names.forEach { declare($0) }
            case .namespaceAttribute(let name, _): if !isAssigned(name) { free.insert(name) }
            }
        case .assignBlock(let name, let body, _):
            visit(body)
            declare(name)
        case .with(let assignments, let body):
            for (_, expression) in assignments { visit(expression) }
            assigned.append(Set(assignments.map(\.0)))
            visit(body)
            assigned.removeLast()
        }
    }

    mutating func visit(_ arguments: JinjaCallArguments) {
        arguments.positional.forEach { visit($0) }
        arguments.keyword.forEach { visit($0.1) }
        if let star = arguments.starArguments { visit(star) }
        if let starStar = arguments.starKeywordArguments { visit(starStar) }
    }

    /// Notes `base.member` when `base` is a free variable; false when `base` is anything else.
    mutating func readsMember(of base: JinjaExpression, _ member: String) -> Bool {
        guard case .variable(let variable) = base, !isAssigned(variable.name) else { return false }
        free.insert(variable.name)
        memberReads[variable.name, default: []].insert(member)
        return true
    }

    mutating func visit(_ expression: JinjaExpression) {
        switch expression {
        case .attribute(let base, let name) where readsMember(of: base, name): break
        case .item(let base, .literal(.string(let key))) where readsMember(of: base, key): break
        case .methodCall(let base, "get", let arguments) where arguments.positional.count >= 1:
            if case .literal(.string(let key)) = arguments.positional[0], readsMember(of: base, key) {
                visit(arguments)
            } else {
                visit(base)
                visit(arguments)
            }
        case .literal: break
        case .variable(let variable):
            if !isAssigned(variable.name) {
                free.insert(variable.name)
                wholeReads.insert(variable.name)
            }
        case .attribute(let base, _): visit(base)
        case .item(let base, let key):
            visit(base)
            visit(key)
        case .slice(let base, let start, let stop, let step):
            visit(base)
            [start, stop, step].compactMap { $0 }.forEach { visit($0) }
        case .call(let callee, let arguments):
            visit(callee)
            visit(arguments)
        case .methodCall(let receiver, _, let arguments), .filter(let receiver, _, let arguments):
            visit(receiver)
            visit(arguments)
        case .test(let subject, _, let arguments, _):
            visit(subject)
            visit(arguments)
        case .unary(_, let operand), .not(let operand): visit(operand)
        case .binary(_, let left, let right), .and(let left, let right), .or(let left, let right):
            visit(left)
            visit(right)
        case .compare(let first, let rest):
            visit(first)
            rest.forEach { visit($0.1) }
        case .conditional(let value, let condition, let otherwise):
            visit(value)
            visit(condition)
            if let otherwise { visit(otherwise) }
        case .list(let elements), .tuple(let elements), .concat(let elements): elements.forEach { visit($0) }
        case .dict(let pairs):
            for (key, value) in pairs {
                visit(key)
                visit(value)
            }
        }
    }
}
