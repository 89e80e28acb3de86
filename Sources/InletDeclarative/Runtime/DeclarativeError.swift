import InletInterpolation
public import InletProtocol

/// A failure while running a manifest, shaped like the TRACE ERROR that reports it.
public struct DeclarativeError: Error, Sendable, CustomStringConvertible {
    public var failureType: FailureType
    /// For the user; never holds a secret.
    public var message: String
    /// For the developer.
    public var internalMessage: String?
    /// The error handler resolved the response to `REDUCE_PAGE_SIZE`: the retriever requests the
    /// same page again with fewer records, when it is set up to.
    var asksForSmallerPage = false

    public init(_ failureType: FailureType, _ message: String, internalMessage: String? = nil) {
        self.failureType = failureType
        self.message = message
        self.internalMessage = internalMessage
    }

    public static func system(_ message: String, internalMessage: String? = nil) -> DeclarativeError {
        DeclarativeError(.systemError, message, internalMessage: internalMessage)
    }

    public static func config(_ message: String, internalMessage: String? = nil) -> DeclarativeError {
        DeclarativeError(.configError, message, internalMessage: internalMessage)
    }

    public var description: String { message }

    /// A template failed while the stream ran: a `stream_state` template is the user's to fix, the
    /// rest are reported with the template and where it is.
    static func interpolation(_ error: InterpolationError, at place: String) -> DeclarativeError {
        if error.kind == .unsupportedVariable {
            return DeclarativeError(.configError, error.message, internalMessage: "\(place): \(error)")
        }
        return DeclarativeError(.systemError, "\(place): \(error)", internalMessage: "\(error.kind.rawValue): \(error)")
    }

    func connectorError(stream: StreamDescriptor?, secrets: [String]) -> ConnectorError {
        ConnectorError(
            failureType: failureType,
            message: SecretMask.mask(message, secrets),
            internalMessage: internalMessage.map { SecretMask.mask($0, secrets) },
            streamDescriptor: stream
        )
    }
}

/// Masks the values of `airbyte_secret` fields in text that leaves the process.
enum SecretMask {
    static func mask(_ text: String, _ secrets: [String]) -> String {
        var masked = text
        for secret in secrets where !secret.isEmpty && masked.contains(secret) {
            masked = masked.replacing(secret, with: "****")
        }
        return masked
    }
}
