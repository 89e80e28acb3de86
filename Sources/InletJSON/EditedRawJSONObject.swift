/// A raw object with top-level members set or removed: the original bytes, an index of where each
/// member lies, and the changes. Reads parse only the member asked for; writing copies the untouched
/// members' bytes and serialises only what changed, so a record that gains or loses a few members
/// is never parsed whole.
///
/// Member order follows a Python dict's: a replaced member keeps its place, a new one goes last,
/// and one removed then set again goes last too.
public struct EditedRawJSONObject: Sendable {
    /// Where one member of `base` lies, as offsets from its first byte: the key's opening quote,
    /// its closing quote (the value starts two bytes later, past the colon), and the value's end.
    private struct Member: Sendable {
        var keyStart: Int32
        var keyEnd: Int32
        var end: Int32
        var valueStart: Int { Int(keyEnd) + 2 }
    }

    public let base: RawJSONObject
    private let members: [Member]
    private var removed: [Int] = []
    private var replaced: [(member: Int, value: JSONValue)] = []
    private var added: [(key: String, value: JSONValue)] = []
    /// `null` members are left out of reads and of the output, as the CDK drops them from records.
    private var omitsNulls = false

    /// Nil unless `base` is canonical (compact, no repeated keys) with keys free of escapes, which
    /// the index relies on.
    public init?(_ base: RawJSONObject) {
        guard base.isCanonical, base.bytes.count < Int32.max, let members = Self.index(base.bytes) else { return nil }
        self.base = base
        self.members = members
    }

    private static func index(_ bytes: ArraySlice<UInt8>) -> [Member]? {
        bytes.withUnsafeBufferPointer { buffer -> [Member]? in
            guard let start = buffer.baseAddress, buffer.count >= 2 else { return nil }
            var members: [Member] = []
            guard start[1] != UInt8(ascii: "}") else { return members }
            members.reserveCapacity(16)
            var scanner = JSONScanner(start: start, count: buffer.count, options: .pythonCompatible)
            var traits = SkippedValueTraits()
            var position = 1
            while true {
                guard start[position] == UInt8(ascii: "\"") else { return nil }
                var keyEnd = position + 1
                while start[keyEnd] != UInt8(ascii: "\"") {
                    if start[keyEnd] == UInt8(ascii: "\\") { return nil }
                    keyEnd += 1
                }
                scanner.position = keyEnd + 2
                guard (try? scanner.skipValue(&traits)) != nil else { return nil }
                members.append(Member(keyStart: Int32(position), keyEnd: Int32(keyEnd), end: Int32(scanner.position)))
                guard start[scanner.position] == UInt8(ascii: ",") else { return members }
                position = scanner.position + 1
            }
        }
    }

    /// The member of `base` named `key`, removed or not.
    private func baseMember(_ key: String) -> Int? {
        var key = key
        return key.withUTF8 { keyBytes in
            base.bytes.withUnsafeBufferPointer { buffer in
                members.firstIndex { member in
                    let length = Int(member.keyEnd - member.keyStart) - 1
                    guard length == keyBytes.count else { return false }
                    let start = Int(member.keyStart) + 1
                    return UnsafeBufferPointer(rebasing: buffer[start..<start + length]).elementsEqual(keyBytes)
                }
            }
        }
    }

    private func baseValue(_ member: Int) -> JSONValue {
        let value = base.bytes.startIndex + members[member].valueStart..<base.bytes.startIndex + Int(members[member].end)
        guard let parsed = try? JSONParser.parse(base.bytes[value], options: .pythonCompatible) else {
            preconditionFailure("EditedRawJSONObject indexes bytes that were validated as an object")
        }
        return parsed
    }

    public subscript(key: String) -> JSONValue? {
        let value = lookUp(key)
        if omitsNulls, value?.isNull == true { return nil }
        return value
    }

    private func lookUp(_ key: String) -> JSONValue? {
        if let index = added.firstIndex(where: { $0.key == key }) { return added[index].value }
        guard let member = baseMember(key), !removed.contains(member) else { return nil }
        if let index = replaced.firstIndex(where: { $0.member == member }) { return replaced[index].value }
        return baseValue(member)
    }

    public mutating func set(_ value: JSONValue, forKey key: String) {
        if let index = added.firstIndex(where: { $0.key == key }) {
            added[index].value = value
        } else if let member = baseMember(key), !removed.contains(member) {
            if let index = replaced.firstIndex(where: { $0.member == member }) {
                replaced[index].value = value
            } else {
                replaced.append((member, value))
            }
        } else {
            added.append((key, value))
        }
    }

    /// Removes the member; false when there is none.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> Bool {
        if let index = added.firstIndex(where: { $0.key == key }) {
            added.remove(at: index)
            return true
        }
        guard let member = baseMember(key), !removed.contains(member) else { return false }
        removed.append(member)
        replaced.removeAll { $0.member == member }
        return true
    }

    public func droppingNulls() -> EditedRawJSONObject {
        var copy = self
        copy.omitsNulls = true
        return copy
    }

    public func parsed() -> JSONObject {
        var object = base.parsed()
        for (member, value) in replaced { object[key(of: member)] = value }
        for member in removed { object.removeValue(forKey: key(of: member)) }
        for (key, value) in added { object[key] = value }
        return omitsNulls ? object.filter { !$0.value.isNull } : object
    }

    private func key(of member: Int) -> String {
        let bytes = base.bytes.startIndex + Int(members[member].keyStart) + 1..<base.bytes.startIndex + Int(members[member].keyEnd)
        return String(decoding: base.bytes[bytes], as: UTF8.self)
    }

    func write(to writer: inout JSONWriter) {
        writer.writeRaw(UInt8(ascii: "{"))
        var wroteMember = false
        func separate(_ writer: inout JSONWriter) {
            if wroteMember { writer.writeRaw(UInt8(ascii: ",")) }
            wroteMember = true
        }
        func writeMember(_ key: String, _ value: JSONValue, _ writer: inout JSONWriter) {
            if omitsNulls, value.isNull { return }
            separate(&writer)
            writer.writeQuoted(key)
            writer.writeRaw(UInt8(ascii: ":"))
            writer.write(value)
        }
        base.bytes.withUnsafeBufferPointer { buffer in
            for (index, member) in members.enumerated() where !removed.contains(index) {
                if let replacement = replaced.firstIndex(where: { $0.member == index }) {
                    writeMember(key(of: index), replaced[replacement].value, &writer)
                } else if !(omitsNulls && buffer[member.valueStart] == UInt8(ascii: "n")) {
                    separate(&writer)
                    writer.writeRaw(UnsafeBufferPointer(rebasing: buffer[Int(member.keyStart)..<Int(member.end)]))
                }
            }
        }
        for (key, value) in added { writeMember(key, value, &writer) }
        writer.writeRaw(UInt8(ascii: "}"))
    }
}
