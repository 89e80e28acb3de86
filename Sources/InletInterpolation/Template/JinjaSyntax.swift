/// The parsed form of a template: statements holding expressions.
indirect enum JinjaExpression: Sendable {
    case literal(JinjaValue)
    case variable(JinjaVariable)
    case attribute(JinjaExpression, String)
    case item(JinjaExpression, JinjaExpression)
    case slice(JinjaExpression, start: JinjaExpression?, stop: JinjaExpression?, step: JinjaExpression?)
    case call(JinjaExpression, JinjaCallArguments)
    /// `receiver.name(arguments)`: a method call, evaluated without creating a bound method value.
    case methodCall(JinjaExpression, String, JinjaCallArguments)
    case filter(JinjaExpression, String, JinjaCallArguments)
    case test(JinjaExpression, String, JinjaCallArguments, negated: Bool)
    case unary(String, JinjaExpression)
    case binary(String, JinjaExpression, JinjaExpression)
    /// `a < b <= c`, evaluated pairwise like Python.
    case compare(JinjaExpression, [(String, JinjaExpression)])
    case and(JinjaExpression, JinjaExpression)
    case or(JinjaExpression, JinjaExpression)
    case not(JinjaExpression)
    case conditional(JinjaExpression, condition: JinjaExpression, otherwise: JinjaExpression?)
    case list([JinjaExpression])
    case tuple([JinjaExpression])
    case dict([(JinjaExpression, JinjaExpression)])
    case concat([JinjaExpression])
}

struct JinjaCallArguments: Sendable {
    var positional: [JinjaExpression] = []
    var keyword: [(String, JinjaExpression)] = []
    var starArguments: JinjaExpression?
    var starKeywordArguments: JinjaExpression?
}

/// A variable reference, resolved to a context slot at parse time when it names one.
struct JinjaVariable: Sendable {
    var name: String
    var contextSlot: ContextVariable?
}

indirect enum JinjaNode: Sendable {
    case text(String)
    case output(JinjaExpression)
    case conditional([(JinjaExpression, [JinjaNode])], otherwise: [JinjaNode]?)
    case loop(targets: [String], iterable: JinjaExpression, condition: JinjaExpression?, body: [JinjaNode], otherwise: [JinjaNode]?)
    case assign(JinjaAssignmentTarget, JinjaExpression)
    case assignBlock(String, body: [JinjaNode], filters: [(String, JinjaCallArguments)])
    case with(assignments: [(String, JinjaExpression)], body: [JinjaNode])
}

enum JinjaAssignmentTarget: Sendable {
    case name(String)
    case names([String])
    case namespaceAttribute(String, String)
}
