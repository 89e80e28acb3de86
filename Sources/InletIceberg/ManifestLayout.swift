import InletAvro
import InletJSON
public import InletParquet

/// A data file of the table: where it is, what the Parquet writer learnt of it, its partition values.
public struct DataFile: Sendable {
    public var path: String
    public var summary: ParquetFileSummary
    public var partition: [ParquetValue?]
    /// The sort order the file's rows follow (0: unsorted).
    public var sortOrderID: Int32 = 0

    /// The same file, declared sorted by the order with id `orderID`.
    func sorted(by orderID: Int32) -> DataFile {
        var file = self
        file.sortOrderID = orderID
        return file
    }
}

/// The manifest schema and metadata of one table state: its schema and partition spec decide the
/// `partition` record of every entry and the partition summaries of the manifest list.
struct ManifestLayout {
    let schema: IcebergSchema
    let spec: IcebergPartitionSpec
    let partitionTypes: [IcebergType]
    let partitionSchema: AvroSchema
    let entrySchema: AvroSchema
    /// The ids of decimal columns, whose bounds Iceberg stores big-endian.
    let decimalFieldIDs: Set<Int32>

    init(schema: IcebergSchema, spec: IcebergPartitionSpec) throws(IcebergError) {
        self.schema = schema
        self.spec = spec
        partitionTypes = try spec.fields.map { (field) throws(IcebergError) in try spec.resultType(of: field, in: schema) }
        partitionSchema = .record(name: "r102", fields: zip(spec.fields, partitionTypes).map { field, type in
            AvroField(field.name, .optional(Self.avroType(type) ?? .null), fieldID: field.fieldID, defaultValue: .null)
        })
        entrySchema = Manifests.entrySchema(partition: partitionSchema)
        func decimals(_ fields: [IcebergField]) -> [Int32] {
            fields.flatMap { field -> [Int32] in
                switch field.type {
                case .decimal: return [field.id]
                case .structure(let children): return decimals(children)
                default: return []
                }
            }
        }
        decimalFieldIDs = Set(decimals(schema.fields))
    }

    /// The key-value metadata every data manifest of this layout carries.
    var metadata: [(String, String)] { metadata(content: "data") }

    /// The key-value metadata of a manifest of `content` ("data" or "deletes").
    func metadata(content: String) -> [(String, String)] {
        [("schema", JSONWriter.string(from: schema.json)), ("schema-id", String(schema.schemaID)),
         ("partition-spec", JSONWriter.string(from: spec.fieldsJSON)), ("partition-spec-id", String(spec.specID)),
         ("format-version", "2"), ("content", content)]
    }

    /// How a partition value of `type` is stored in manifests; nil for the types Inlet does not
    /// partition by yet.
    static func avroType(_ type: IcebergType) -> AvroSchema? {
        switch type {
        case .boolean: return .boolean
        case .int, .date: return .int
        case .long, .timestamp, .timestamptz: return .long
        case .float: return .float
        case .double: return .double
        case .string: return .string
        case .binary: return .bytes
        case .time, .uuid, .fixed, .decimal, .structure, .list, .map: return nil
        }
    }

    /// A column bound as Iceberg serialises single values (spec appendix D): little-endian numbers,
    /// UTF-8 text, raw bytes, and decimals as their unscaled value in the fewest big-endian
    /// two's-complement bytes.
    func boundBytes(_ value: ParquetValue, fieldID: Int32) -> [UInt8] {
        guard decimalFieldIDs.contains(fieldID) else { return value.singleValueBytes }
        var bytes: [UInt8]
        switch value {
        case .int32(let unscaled): bytes = withUnsafeBytes(of: Int64(unscaled).bigEndian, Array.init)
        case .int64(let unscaled): bytes = withUnsafeBytes(of: unscaled.bigEndian, Array.init)
        case .bytes(let bigEndian): bytes = bigEndian
        default: return value.singleValueBytes
        }
        while bytes.count > 1 && ((bytes[0] == 0 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xFF && bytes[1] & 0x80 != 0)) {
            bytes.removeFirst()
        }
        return bytes
    }

    func partitionRecord(_ values: [ParquetValue?]) -> AvroValue {
        .record(values.map { value in
            guard let value else { return .union(branch: 0, .null) }
            switch value {
            case .boolean(let flag): return .union(branch: 1, .boolean(flag))
            case .int32(let number): return .union(branch: 1, .int(number))
            case .int64(let number): return .union(branch: 1, .long(number))
            case .float(let number): return .union(branch: 1, .float(number))
            case .double(let number): return .union(branch: 1, .double(number))
            case .string(let text): return .union(branch: 1, .string(text))
            case .bytes(let bytes): return .union(branch: 1, .bytes(bytes))
            case .list, .structure, .map: return .union(branch: 0, .null)
            }
        })
    }

    func partitionValues(_ record: AvroValue) -> [ParquetValue?] {
        guard case .record(let values) = record else { return [] }
        return values.map { value -> ParquetValue? in
            switch value.unwrapped {
            case .boolean(let flag)?: return .boolean(flag)
            case .int(let number)?: return .int32(number)
            case .long(let number)?: return .int64(number)
            case .float(let number)?: return .float(number)
            case .double(let number)?: return .double(number)
            case .string(let text)?: return .string(text)
            case .bytes(let bytes)?: return .bytes(bytes)
            default: return nil
            }
        }
    }

    /// The manifest list's `partitions`: per partition field, whether a file has a null and the
    /// lowest and highest values.
    func partitionSummaries(_ partitions: [[ParquetValue?]]) -> [AvroValue] {
        spec.fields.indices.map { index in
            var containsNull = false
            var low: ParquetValue?
            var high: ParquetValue?
            for partition in partitions where index < partition.count {
                guard let value = partition[index] else { containsNull = true; continue }
                if low.map({ value.precedes($0) }) ?? true { low = value }
                if high.map({ $0.precedes(value) }) ?? true { high = value }
            }
            func bound(_ value: ParquetValue?) -> AvroValue {
                value.map { .union(branch: 1, .bytes($0.singleValueBytes)) } ?? .union(branch: 0, .null)
            }
            return .record([.boolean(containsNull), .union(branch: 0, .null), bound(low), bound(high)])
        }
    }
}
