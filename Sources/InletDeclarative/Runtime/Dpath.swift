import InletJSON

/// The subset of Python's `dpath` the CDK uses: get, glob values, set and delete along key paths,
/// where a segment with `*`, `?` or `[…]` is an `fnmatch` pattern over keys (and list indices as
/// text) and digits index lists.
enum Dpath {
    /// Whether a path segment is a glob rather than a key.
    static func isGlob(_ segment: String) -> Bool {
        segment.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// `fnmatch.fnmatchcase(key, pattern)`: `*` any run, `?` one character, `[seq]` and `[!seq]` sets.
    static func matches(_ pattern: String, _ key: String) -> Bool {
        let pattern = Array(pattern), key = Array(key)
        func match(_ p: Int, _ k: Int) -> Bool {
            var p = p, k = k
            while p < pattern.count {
                switch pattern[p] {
                case "*":
                    while p < pattern.count, pattern[p] == "*" { p += 1 }
                    if p == pattern.count { return true }
                    for start in k...key.count where match(p, start) { return true }
                    return false
                case "?":
                    guard k < key.count else { return false }
                case "[":
                    guard k < key.count, let (matched, next) = set(at: p, contains: key[k]) else {
                        // An unclosed `[` is a literal bracket.
                        guard k < key.count, key[k] == "[" else { return false }
                        p += 1; k += 1
                        continue
                    }
                    guard matched else { return false }
                    p = next; k += 1
                    continue
                default:
                    guard k < key.count, key[k] == pattern[p] else { return false }
                }
                p += 1; k += 1
            }
            return k == key.count
        }
        /// Whether the set starting at `start` holds `character`, and where the pattern goes on; nil
        /// when the set never closes.
        func set(at start: Int, contains character: Character) -> (Bool, Int)? {
            var index = start + 1
            let negated = index < pattern.count && pattern[index] == "!"
            if negated { index += 1 }
            var found = false
            var first = true
            while index < pattern.count, pattern[index] != "]" || first {
                first = false
                if index + 2 < pattern.count, pattern[index + 1] == "-", pattern[index + 2] != "]" {
                    if pattern[index] <= character && character <= pattern[index + 2] { found = true }
                    index += 3
                } else {
                    if pattern[index] == character { found = true }
                    index += 1
                }
            }
            guard index < pattern.count else { return nil }
            return (found != negated, index + 1)
        }
        return match(0, 0)
    }

    private static func keys(of object: JSONObject, matching segment: String) -> [String] {
        if isGlob(segment) { return object.keys.filter { matches(segment, $0) } }
        return object[segment] != nil ? [segment] : []
    }

    private static func indices(of elements: [JSONValue], matching segment: String) -> [Int] {
        if isGlob(segment) { return elements.indices.filter { matches(segment, String($0)) } }
        return Int(segment).map { elements.indices.contains($0) ? [$0] : [] } ?? []
    }

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

    /// What a `DpathExtractor` finds in one decoded document: the elements of the list at `path`,
    /// or the one truthy value there (a path with `*` gathers every match; an empty path is the
    /// document itself).
    static func extracted(from document: JSONValue, _ path: [String]) -> [JSONValue] {
        let found: JSONValue?
        if path.isEmpty {
            found = document
        } else if path.contains("*") {
            found = .array(values(document, path))
        } else {
            found = get(document, path)
        }
        switch found {
        case .array(let elements)?: return elements
        case .some(let value) where ComponentTransformer.isTruthy(value): return [value]
        default: return []
        }
    }

    /// Every value matching a path with `*` (or `**`) segments.
    static func values(_ value: JSONValue, _ path: [String]) -> [JSONValue] {
        guard let segment = path.first else { return [value] }
        let rest = Array(path.dropFirst())
        switch value {
        case .object(let object):
            return keys(of: object, matching: segment).flatMap { values(object[$0]!, rest) }
        case .array(let elements):
            return indices(of: elements, matching: segment).flatMap { values(elements[$0], rest) }
        default:
            return []
        }
    }

    /// `dpath.set`: replaces the values at `path` (segments may be globs) where they exist; false
    /// when nothing matched.
    static func setExisting(_ value: inout JSONValue, _ path: ArraySlice<String>, _ newValue: JSONValue) -> Bool {
        guard let segment = path.first else {
            value = newValue
            return true
        }
        var updated = false
        switch value {
        case .object(var object):
            for key in object.keys where isGlob(segment) ? matches(segment, key) : key == segment {
                var child = object[key]!
                if setExisting(&child, path.dropFirst(), newValue) {
                    object[key] = child
                    updated = true
                }
            }
            value = .object(object)
        case .array(var elements):
            for index in elements.indices where isGlob(segment) ? matches(segment, String(index)) : String(index) == segment {
                if setExisting(&elements[index], path.dropFirst(), newValue) { updated = true }
            }
            value = .array(elements)
        default:
            break
        }
        return updated
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
        for key in keys(of: object, matching: segment) {
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
        for index in indices(of: elements, matching: segment).reversed() {
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
