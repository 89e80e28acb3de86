/// Why the service refused or failed a request, in terms the HTTP layer turns into a status code.
/// Messages say where and why, and never hold a secret.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The request is malformed or names something invalid (400).
        case invalid
        /// No such thing for this tenant (404): another tenant's ids look exactly like missing ones.
        case notFound
        /// The request conflicts with the current state (409).
        case conflict
        /// The service failed (500): the message is for the log, the client gets a generic one.
        case `internal`
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func notFound(_ what: String, _ id: String) -> ServiceError {
        ServiceError(.notFound, "\(what) \(id) not found")
    }
}
