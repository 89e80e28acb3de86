import InletIceberg
import InletParquet

/// The table the object-storage and catalog tests write: an id, a name that is sometimes null, an amount.
protocol SampleTable {}

extension SampleTable {
    var schema: IcebergSchema {
        IcebergSchema(fields: [
            IcebergField(id: 1, name: "id", type: .long, isRequired: true),
            IcebergField(id: 2, name: "name", type: .string),
            IcebergField(id: 3, name: "amount", type: .double),
        ], identifierFieldIDs: [1])
    }

    /// Rows with ids in `range`; `suffix` marks the names of a later version of the same ids.
    func rows(_ range: Range<Int>, suffix: String = "") -> [[ParquetValue?]] {
        range.map { [.int64(Int64($0)), $0 % 7 == 0 ? nil : .string("name \($0)\(suffix)"), .double(Double($0) / 4)] }
    }
}
