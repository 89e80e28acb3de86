/// A field of a file's schema compiled for shredding and assembly: a flat array of nodes (plain
/// values, so walking it costs no reference counting), each with the definition level its columns
/// reach when the node is present, the columns under it, and for lists and maps the level they
/// repeat at. Node 0 is the field itself.
struct LevelledField {
    enum Kind: UInt8 {
        case primitive, structure, list, map
    }

    struct Node {
        var kind: Kind
        /// The stored type of a primitive, and the length of its values when they are of one length.
        var physicalType: ParquetPhysicalType
        var typeLength: Int32?
        var isRequired: Bool
        /// The definition level of the node's columns when the node itself is present.
        var definitionLevel: Int
        /// For a list or map: the repetition level of its second and later entries.
        var repetitionLevel: Int
        /// The columns under the node (one, for a primitive).
        var leaves: Range<Int>
        /// Where the node's children are listed in `children`: a struct's fields, a list's element,
        /// a map's key and value.
        var childList: Range<Int>
    }

    private(set) var nodes: [Node] = []
    /// The children of every node, node by node.
    private(set) var children: [Int] = []
    /// Each node's dotted path, for messages.
    private(set) var paths: [String] = []

    /// A top-level field whose columns start at `firstLeaf`.
    init(_ field: ParquetField, firstLeaf: Int) {
        var nextLeaf = firstLeaf
        _ = add(field, path: [], parentDefinitionLevel: 0, parentRepetitionLevel: 0, nextLeaf: &nextLeaf)
    }

    private mutating func add(_ field: ParquetField, path parentPath: [String], parentDefinitionLevel: Int, parentRepetitionLevel: Int,
                              nextLeaf: inout Int) -> Int {
        let path = parentPath + [field.name]
        let index = nodes.count
        let definitionLevel = parentDefinitionLevel + (field.isRequired ? 0 : 1)
        nodes.append(Node(kind: .primitive, physicalType: .boolean, typeLength: field.typeLength, isRequired: field.isRequired, definitionLevel: definitionLevel,
                          repetitionLevel: parentRepetitionLevel, leaves: nextLeaf..<nextLeaf, childList: 0..<0))
        paths.append(path.joined(separator: "."))
        var childFields: [ParquetField] = []
        var childDefinition = definitionLevel
        var childRepetition = parentRepetitionLevel
        switch field.kind {
        case .primitive(let type, _):
            nodes[index].physicalType = type
            nextLeaf += 1
        case .structure(let fields):
            nodes[index].kind = .structure
            childFields = fields
        case .list(let element):
            nodes[index].kind = .list
            childFields = [element]
            childDefinition += 1
            childRepetition += 1
        case .map(let key, let value):
            nodes[index].kind = .map
            childFields = [key, value]
            childDefinition += 1
            childRepetition += 1
        }
        nodes[index].repetitionLevel = childRepetition
        let childIndices = childFields.map {
            add($0, path: path, parentDefinitionLevel: childDefinition, parentRepetitionLevel: childRepetition, nextLeaf: &nextLeaf)
        }
        nodes[index].childList = children.count..<children.count + childIndices.count
        children += childIndices
        nodes[index].leaves = nodes[index].leaves.lowerBound..<nextLeaf
        return index
    }

    /// The `position`th child of `node`.
    func child(_ position: Int, of node: Node) -> Int {
        children[node.childList.lowerBound + position]
    }
}
