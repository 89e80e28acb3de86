import InletInterpolation
import InletJSON

/// The record transformations of a stream, applied in order.
enum RecordTransformations {
    /// Applies one transformation; `sliceContext` is the interpolation context of the record's slice,
    /// lent to set `record` while a template reads it and left as it came.
    static func apply(_ transformation: any ManifestComponent, to record: inout JSONObject, sliceContext: inout InterpolationContext,
                      session: ReadSession) throws(DeclarativeError) {
        switch transformation {
        case let add as AddFields: try addFields(add, &record, sliceContext: &sliceContext)
        case let remove as RemoveFields: try removeFields(remove, &record, session: session)
        case is KeysToLower:
            record = JSONObject(record.map { ($0.key.lowercased(), $0.value) })
        case is KeysToSnakeCase:
            record = snakeCased(record)
        case let replace as KeysReplace:
            sliceContext[.record] = .jsonObject(record)
            defer { sliceContext[.record] = nil }
            let old = PythonValueText.str(try evaluate(replace.old, sliceContext, at: "KeysReplace.old"))
            let new = PythonValueText.str(try evaluate(replace.new, sliceContext, at: "KeysReplace.new"))
            record = replacingKeys(record, old, new)
        case let flatten as FlattenFields:
            record = flattened(record, lists: flatten.flattenLists)
        case let dpathFlatten as DpathFlattenFields:
            try flattenPath(dpathFlatten, &record, session: session)
        default:
            throw DeclarativeError.config("This transformation is not supported by Inlet yet.")
        }
    }

    /// Each field's template sees the record with the fields before it added. The context holds the
    /// record only while a template reads it, so the record is not shared when it changes.
    private static func addFields(_ add: AddFields, _ record: inout JSONObject, sliceContext context: inout InterpolationContext) throws(DeclarativeError) {
        defer { context[.record] = nil }
        for field in add.fields {
            context[.record] = .jsonObject(record)
            let value = try evaluate(field.value, context, at: "AddFields \(field.path.joined(separator: "."))", validTypes: field.valueType?.pythonTypes)
            if let condition = add.condition, condition.condition != nil {
                var conditionContext = context
                conditionContext.set("value", to: JinjaValue(value))
                conditionContext.set("path", to: .list(field.path.map(JinjaValue.string)))
                guard try evaluate(condition, conditionContext, at: "AddFields.condition") else { continue }
            }
            context[.record] = nil
            Dpath.set(&record, field.path, value)
        }
    }

    private static func removeFields(_ remove: RemoveFields, _ record: inout JSONObject, session: ReadSession) throws(DeclarativeError) {
        for pointer in remove.fieldPointers {
            try Dpath.delete(&record, pointer) { value throws(DeclarativeError) in
                guard let condition = remove.condition, condition.condition != nil else { return true }
                var context = session.context(hasToken: false)
                context.set("property", to: JinjaValue(value))
                return try evaluate(condition, context, at: "RemoveFields.condition")
            }
        }
    }

    /// The CDK's `KeysToSnakeCase`: tokens of capitals, lower-case runs and digits joined with `_`.
    static func snakeCased(_ record: JSONObject) -> JSONObject {
        JSONObject(record.map { key, value in
            let transformed: JSONValue
            if case .object(let nested) = value { transformed = .object(snakeCased(nested)) } else { transformed = value }
            return (snakeKey(key), transformed)
        })
    }

    static func snakeKey(_ key: String) -> String {
        let ascii = String(key.unicodeScalars.map { $0.isASCII ? Character($0) : "_" })
        var tokens: [String] = []
        let characters = Array(ascii)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            var token = ""
            if character.isUppercase && character.isASCII {
                while index < characters.count, characters[index].isUppercase, characters[index].isASCII { token.append(characters[index]); index += 1 }
                while index < characters.count, characters[index].isLowercase, characters[index].isASCII { token.append(characters[index]); index += 1 }
                tokens.append(token)
            } else if character.isLowercase && character.isASCII {
                while index < characters.count, characters[index].isLowercase, characters[index].isASCII { token.append(characters[index]); index += 1 }
                tokens.append(token)
            } else if character.isNumber && character.isASCII {
                while index < characters.count, characters[index].isNumber, characters[index].isASCII { token.append(characters[index]); index += 1 }
                tokens.append(token)
            } else {
                while index < characters.count, !(characters[index].isLetter && characters[index].isASCII), !(characters[index].isNumber && characters[index].isASCII) { index += 1 }
                tokens.append("")
            }
        }
        if tokens.count >= 3 {
            tokens = [tokens[0]] + tokens[1..<(tokens.count - 1)].filter { !$0.isEmpty } + [tokens[tokens.count - 1]]
        }
        if let first = tokens.first, !first.isEmpty, first.allSatisfy(\.isNumber) { tokens.insert("", at: 0) }
        return tokens.map { $0.lowercased() }.joined(separator: "_")
    }

    static func replacingKeys(_ record: JSONObject, _ old: String, _ new: String) -> JSONObject {
        JSONObject(record.map { key, value in
            let updated = old.isEmpty ? key : key.replacing(old, with: new)
            if case .object(let nested) = value { return (updated, .object(replacingKeys(nested, old, new))) }
            return (updated, value)
        })
    }

    /// The CDK's `FlattenFields`, with its depth-first order and `parent.child` names on collisions.
    static func flattened(_ record: JSONObject, lists: Bool) -> JSONObject {
        var stack: [(JSONValue, String)] = [(.object(record), "_")]
        var result = JSONObject()
        var forceParentName = false
        while let (current, parentKey) = stack.popLast() {
            switch current {
            case .object(let object):
                for (key, value) in object {
                    let newKey = result.contains(key: key) || forceParentName ? "\(parentKey).\(key)" : key
                    stack.append((value, newKey))
                }
            case .array(let elements) where lists:
                for (index, element) in elements.enumerated() {
                    forceParentName = true
                    stack.append((element, "\(parentKey).\(index)"))
                }
            default:
                result[parentKey] = current
            }
        }
        return result
    }

    private static func flattenPath(_ flatten: DpathFlattenFields, _ record: inout JSONObject, session: ReadSession) throws(DeclarativeError) {
        let context = session.context(hasToken: false)
        var path: [String] = []
        for part in flatten.fieldPath { path.append(PythonValueText.str(try evaluate(part, context, at: "DpathFlattenFields.field_path"))) }
        let extracted: JSONValue?
        if path.contains("*") {
            extracted = Dpath.values(.object(record), path).first
        } else {
            extracted = Dpath.get(.object(record), path)
        }
        guard case .object(var members)? = extracted else { return }
        if let prefix = flatten.keyPrefix { members = JSONObject(members.map { (prefix + $0.key, $0.value) }) }
        if let suffix = flatten.keySuffix { members = JSONObject(members.map { ($0.key + suffix, $0.value) }) }
        if flatten.replaceRecord && !members.isEmpty {
            record = members
            return
        }
        guard Set(members.keys).isDisjoint(with: Set(record.keys)) else { return }
        if flatten.deleteOriginValue {
            try Dpath.delete(&record, path) { _ throws(DeclarativeError) in true }
        }
        for (key, value) in members { record[key] = value }
    }
}

extension AddedFieldDefinition.ValueType {
    /// The Python types a value of this type may have; others become the template's text.
    var pythonTypes: Set<PythonType> {
        switch self {
        case .string: [.string]
        case .number: [.float]
        case .integer: [.integer]
        case .boolean: [.boolean]
        }
    }
}
