/// A field of a file's schema with what its columns' levels mean: the definition level its columns
/// reach when it is present, the columns under it, and for lists and maps the level they repeat at.
/// The writer shreds values along it and the reader assembles them back.
struct LevelledField {
    indirect enum Shape {
        case primitive(leaf: Int, type: ParquetPhysicalType)
        case structure([LevelledField])
        /// A list (one child: the element) or a map (two: key and value), repeating at this level.
        case repeated(level: Int, children: [LevelledField], isMap: Bool)
    }

    let path: String
    let isRequired: Bool
    /// The definition level of the node's columns when the node itself is present.
    let definitionLevel: Int
    let leaves: Range<Int>
    let shape: Shape

    /// A top-level field whose columns start at `firstLeaf`.
    init(_ field: ParquetField, firstLeaf: Int) {
        var nextLeaf = firstLeaf
        self.init(field, path: [], parentDefinitionLevel: 0, parentRepetitionLevel: 0, nextLeaf: &nextLeaf)
    }

    private init(_ field: ParquetField, path parentPath: [String], parentDefinitionLevel: Int, parentRepetitionLevel: Int, nextLeaf: inout Int) {
        let path = parentPath + [field.name]
        self.path = path.joined(separator: ".")
        isRequired = field.isRequired
        definitionLevel = parentDefinitionLevel + (field.isRequired ? 0 : 1)
        let first = nextLeaf
        func children(_ fields: [ParquetField], path: [String], definitionLevel: Int, repetitionLevel: Int) -> [LevelledField] {
            fields.map {
                LevelledField($0, path: path, parentDefinitionLevel: definitionLevel, parentRepetitionLevel: repetitionLevel, nextLeaf: &nextLeaf)
            }
        }
        switch field.kind {
        case .primitive(let type, _):
            shape = .primitive(leaf: nextLeaf, type: type)
            nextLeaf += 1
        case .structure(let fields):
            shape = .structure(children(fields, path: path, definitionLevel: definitionLevel, repetitionLevel: parentRepetitionLevel))
        case .list(let element):
            shape = .repeated(level: parentRepetitionLevel + 1, children: children(
                [element], path: path, definitionLevel: definitionLevel + 1, repetitionLevel: parentRepetitionLevel + 1), isMap: false)
        case .map(let key, let value):
            shape = .repeated(level: parentRepetitionLevel + 1, children: children(
                [key, value], path: path, definitionLevel: definitionLevel + 1, repetitionLevel: parentRepetitionLevel + 1), isMap: true)
        }
        leaves = first..<nextLeaf
    }
}
