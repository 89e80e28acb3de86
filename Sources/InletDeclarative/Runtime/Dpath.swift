import InletJSON

/// The subset of Python's `dpath` the CDK uses: get, glob values, set and delete along key paths,
/// where `*` matches any key or index and digits index lists.
enum Dpath {
    static func get(_ value: JSONValue, _ path: [String]) -> JSONValue? {
        var current = value
        for segment in path {
            switch current {
            case .object(let object):
                guard let next = object[segment] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(segment), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Every value matching a path with `*` (or `**`) segments.
    static func values(_ value: JSONValue, _ path: [String]) -> [JSONValue] {
        guard let segment = path.first else { return [value] }
        let rest = Array(path.dropFirst())
        switch value {
        case .object(let object):
            if segment == "*" || segment == "**" {
                return object.flatMap { values($0.value, rest) }
            }
            guard let next = object[segment] else { return [] }
            return values(next, rest)
        case .array(let elements):
            if segment == "*" || segment == "**" {
                return elements.flatMap { values($0, rest) }
            }
            guard let index = Int(segment), elements.indices.contains(index) else { return [] }
            return values(elements[index], rest)
        default:
            return []
        }
    }

    /// Sets `value` at `path`, creating objects on the way (`dpath.new`).
    static func set(_ object: inout JSONObject, _ path: [String], _ value: JSONValue) {
        guard let first = path.first else { return }
        if path.count == 1 {
            object[first] = value
            return
        }
        var child = object[first]?.objectValue ?? [:]
        if case .array(var elements) = object[first], let index = Int(path[1]) {
            if path.count == 2 {
                while elements.count <= index { elements.append(.null) }
                elements[index] = value
                object[first] = .array(elements)
                return
            }
            child = elements.indices.contains(index) ? (elements[index].objectValue ?? [:]) : [:]
            set(&child, Array(path.dropFirst(2)), value)
            while elements.count <= index { elements.append(.null) }
            elements[index] = .object(child)
            object[first] = .array(elements)
            return
        }
        set(&child, Array(path.dropFirst()), value)
        object[first] = .object(child)
    }

    /// Removes what `path` (with globs) matches; `shouldDelete` decides per value. Returns whether
    /// anything matched.
    @discardableResult
    static func delete(_ object: inout JSONObject, _ path: [String], where shouldDelete: (JSONValue) throws(DeclarativeError) -> Bool) throws(DeclarativeError) -> Bool {
        guard let segment = path.first else { return false }
        let rest = Array(path.dropFirst())
        var matched = false
        let keys = segment == "*" || segment == "**" ? object.keys : (object[segment] != nil ? [segment] : [])
        for key in keys {
            guard let member = object[key] else { continue }
            if rest.isEmpty {
                if try shouldDelete(member) {
                    object.removeValue(forKey: key)
                    matched = true
                }
                continue
            }
            switch member {
            case .object(var child):
                if try delete(&child, rest, where: shouldDelete) {
                    object[key] = .object(child)
                    matched = true
                }
            case .array(var elements):
                if try deleteInArray(&elements, rest, where: shouldDelete) {
                    object[key] = .array(elements)
                    matched = true
                }
            default:
                break
            }
        }
        return matched
    }

    private static func deleteInArray(_ elements: inout [JSONValue], _ path: [String], where shouldDelete: (JSONValue) throws(DeclarativeError) -> Bool) throws(DeclarativeError) -> Bool {
        guard let segment = path.first else { return false }
        let rest = Array(path.dropFirst())
        var matched = false
        let indices = segment == "*" || segment == "**" ? Array(elements.indices) : (Int(segment).map { elements.indices.contains($0) ? [$0] : [] } ?? [])
        for index in indices.reversed() {
            if rest.isEmpty {
                if try shouldDelete(elements[index]) {
                    elements.remove(at: index)
                    matched = true
                }
            } else if case .object(var child) = elements[index] {
                if try delete(&child, rest, where: shouldDelete) {
                    elements[index] = .object(child)
                    matched = true
                }
            }
        }
        return matched
    }
}
