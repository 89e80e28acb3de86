/// A failed connector operation, shaped like the TRACE ERROR that reports it.
public struct ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var failureType: FailureType
    /// For the user: what went wrong and what to do. Never holds a secret.
    public var message: String
    /// For the developer: the underlying error.
    public var internalMessage: String?
    public var streamDescriptor: StreamDescriptor?
    /// `true` when the connector already emitted a TRACE ERROR for this failure on its stream, so
    /// whoever relays the stream must not report it twice.
    public var isAlreadyReported: Bool

    public init(
        failureType: FailureType,
        message: String,
        internalMessage: String? = nil,
        streamDescriptor: StreamDescriptor? = nil,
        isAlreadyReported: Bool = false
    ) {
        self.failureType = failureType
        self.message = message
        self.internalMessage = internalMessage
        self.streamDescriptor = streamDescriptor
        self.isAlreadyReported = isAlreadyReported
    }

    public static func configError(_ message: String, internalMessage: String? = nil) -> ConnectorError {
        ConnectorError(failureType: .configError, message: message, internalMessage: internalMessage)
    }

    public static func systemError(_ message: String, internalMessage: String? = nil) -> ConnectorError {
        ConnectorError(failureType: .systemError, message: message, internalMessage: internalMessage)
    }

    public var description: String {
        var text = "\(failureType): \(message)"
        if let internalMessage, internalMessage != message { text += " (\(internalMessage))" }
        return text
    }

    /// The TRACE ERROR message that reports this failure.
    public func traceMessage(emittedAt: Double = WallClock.millisecondsSinceEpoch()) -> AirbyteMessage {
        .traceError(
            AirbyteErrorTraceMessage(
                message: message,
                internalMessage: internalMessage,
                failureType: failureType,
                streamDescriptor: streamDescriptor
            ),
            emittedAt: emittedAt
        )
    }
}
