import InletJSON

public import InletInterpolation

/// The error handlers and backoff strategies fields accept.
enum ErrorHandlerTypes {
    static let handlers: [any ManifestComponent.Type] = [DefaultErrorHandler.self, CompositeErrorHandler.self]
    static let backoffStrategies: [any ManifestComponent.Type] = [
        ConstantBackoffStrategy.self, ExponentialBackoffStrategy.self, WaitTimeFromHeader.self, WaitUntilTimeFromHeader.self,
    ]

    /// Every response filter of an error handler, through composite handlers.
    static func filters(of handler: (any ManifestComponent)?) -> [HttpResponseFilter] {
        switch handler {
        case let handler as DefaultErrorHandler: return handler.responseFilters
        case let composite as CompositeErrorHandler: return composite.errorHandlers.flatMap { filters(of: $0) }
        default: return []
        }
    }
}

/// A number of seconds written as a number or as a template.
public enum SecondsValue: Sendable {
    case fixed(Double)
    case template(InterpolatedString)

    static func decode(_ node: ManifestNode, key: String) throws(ManifestError) -> SecondsValue? {
        guard let member = node.member(key) else { return nil }
        if let number = member.value.doubleValue, member.value.isNumber { return .fixed(number) }
        guard let template = try node.interpolatedString(key) else { return nil }
        return .template(template)
    }
}
