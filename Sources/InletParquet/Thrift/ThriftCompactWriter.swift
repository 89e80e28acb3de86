/// Thrift's compact protocol, the encoding of Parquet's page headers and footer.
///
/// Fields are written in increasing id order inside `writeStruct`, which tracks the previous id
/// so that field headers use the short delta form.
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0

    enum FieldType: UInt8 {
        case booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    // MARK: - Fields

    mutating func field(_ id: Int16, _ value: Int32) {
        header(id, .i32)
        varint(zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, _ value: Int64) {
        header(id, .i64)
        varint(zigzag(value))
    }

    mutating func field(_ id: Int16, _ value: Bool) {
        header(id, value ? .booleanTrue : .booleanFalse)
    }

    mutating func field(_ id: Int16, _ value: String) {
        header(id, .binary)
        binary(Array(value.utf8))
    }

    mutating func field(_ id: Int16, binary value: [UInt8]) {
        header(id, .binary)
        binary(value)
    }

    /// A nested struct: `body` writes its fields.
    mutating func field(_ id: Int16, structure body: (inout ThriftCompactWriter) -> Void) {
        header(id, .structure)
        writeStruct(body)
    }

    /// A list of structs.
    mutating func field<Element>(_ id: Int16, structs elements: [Element], _ body: (inout ThriftCompactWriter, Element) -> Void) {
        header(id, .list)
        listHeader(count: elements.count, .structure)
        for element in elements { writeStruct { body(&$0, element) } }
    }

    mutating func field(_ id: Int16, i32s elements: [Int32]) {
        header(id, .list)
        listHeader(count: elements.count, .i32)
        for element in elements { varint(zigzag(Int64(element))) }
    }

    mutating func field(_ id: Int16, strings elements: [String]) {
        header(id, .list)
        listHeader(count: elements.count, .binary)
        for element in elements { binary(Array(element.utf8)) }
    }

    /// Writes a struct's fields and its stop byte.
    mutating func writeStruct(_ body: (inout ThriftCompactWriter) -> Void) {
        let saved = lastFieldID
        lastFieldID = 0
        body(&self)
        bytes.append(0)
        lastFieldID = saved
    }

    // MARK: - Encoding

    private mutating func header(_ id: Int16, _ type: FieldType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    private mutating func listHeader(count: Int, _ type: FieldType) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
    }

    private mutating func binary(_ value: [UInt8]) {
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    private mutating func varint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
