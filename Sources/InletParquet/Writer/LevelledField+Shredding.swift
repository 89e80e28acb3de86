/// Shredding: the values of a field become level entries of its primitive columns (the Dremel
/// encoding). Each entry carries how deep its path is defined and at which repeated level it
/// repeats, so lists, structs, maps, nulls and empty lists all survive the round trip.
extension LevelledField {
    /// Refuses a value that does not fit the field, naming the column where it does not.
    func check(_ value: ParquetValue?) throws(ParquetError) {
        guard let value else {
            if isRequired { throw .missingRequiredValue(column: path) }
            return
        }
        switch (shape, value) {
        case (.primitive(_, let type), _):
            guard value.physicalType == type else { throw .typeMismatch(column: path, expected: "\(type)", got: value.kindName) }
        case (.structure(let children), .structure(let values)):
            guard values.count == children.count else {
                throw .typeMismatch(column: path, expected: "struct of \(children.count) fields", got: "struct of \(values.count)")
            }
            for index in children.indices { try children[index].check(values[index]) }
        case (.repeated(_, let children, false), .list(let elements)):
            for element in elements { try children[0].check(element) }
        case (.repeated(_, let children, true), .map(let keys, let values)):
            guard keys.count == values.count else {
                throw .typeMismatch(column: path, expected: "map with a value per key", got: "\(keys.count) keys and \(values.count) values")
            }
            for key in keys { try children[0].check(key) }
            for entry in values { try children[1].check(entry) }
        case (.structure, _): throw .typeMismatch(column: path, expected: "struct", got: value.kindName)
        case (.repeated(_, _, let isMap), _): throw .typeMismatch(column: path, expected: isMap ? "map" : "list", got: value.kindName)
        }
    }

    /// Appends a checked value to the chunks of the field's columns.
    func shred(_ value: ParquetValue?, repetitionLevel: Int, into chunks: inout [ColumnChunkWriter]) throws(ParquetError) {
        guard let value else {
            // Absent here: every column below records how far its path is defined.
            for leaf in leaves { try chunks[leaf].append(nil, definitionLevel: definitionLevel - 1, repetitionLevel: repetitionLevel) }
            return
        }
        switch (shape, value) {
        case (.primitive(let leaf, _), _):
            try chunks[leaf].append(value, definitionLevel: definitionLevel, repetitionLevel: repetitionLevel)
        case (.structure(let children), .structure(let values)):
            for index in children.indices { try children[index].shred(values[index], repetitionLevel: repetitionLevel, into: &chunks) }
        case (.repeated(let level, let children, _), .list(let elements)):
            guard !elements.isEmpty else { return try shredEmpty(repetitionLevel: repetitionLevel, into: &chunks) }
            for (position, element) in elements.enumerated() {
                try children[0].shred(element, repetitionLevel: position == 0 ? repetitionLevel : level, into: &chunks)
            }
        case (.repeated(let level, let children, _), .map(let keys, let values)):
            guard !keys.isEmpty else { return try shredEmpty(repetitionLevel: repetitionLevel, into: &chunks) }
            for position in keys.indices {
                let repeats = position == 0 ? repetitionLevel : level
                try children[0].shred(keys[position], repetitionLevel: repeats, into: &chunks)
                try children[1].shred(values[position], repetitionLevel: repeats, into: &chunks)
            }
        default:
            throw .typeMismatch(column: path, expected: "a checked value", got: value.kindName)
        }
    }

    /// An empty list or map: present, with no element.
    func shredEmpty(repetitionLevel: Int, into chunks: inout [ColumnChunkWriter]) throws(ParquetError) {
        for leaf in leaves { try chunks[leaf].append(nil, definitionLevel: definitionLevel, repetitionLevel: repetitionLevel) }
    }
}
