public import InletJSON

/// A document that does not have the shape the Airbyte protocol requires, and where.
public struct AirbyteProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the document, e.g. `$.streams[2].sync_mode`.
    public var path: JSONPath
    public var problem: String

    public init(path: JSONPath, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        path.isRoot ? problem : "\(path): \(problem)"
    }
}
