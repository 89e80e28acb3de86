import InletJSON

/// A place in a manifest after references are resolved, written the way users read manifests:
/// `streams[3].retriever.paginator.pagination_strategy`.
public struct ManifestPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public static var root: ManifestPath { ManifestPath() }

    public func appending(_ key: String) -> ManifestPath {
        ManifestPath(components + [.key(key)])
    }

    public func appending(index: Int) -> ManifestPath {
        ManifestPath(components + [.index(index)])
    }

    /// The node at this path in `root`, if there is one.
    func value(in root: JSONValue) -> JSONValue? {
        var node = root
        for component in components {
            switch component {
            case .key(let key):
                guard let child = node[key] else { return nil }
                node = child
            case .index(let index):
                guard case .array(let elements) = node, elements.indices.contains(index) else { return nil }
                node = elements[index]
            }
        }
        return node
    }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text.isEmpty ? "(manifest root)" : text
    }
}
