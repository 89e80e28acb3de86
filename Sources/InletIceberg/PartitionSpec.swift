public import InletJSON
public import InletParquet

/// How a partition value is derived from its source column.
public enum PartitionTransform: String, Sendable, Equatable {
    case identity, day, month
}

public struct IcebergPartitionField: Sendable, Equatable {
    public var sourceID: Int32
    /// Partition field ids start at 1000, as the spec's writers number them.
    public var fieldID: Int32
    public var name: String
    public var transform: PartitionTransform

    public init(sourceID: Int32, fieldID: Int32, name: String, transform: PartitionTransform) {
        self.sourceID = sourceID
        self.fieldID = fieldID
        self.name = name
        self.transform = transform
    }
}

/// A table's partition spec: how rows are grouped into data files by derived values.
public struct IcebergPartitionSpec: Sendable, Equatable {
    public var specID: Int32
    public var fields: [IcebergPartitionField]

    public init(specID: Int32 = 0, fields: [IcebergPartitionField] = []) {
        self.specID = specID
        self.fields = fields
    }

    public static var unpartitioned: IcebergPartitionSpec { IcebergPartitionSpec() }

    var fieldsJSON: JSONValue {
        .array(fields.map { .object(["name": .string($0.name), "transform": .string($0.transform.rawValue),
                                     "source-id": .int(Int64($0.sourceID)), "field-id": .int(Int64($0.fieldID))]) })
    }

    var json: JSONValue { .object(["spec-id": .int(Int64(specID)), "fields": fieldsJSON]) }

    init(json: JSONValue) throws(IcebergError) {
        var fields: [IcebergPartitionField] = []
        for field in json["fields"]?.arrayValue ?? [] {
            guard let source = field["source-id"]?.intValue, let id = field["field-id"]?.intValue, let name = field["name"]?.stringValue,
                  let transformName = field["transform"]?.stringValue else { throw .invalidMetadata("partition field \(field)") }
            guard let transform = PartitionTransform(rawValue: transformName) else {
                throw .unsupported("partition transform \(transformName) (identity, day and month so far)")
            }
            fields.append(IcebergPartitionField(sourceID: Int32(source), fieldID: Int32(id), name: name, transform: transform))
        }
        self.init(specID: Int32(json["spec-id"]?.intValue ?? 0), fields: fields)
    }

    /// The type of a partition field's values.
    func resultType(of field: IcebergPartitionField, in schema: IcebergSchema) throws(IcebergError) -> IcebergType {
        guard let source = schema.fields.first(where: { $0.id == field.sourceID }) else {
            throw .invalidMetadata("partition field \(field.name) has no source column \(field.sourceID)")
        }
        switch field.transform {
        case .identity:
            guard source.type.isPrimitive else { throw .invalidMetadata("identity(\(source.name)) needs a primitive column") }
            guard ManifestLayout.avroType(source.type) != nil else { throw .unsupported("partitioning by \(source.type) column '\(source.name)'") }
            return source.type
        case .day:
            guard [.date, .timestamp, .timestamptz].contains(source.type) else { throw .invalidMetadata("day(\(source.name)) needs a date or timestamp") }
            return .date
        case .month:
            guard [.date, .timestamp, .timestamptz].contains(source.type) else { throw .invalidMetadata("month(\(source.name)) needs a date or timestamp") }
            return .int
        }
    }

    /// A row's partition values, in spec order; `positions` are the source columns' places in the row.
    func key(of row: [ParquetValue?], positions: [Int]) -> [ParquetValue?] {
        zip(fields, positions).map { field, position in
            guard let value = row[position] else { return nil }
            switch field.transform {
            case .identity: return value
            case .day: return Self.days(value).map { .int32(Int32($0)) }
            case .month:
                guard let days = Self.days(value) else { return nil }
                let (year, month) = Self.civil(days)
                return .int32(Int32((year - 1970) * 12 + month - 1))
            }
        }
    }

    private static func days(_ value: ParquetValue) -> Int64? {
        switch value {
        case .int32(let days): return Int64(days)
        case .int64(let micros): return micros >= 0 ? micros / 86_400_000_000 : (micros - 86_399_999_999) / 86_400_000_000
        default: return nil
        }
    }

    /// Year and month of a day number (days since 1970-01-01, proleptic Gregorian).
    private static func civil(_ days: Int64) -> (year: Int, month: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month))
    }
}
