/// Moves a value written with one schema into another by field names, as Avro's schema resolution
/// does for the cases Iceberg metadata needs: fields matched by name (missing optional ones become
/// null), optional unions re-branched, int widened to long, nested records and arrays followed.
public enum AvroConversion {
    public static func convert(_ value: AvroValue, from source: AvroSchema, to target: AvroSchema,
                               at path: String = "") throws(AvroError) -> AvroValue {
        switch (target, source) {
        case (.union(let branches), _):
            // Find the value and the schema it was written with, then the target branch it fits.
            var inner = value
            var innerSchema = source
            if case .union(let sourceBranches) = source, case .union(let branch, let wrapped) = value {
                inner = wrapped
                innerSchema = sourceBranches[branch]
            }
            if inner == .null {
                guard let nullBranch = branches.firstIndex(of: .null) else { throw .valueDoesNotFitSchema("\(path) is null") }
                return .union(branch: nullBranch, .null)
            }
            guard let branch = branches.firstIndex(where: { $0 != .null }) else { throw .valueDoesNotFitSchema("\(path)") }
            return .union(branch: branch, try convert(inner, from: innerSchema, to: branches[branch], at: path))
        case (_, .union(let sourceBranches)):
            guard case .union(let branch, let inner) = value, sourceBranches.indices.contains(branch) else {
                throw .valueDoesNotFitSchema("\(path): not a union value")
            }
            return try convert(inner, from: sourceBranches[branch], to: target, at: path)
        case (.record(_, let targetFields), .record(_, let sourceFields)):
            guard case .record(let values) = value else { throw .valueDoesNotFitSchema("\(path): not a record") }
            var converted: [AvroValue] = []
            for field in targetFields {
                let fieldPath = path.isEmpty ? field.name : path + "." + field.name
                if let index = sourceFields.firstIndex(where: { $0.name == field.name }), index < values.count {
                    converted.append(try convert(values[index], from: sourceFields[index].schema, to: field.schema, at: fieldPath))
                } else if case .union(let branches) = field.schema, let nullBranch = branches.firstIndex(of: .null) {
                    converted.append(.union(branch: nullBranch, .null))
                } else {
                    throw .valueDoesNotFitSchema("\(fieldPath) is missing")
                }
            }
            return .record(converted)
        case (.array(let targetItems, _, _), .array(let sourceItems, _, _)):
            guard case .array(let elements) = value else { throw .valueDoesNotFitSchema("\(path): not an array") }
            return .array(try elements.map { (element) throws(AvroError) in
                try convert(element, from: sourceItems, to: targetItems, at: path + "[]")
            })
        case (.long, .int):
            guard case .int(let number) = value else { throw .valueDoesNotFitSchema("\(path): not an int") }
            return .long(Int64(number))
        default:
            guard target == source else { throw .valueDoesNotFitSchema("\(path): \(source.json) cannot become \(target.json)") }
            return value
        }
    }
}
