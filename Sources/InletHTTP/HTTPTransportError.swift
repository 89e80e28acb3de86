/// A request that got no HTTP response at all: the connection failed, timed out, or the URL is bad.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case invalidURL
        case connectionFailed
        /// Nothing listens on the port: the connection was refused at once.
        case connectionRefused
        /// The host's name does not resolve.
        case hostNotFound
        case timedOut
        case bodyTooLarge
        case other
    }

    public var kind: Kind
    public var url: String
    public var detail: String

    public init(kind: Kind, url: String, detail: String) {
        self.kind = kind
        self.url = url
        self.detail = detail
    }

    public var description: String {
        "request to \(url) failed: \(detail)"
    }
}
