/// Reads a file as rows of cells, a row at a time, in bounded memory.
public protocol TabularReader: AnyObject {
    /// The columns' names, in file order, distinct and non-empty.
    var columnNames: [String] { get }
    /// The columns' types when the format declares them (parquet, avro); nil when they are inferred.
    var declaredTypes: [ColumnType]? { get }
    /// What was detected or chosen about the file's layout, for the preview.
    var layout: FileLayout { get }
    /// The number of data rows when the format records it (parquet, avro); nil when it must be counted.
    var recordedRowCount: Int? { get }
    /// Bytes of the file read so far, for progress.
    var bytesRead: Int { get }
    /// The next row, one cell per column, or nil at the end. Rows are numbered from 1 in errors.
    func nextRow() throws(FileImportError) -> [FileCell]?
    /// Rows from further into the file than the head the sample read, for inference only.
    func spreadSample(points: Int, rowsPerPoint: Int) throws(FileImportError) -> [[FileCell]]
    /// Whether its strings may be dates and timestamps written as text (json's), which inference
    /// then types; a spreadsheet's text cells stay text.
    var stringsMayBeTemporal: Bool { get }
    /// A row count the file states but does not promise (a sheet's dimension), for an estimate.
    var estimatedRowCount: Int? { get }
}

extension TabularReader {
    public var stringsMayBeTemporal: Bool { false }
    public var estimatedRowCount: Int? { nil }

    /// Readers that cannot jump into a file (most) give none.
    public func spreadSample(points: Int, rowsPerPoint: Int) throws(FileImportError) -> [[FileCell]] { [] }
}

/// A file's layout as the preview reports it.
public struct FileLayout: Sendable, Equatable {
    public var format: FileFormat
    public var encoding: TextEncoding?
    public var dialect: CSVDialect?
    public var header: Bool?
    public var sheet: String?
    /// Every sheet of a workbook, in order.
    public var sheets: [String] = []

    public init(format: FileFormat, encoding: TextEncoding? = nil, dialect: CSVDialect? = nil, header: Bool? = nil, sheet: String? = nil) {
        self.format = format
        self.encoding = encoding
        self.dialect = dialect
        self.header = header
        self.sheet = sheet
    }
}

/// What to do with a csv row with fewer fields than the header.
public enum RaggedRows: String, Sendable, CaseIterable {
    /// Stop, naming the line.
    case error
    /// Fill the missing fields with nulls.
    case pad
}

/// How a file is read: each setting detected when not given.
public struct FileReadOptions: Sendable, Equatable {
    public var format: FileFormat?
    /// A workbook's sheet: its name, or its position from 1.
    public var sheet: String?
    public var delimiter: UInt8?
    public var quote: UInt8??
    public var encoding: TextEncoding?
    public var header: Bool?
    public var raggedRows: RaggedRows = .error
    /// The longest csv row (bytes), so that a file without line ends cannot take all memory.
    public var maximumRowBytes = 64 << 20

    public init() {}
}

/// Column names as a table can take them: blanks named `column_N`, repeats suffixed `_2`, `_3`.
enum ColumnNames {
    static func distinct(_ raw: [String]) -> [String] {
        var seen: Set<String> = []
        return raw.enumerated().map { position, name in
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            let base = trimmed.isEmpty ? "column_\(position + 1)" : trimmed
            var candidate = base
            var suffix = 2
            while seen.contains(candidate) {
                candidate = "\(base)_\(suffix)"
                suffix += 1
            }
            seen.insert(candidate)
            return candidate
        }
    }

    static func numbered(_ count: Int) -> [String] {
        (1...max(count, 1)).map { "column_\($0)" }
    }
}

import Foundation
