/// Shredding: the values of a field become level entries of its primitive columns (the Dremel
/// encoding). Each entry carries how deep its path is defined and at which repeated level it
/// repeats, so lists, structs, maps, nulls and empty lists all survive the round trip.
extension LevelledField {
    /// Refuses a value that does not fit the field, naming the column where it does not.
    func check(_ value: ParquetValue?, node index: Int = 0) throws(ParquetError) {
        let node = nodes[index]
        guard let value else {
            if node.isRequired { throw .missingRequiredValue(column: paths[index]) }
            return
        }
        switch node.kind {
        case .primitive:
            try value.check(node.physicalType, length: node.typeLength, column: paths[index])
        case .structure:
            guard case .structure(let values) = value else { throw .typeMismatch(column: paths[index], expected: "struct", got: value.kindName) }
            guard values.count == node.childList.count else {
                throw .typeMismatch(column: paths[index], expected: "struct of \(node.childList.count) fields", got: "struct of \(values.count)")
            }
            for position in values.indices { try check(values[position], node: child(position, of: node)) }
        case .list:
            guard case .list(let elements) = value else { throw .typeMismatch(column: paths[index], expected: "list", got: value.kindName) }
            let element = child(0, of: node)
            for entry in elements { try check(entry, node: element) }
        case .map:
            guard case .map(let keys, let values) = value else { throw .typeMismatch(column: paths[index], expected: "map", got: value.kindName) }
            guard keys.count == values.count else {
                throw .typeMismatch(column: paths[index], expected: "map with a value per key", got: "\(keys.count) keys and \(values.count) values")
            }
            let (keyNode, valueNode) = (child(0, of: node), child(1, of: node))
            for key in keys { try check(key, node: keyNode) }
            for entry in values { try check(entry, node: valueNode) }
        }
    }

    /// Appends a checked value to the chunks of the field's columns.
    func shred(_ value: ParquetValue?, node index: Int = 0, repetitionLevel: Int, into chunks: inout UnsafeMutableBufferPointer<ColumnChunkWriter>) throws(ParquetError) {
        let node = nodes[index]
        guard let value else {
            // Absent here: every column below records how far its path is defined.
            for leaf in node.leaves { try chunks[leaf].append(nil, definitionLevel: node.definitionLevel - 1, repetitionLevel: repetitionLevel) }
            return
        }
        switch (node.kind, value) {
        case (.primitive, _):
            try chunks[node.leaves.lowerBound].append(value, definitionLevel: node.definitionLevel, repetitionLevel: repetitionLevel)
        case (.structure, .structure(let values)):
            for position in values.indices {
                try shred(values[position], node: child(position, of: node), repetitionLevel: repetitionLevel, into: &chunks)
            }
        case (.list, .list(let elements)):
            guard !elements.isEmpty else { return try shredEmpty(node, repetitionLevel: repetitionLevel, into: &chunks) }
            let element = child(0, of: node)
            for position in elements.indices {
                try shred(elements[position], node: element, repetitionLevel: position == 0 ? repetitionLevel : node.repetitionLevel, into: &chunks)
            }
        case (.map, .map(let keys, let values)):
            guard !keys.isEmpty else { return try shredEmpty(node, repetitionLevel: repetitionLevel, into: &chunks) }
            let (keyNode, valueNode) = (child(0, of: node), child(1, of: node))
            for position in keys.indices {
                let repeats = position == 0 ? repetitionLevel : node.repetitionLevel
                try shred(keys[position], node: keyNode, repetitionLevel: repeats, into: &chunks)
                try shred(values[position], node: valueNode, repetitionLevel: repeats, into: &chunks)
            }
        default:
            throw .typeMismatch(column: paths[index], expected: "a checked value", got: value.kindName)
        }
    }

    /// An empty list or map: present, with no element.
    private func shredEmpty(_ node: Node, repetitionLevel: Int, into chunks: inout UnsafeMutableBufferPointer<ColumnChunkWriter>) throws(ParquetError) {
        for leaf in node.leaves { try chunks[leaf].append(nil, definitionLevel: node.definitionLevel, repetitionLevel: repetitionLevel) }
    }
}
