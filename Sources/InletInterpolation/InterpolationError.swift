/// A template that cannot be parsed or evaluated, with where and why.
public struct InterpolationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Python exception the reference would raise, which decides what happens next: an
    /// `undefined` error makes an interpolated string fall back to its default; the others fail.
    public enum Kind: String, Sendable, Equatable {
        case syntax = "TemplateSyntaxError"
        case undefined = "UndefinedError"
        case type = "TypeError"
        case value = "ValueError"
        case key = "KeyError"
        case index = "IndexError"
        case attribute = "AttributeError"
        case zeroDivision = "ZeroDivisionError"
        case overflow = "OverflowError"
        /// A template uses a variable the reference rejects, such as `stream_state`.
        case unsupportedVariable = "AirbyteTracedException"
    }

    public var kind: Kind
    public var message: String
    /// The template text, when known.
    public var template: String?
    /// Character offset in the template where the problem is, when known.
    public var offset: Int?

    public init(_ kind: Kind, _ message: String, template: String? = nil, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.template = template
        self.offset = offset
    }

    public var description: String {
        var text = message
        if let template {
            let shown = template.count > 120 ? String(template.prefix(117)) + "..." : template
            text += " in template \(PythonText.quoted(shown))"
            if let offset { text += " at character \(offset + 1)" }
        }
        return text
    }

    static func type(_ message: String) -> InterpolationError { InterpolationError(.type, message) }
    static func value(_ message: String) -> InterpolationError { InterpolationError(.value, message) }
    /// `hint` is Jinja's message: `'x' is undefined`, `'dict object' has no attribute 'y'`.
    static func undefined(_ hint: String) -> InterpolationError { InterpolationError(.undefined, hint) }

    func located(in template: String) -> InterpolationError {
        var copy = self
        if copy.template == nil { copy.template = template }
        return copy
    }
}
