public import InletJSON
import Foundation

/// What a file holds, before it is imported: its layout, its columns with inferred types and sample
/// values, its first rows, and how many rows it has.
public struct FilePreview: Sendable {
    public var layout: FileLayout
    /// Why the file's content and name disagree, when they do.
    public var formatMismatch: String?
    public var columns: [InferredColumn]
    public var previewRows: [[FileCell]]
    public var totalRows: Int
    /// False while `totalRows` is an estimate (a huge text file counted in part).
    public var totalRowsExact: Bool
    public var sampledRows: Int

    /// Rows the types are inferred from at the file's start; a larger csv adds a sixteenth of that
    /// from each of four places further in.
    public static let defaultSampleRows = 20_480
    public static let defaultPreviewRows = 20

    /// Reads the sample (the first `sampleRows` rows) and infers each column's type; counts the rows.
    public static func make(path: String, options: FileReadOptions = FileReadOptions(), nullValues: Set<String> = [],
                            columnTypes: [String: ColumnType] = [:], dateFormats: [String: DateFormat] = [:],
                            sampleRows: Int = defaultSampleRows, previewRows: Int = defaultPreviewRows) throws(FileImportError) -> FilePreview {
        let detected = try DetectedFormat.detect(path: path, given: options.format)
        let reader = try TabularFile.open(path: path, options: options, detected: detected)
        let inference = try FileInference.infer(reader, nullValues: nullValues, columnTypes: columnTypes, dateFormats: dateFormats,
                                                sampleRows: sampleRows, keepRows: previewRows)
        let (total, exact) = try RowCount.count(path: path, reader: reader, sampled: inference.sampledRows, exhausted: inference.exhausted)
        return FilePreview(layout: reader.layout, formatMismatch: detected.mismatch, columns: inference.columns,
                           previewRows: inference.firstRows, totalRows: total, totalRowsExact: exact, sampledRows: inference.sampledRows)
    }

    /// The preview as the API and `--json` give it.
    public func json(fileID: String? = nil, fileName: String) -> JSONValue {
        var object: JSONObject = [:]
        if let fileID { object["fileId"] = .string(fileID) }
        object["fileName"] = .string(fileName)
        object["format"] = .string(layout.format.rawValue)
        if let mismatch = formatMismatch { object["formatMismatch"] = .string(mismatch) }
        if let encoding = layout.encoding { object["encoding"] = .string(encoding.rawValue) }
        if let dialect = layout.dialect {
            object["dialect"] = [
                "delimiter": .string(String(UnicodeScalar(dialect.delimiter))),
                "quote": dialect.quote.map { .string(String(UnicodeScalar($0))) } ?? .null,
                "escape": dialect.escape.map { .string(String(UnicodeScalar($0))) } ?? .null,
            ]
        }
        if let header = layout.header { object["header"] = .bool(header) }
        if let sheet = layout.sheet { object["sheet"] = .string(sheet) }
        if !layout.sheets.isEmpty { object["sheets"] = .array(layout.sheets.map { .string($0) }) }
        object["columns"] = .array(columns.map { column in
            var entry: JSONObject = ["name": .string(column.name), "type": .string(column.type.description), "nullable": .bool(column.nullable),
                                     "sampleValues": .array(column.sampleValues.map { .string($0) })]
            if let format = column.dateFormat { entry["dateFormat"] = .string(format.description) }
            if column.thousandsSeparator { entry["thousandsSeparator"] = true }
            entry["warnings"] = .array(column.warnings.map { .string($0) })
            return .object(entry)
        })
        object["previewRows"] = .array(previewRows.map { row in
            .object(JSONObject(distinctKeys: columns.map(\.name), values: columns.indices.map { index in
                index < row.count ? (row[index].text.map { .string($0) } ?? .null) : .null
            }))
        })
        object["totalRows"] = .int(Int64(totalRows))
        object["totalRowsExact"] = .bool(totalRowsExact)
        object["sampledRows"] = .int(Int64(sampledRows))
        object["inferredTypes"] = .object(JSONObject(distinctKeys: columns.map(\.name), values: columns.map { .string($0.type.description) }))
        return .object(object)
    }
}

/// Infers a reader's columns from its first rows.
enum FileInference {
    struct Result {
        var columns: [InferredColumn]
        var firstRows: [[FileCell]]
        var sampledRows: Int
        /// The sample reached the file's end.
        var exhausted: Bool
    }

    static func infer(_ reader: any TabularReader, nullValues: Set<String>, columnTypes: [String: ColumnType],
                      dateFormats: [String: DateFormat] = [:], sampleRows: Int, keepRows: Int) throws(FileImportError) -> Result {
        let names = reader.columnNames
        let unknown = Set(columnTypes.keys).subtracting(names)
        if !unknown.isEmpty {
            throw FileImportError("types are given for columns the file does not have: \(unknown.sorted().joined(separator: ", ")) (it has \(names.joined(separator: ", ")))")
        }
        var inferences = [ColumnInference](repeating: ColumnInference(), count: names.count)
        let temporal = reader.stringsMayBeTemporal
        var firstRows: [[FileCell]] = []
        var sampled = 0
        var exhausted = true
        while sampled < sampleRows {
            guard let row = try reader.nextRow() else { break }
            sampled += 1
            if firstRows.count < keepRows { firstRows.append(row) }
            for index in 0..<min(row.count, names.count) {
                inferences[index].observe(row[index], nullValues: nullValues, temporalStrings: temporal)
            }
        }
        if sampled == sampleRows {
            exhausted = false
            // The head decides most; rows from further in catch a column that changes later.
            let spread = try reader.spreadSample(points: 4, rowsPerPoint: max(1, sampleRows / 16))
            for row in spread {
                for index in 0..<min(row.count, names.count) { inferences[index].observe(row[index], nullValues: nullValues) }
            }
            sampled += spread.count
        }
        let declared = reader.declaredTypes
        let columns = names.enumerated().map { index, name -> InferredColumn in
            var column = inferences[index].result(name: name)
            if let declared { column.type = declared[index]; column.warnings = [] }
            if let chosen = columnTypes[name] {
                if chosen != column.type { column.dateFormat = nil }
                column.type = chosen
                column.warnings = []
            }
            if let format = dateFormats[name] { column.dateFormat = format }
            return column
        }
        return Result(columns: columns, firstRows: firstRows, sampledRows: sampled, exhausted: exhausted)
    }
}

/// Counts a file's data rows: recorded ones taken as they are, csv and json lines by a byte scan
/// (quote-aware for csv), others by reading on; past a budget, estimated from the bytes read.
enum RowCount {
    /// How long a count may scan before it becomes an estimate, so that a preview answers in
    /// about half a second whatever the file's size.
    static let scanBudget = Duration.milliseconds(250)

    static func count(path: String, reader: any TabularReader, sampled: Int, exhausted: Bool) throws(FileImportError) -> (Int, Bool) {
        if let recorded = reader.recordedRowCount { return (recorded, true) }
        if exhausted { return (sampled, true) }
        let layout = reader.layout
        if layout.format == .csv, let dialect = layout.dialect, layout.encoding != .utf16LittleEndian, layout.encoding != .utf16BigEndian {
            return try countLines(path: path, quote: dialect.quote, escape: dialect.escape, header: layout.header == true)
        }
        if layout.format == .jsonl { return try countLines(path: path, quote: nil, escape: nil, header: false) }
        // Read on for a moment, then estimate: from what the file states, else from the bytes read.
        let clock = ContinuousClock()
        let started = clock.now
        var rows = sampled
        while clock.now - started < .milliseconds(150) {
            guard try reader.nextRow() != nil else { return (rows, true) }
            rows += 1
        }
        if let stated = reader.estimatedRowCount, stated >= rows { return (stated, false) }
        let file = try FileBytes(path: path)
        let read = max(reader.bytesRead, 1)
        return (Int(Double(rows) * Double(file.size) / Double(read)), false)
    }

    /// Non-empty lines, where a line end inside quotes does not count.
    static func countLines(path: String, quote: UInt8?, escape: UInt8?, header: Bool) throws(FileImportError) -> (Int, Bool) {
        let file = try FileBytes(path: path)
        let quoteByte = quote ?? 0
        let quotes = quote != nil
        let backslash = escape != nil && escape != quote ? escape! : 0
        var inQuotes = false
        var lineHasBytes = false
        var lines = 0
        var scanned = 0
        var skipNext = false
        let clock = ContinuousClock()
        let started = clock.now
        while clock.now - started < scanBudget {
            let chunk = try file.readNext(8 << 20)
            if chunk.isEmpty { break }
            scanned += chunk.count
            chunk.withUnsafeBufferPointer { bytes in
                for byte in bytes {
                    if skipNext { skipNext = false; continue }
                    if inQuotes {
                        if byte == quoteByte { inQuotes = false } else if byte == backslash, backslash != 0 { skipNext = true }
                        continue
                    }
                    if byte == 10 {
                        if lineHasBytes { lines += 1 }
                        lineHasBytes = false
                    } else if byte != 13 {
                        lineHasBytes = true
                        if quotes, byte == quoteByte { inQuotes = true }
                    }
                }
            }
        }
        if lineHasBytes { lines += 1 }
        let rows = max(0, lines - (header ? 1 : 0))
        if scanned >= file.size { return (rows, true) }
        return (Int(Double(rows) * Double(file.size) / Double(max(scanned, 1))), false)
    }
}
