/// Why a file cannot be read, previewed or imported, with where: the line, row, column or byte.
public struct FileImportError: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A value that does not fit its column's type: where it is and what it holds.
public struct BadValue: Sendable, Equatable, CustomStringConvertible {
    /// The data row, counted from 1 (the header is not a row).
    public var row: Int
    public var column: String
    public var value: String
    public var expected: ColumnType

    public var description: String {
        "row \(row), column \(column): '\(value.count > 80 ? String(value.prefix(80)) + "…" : value)' does not fit \(expected)"
    }
}
