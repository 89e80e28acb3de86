import ArgumentParser
import InletFiles
import InletSetup

/// How a file is read: the options `inlet import` and `inlet preview` share. What is not given is
/// detected from the file.
struct FileReadingOptions: ParsableArguments {
    @Argument(help: "The file: csv (or tsv, txt), xlsx, xls, parquet, json, jsonl or avro.")
    var file: String

    @Option(name: .long, help: "csv, xlsx, xls, parquet, json, jsonl or avro; default: detected from the content, then the name.")
    var format: String?

    @Option(name: .long, help: "A workbook's sheet, by name or position from 1; default: the first.")
    var sheet: String?

    @Option(name: .long, help: "csv: the delimiter (one character, or tab); default: detected.")
    var delimiter: String?

    @Option(name: .long, help: "csv: utf-8, utf-16le, utf-16be or windows-1252; default: from the byte-order mark, else UTF-8 when valid, else Windows-1252.")
    var encoding: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "csv: whether the first row names the columns; default: detected.")
    var header: Bool?

    @Option(name: .customLong("ragged-rows"), help: "csv rows with fewer fields than the header: error (default) or pad (fill with nulls).")
    var raggedRows = "error"

    @Option(name: .customLong("null-values"), help: "Texts read as null, comma-separated (e.g. NA,N/A,NULL); the empty text always is.")
    var nullValues: String?

    @Option(name: .customLong("type"), parsing: .singleValue, help: "A column's type instead of the inferred one: COLUMN=TYPE, e.g. amount=DECIMAL(10,2), or a date's format, ordered_on='DATE(%d/%m/%Y)' (repeatable).")
    var types: [String] = []

    @Option(name: .customLong("on-bad-value"), help: "A value that does not fit its column's type: fail (default; names row, column and value) or null (written as null, named in ingestion_changes).")
    var onBadValue = "fail"

    /// The settings these options make, for a stream (table) named `stream`.
    func settings(stream: String?) throws(CLIError) -> FileImportSettings {
        var settings = FileImportSettings(path: file, stream: stream ?? FileImportSettings.streamName(forPath: file))
        do throws(FileImportError) {
            if let format {
                guard let parsed = FileFormat(name: format) else {
                    throw FileImportError("--format \(format): expected one of \(FileFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                settings.read.format = parsed
            }
            settings.read.sheet = sheet
            if let delimiter { settings.read.delimiter = try CSVDialect.delimiter(named: delimiter) }
            if let encoding { settings.read.encoding = try TextEncoding(name: encoding) }
            settings.read.header = header
            guard let ragged = RaggedRows(rawValue: raggedRows) else { throw FileImportError("--ragged-rows \(raggedRows): expected error or pad") }
            settings.read.raggedRows = ragged
            if let nullValues { settings.nullValues = Set(nullValues.split(separator: ",").map(String.init)) }
            guard let policy = FileImportSettings.BadValuePolicy(rawValue: onBadValue) else {
                throw FileImportError("--on-bad-value \(onBadValue): expected fail or null")
            }
            settings.onBadValue = policy
            for assignment in types {
                guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                    throw FileImportError("--type \(assignment): expected COLUMN=TYPE, e.g. amount=DECIMAL(10,2)")
                }
                let column = String(assignment[..<equals])
                let choice = try ColumnType.choice(parsing: String(assignment[assignment.index(after: equals)...]))
                settings.columnTypes[column] = choice.type
                if let format = choice.dateFormat { settings.dateFormats[column] = format }
            }
        } catch {
            throw CLIError(error.description)
        }
        return settings
    }
}
