import InletJSON

/// Several error handlers, asked in order until one has an answer for the response.
public struct CompositeErrorHandler: ManifestComponent {
    public static let typeName = "CompositeErrorHandler"

    public let errorHandlers: [any ManifestComponent]

    public init(from node: ManifestNode) throws(ManifestError) {
        errorHandlers = try node.components("error_handlers", among: ErrorHandlerTypes.handlers) ?? []
        if errorHandlers.isEmpty { throw node.error("'error_handlers' must list at least one error handler") }
    }
}
