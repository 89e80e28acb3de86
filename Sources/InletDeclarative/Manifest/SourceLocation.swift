import InletJSON

/// A position in a manifest file: one-based line and column (columns count Unicode scalars).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// Where every node of a loaded YAML document came from, shaped like the document itself so that
/// reference resolution and parameter propagation can carry it along.
public final class SourceTree: Sendable {
    public let location: SourceLocation
    let members: [String: SourceTree]
    let elements: [SourceTree]

    init(location: SourceLocation, members: [String: SourceTree] = [:], elements: [SourceTree] = []) {
        self.location = location
        self.members = members
        self.elements = elements
    }

    func member(_ key: String) -> SourceTree? { members[key] }

    func element(_ index: Int) -> SourceTree? {
        elements.indices.contains(index) ? elements[index] : nil
    }

    /// The same location with different children, for nodes built from several sources.
    func with(members: [String: SourceTree]) -> SourceTree {
        SourceTree(location: location, members: members, elements: elements)
    }

    func with(elements: [SourceTree]) -> SourceTree {
        SourceTree(location: location, members: members, elements: elements)
    }
}
