/// A JSON object whose members keep the order they were inserted or parsed in.
///
/// Members live in one contiguous array, so small objects (the common record) cost one allocation and
/// are searched linearly; past `indexThreshold` members a key index is kept beside them. Setting an
/// existing key replaces its value in place, so the key keeps its position, as a Python dict does.
public struct JSONObject: Sendable {
    public typealias Member = (key: String, value: JSONValue)

    @usableFromInline struct Entry: Sendable {
        @usableFromInline var key: String
        @usableFromInline var value: JSONValue

        @inlinable init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    @usableFromInline static var indexThreshold: Int { 32 }

    @usableFromInline var entries: [Entry]
    @usableFromInline var keyIndex: [String: Int]?

    public init() {
        entries = []
        keyIndex = nil
    }

    public init(minimumCapacity: Int) {
        entries = []
        entries.reserveCapacity(minimumCapacity)
        keyIndex = nil
    }

    /// Members in order; a repeated key keeps its first position and takes its last value.
    public init(_ members: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in members {
            self[key] = value
        }
    }

    /// An object of `keys` (which the caller guarantees distinct, as a file's columns are) and
    /// their `values`, position for position, built without comparing keys.
    public init(distinctKeys keys: [String], values: [JSONValue]) {
        precondition(keys.count == values.count, "keys and values differ in number")
        var entries: [Entry] = []
        entries.reserveCapacity(keys.count)
        for position in keys.indices {
            entries.append(Entry(key: keys[position], value: values[position]))
        }
        self.init(uniqueEntries: entries)
    }

    /// Builds an object from entries the caller guarantees to have distinct keys.
    @usableFromInline init(uniqueEntries: [Entry]) {
        entries = uniqueEntries
        keyIndex = nil
        if entries.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }
    public var values: [JSONValue] { entries.map(\.value) }

    /// The value of `key`, looked for first at `position` (where records of one shape keep it),
    /// then anywhere.
    @inlinable public func value(forKey key: String, expectedAt position: Int) -> JSONValue? {
        if position < entries.count, entries[position].key == key { return entries[position].value }
        return index(forKey: key).map { entries[$0].value }
    }

    /// Whether the members' keys are `keys`, in order.
    @inlinable public func hasKeys(_ keys: [String]) -> Bool {
        guard keys.count == entries.count else { return false }
        for position in keys.indices where entries[position].key != keys[position] { return false }
        return true
    }

    /// The position of `key` among the members, if present.
    @inlinable public func index(forKey key: String) -> Int? {
        if let keyIndex { return keyIndex[key] }
        for position in entries.indices where entries[position].key == key {
            return position
        }
        return nil
    }

    public func contains(key: String) -> Bool { index(forKey: key) != nil }

    /// The value for `key`; assigning `nil` removes the member.
    @inlinable public subscript(key: String) -> JSONValue? {
        get {
            guard let position = index(forKey: key) else { return nil }
            return entries[position].value
        }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets `value` for `key`, keeping an existing key's position; returns the value it replaced.
    @inlinable @discardableResult
    /// Adds a member whose key the caller knows is absent, without looking for it.
    public mutating func append(absentKey key: String, value: JSONValue) {
        assert(index(forKey: key) == nil, "append(absentKey:) with a present key")
        entries.append(Entry(key: key, value: value))
        if keyIndex != nil {
            keyIndex![key] = entries.count - 1
        } else if entries.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        if let position = index(forKey: key) {
            let old = entries[position].value
            entries[position].value = value
            return old
        }
        entries.append(Entry(key: key, value: value))
        if keyIndex != nil {
            keyIndex![key] = entries.count - 1
        } else if entries.count > Self.indexThreshold {
            rebuildIndex()
        }
        return nil
    }

    @inlinable @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = index(forKey: key) else { return nil }
        let removed = entries.remove(at: position).value
        if keyIndex != nil {
            if entries.count > Self.indexThreshold {
                rebuildIndex()
            } else {
                keyIndex = nil
            }
        }
        return removed
    }

    public mutating func removeAll() {
        entries.removeAll()
        keyIndex = nil
    }

    /// Renames a member in place; `false` when `oldKey` is absent or `newKey` is already taken.
    @discardableResult
    public mutating func renameKey(_ oldKey: String, to newKey: String) -> Bool {
        guard let position = index(forKey: oldKey), index(forKey: newKey) == nil else { return false }
        entries[position].key = newKey
        if keyIndex != nil { rebuildIndex() }
        return true
    }

    /// The members whose key/value satisfy `isIncluded`, in order.
    public func filter(_ isIncluded: (Member) throws -> Bool) rethrows -> JSONObject {
        JSONObject(uniqueEntries: try entries.filter { try isIncluded(($0.key, $0.value)) })
    }

    /// The same keys in the same order with transformed values.
    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        JSONObject(uniqueEntries: try entries.map { Entry(key: $0.key, value: try transform($0.value)) })
    }

    @usableFromInline mutating func rebuildIndex() {
        var index = [String: Int](minimumCapacity: entries.count)
        for (position, entry) in entries.enumerated() {
            index[entry.key] = position
        }
        keyIndex = index
    }
}

extension JSONObject: RandomAccessCollection {
    public typealias Index = Int
    public typealias Element = Member

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }

    public subscript(position: Int) -> Member {
        let entry = entries[position]
        return (entry.key, entry.value)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

extension JSONObject: Hashable {
    /// Objects are equal when they hold the same members, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (position, entry) in lhs.entries.enumerated() {
            // Same order is the common case: check the same position first.
            let other = rhs.entries[position]
            if other.key == entry.key {
                if other.value != entry.value { return false }
                continue
            }
            guard let value = rhs[entry.key], value == entry.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        // Order-independent: a commutative sum of each member's own hash.
        var combined = 0
        for entry in entries {
            var memberHasher = Hasher()
            memberHasher.combine(entry.key)
            memberHasher.combine(entry.value)
            combined &+= memberHasher.finalize()
        }
        hasher.combine(combined)
    }
}

extension JSONObject: CustomStringConvertible {
    public var description: String { JSONWriter.string(from: .object(self)) }
}
