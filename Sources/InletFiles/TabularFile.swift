import Foundation

/// Opens a file with the reader of its format.
public enum TabularFile {
    public static func open(path: String, options: FileReadOptions = FileReadOptions()) throws(FileImportError) -> any TabularReader {
        try open(path: path, options: options, detected: try DetectedFormat.detect(path: path, given: options.format))
    }

    /// The reader of a format already detected.
    static func open(path: String, options: FileReadOptions, detected: DetectedFormat) throws(FileImportError) -> any TabularReader {
        if let mismatch = detected.mismatch, detected.format == .csv, options.format == nil {
            // A spreadsheet export that is really HTML or XML: say so rather than read markup as rows.
            if mismatch.contains("HTML") || mismatch.contains("XML") { throw FileImportError("\(path): \(mismatch)") }
        }
        switch detected.format {
        case .csv: return try CSVReader(path: path, options: options)
        case .json: return try JSONRowsReader(path: path, lines: false)
        case .jsonl: return try JSONRowsReader(path: path, lines: true)
        case .parquet: return try ParquetRowsReader(path: path)
        case .xlsx: return try XLSXReader(path: path, sheet: options.sheet)
        case .avro: return try AvroRowsReader(path: path)
        case .xls: return try XLSReader(path: path, sheet: options.sheet)
        }
    }
}
