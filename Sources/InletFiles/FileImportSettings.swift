public import InletJSON

/// How a file is read and checked, as the file source's config holds it (the CLI's flags and the
/// service's schema request both become one).
public struct FileImportSettings: Sendable, Equatable {
    public enum BadValuePolicy: String, Sendable, CaseIterable {
        /// Stop the import, naming the row, column and value.
        case fail
        /// Write null, and name the change in the record's `ingestion_changes`.
        case null
    }

    public var path: String
    /// The stream's (and by default the table's) name.
    public var stream: String
    public var read = FileReadOptions()
    public var nullValues: Set<String> = []
    public var onBadValue: BadValuePolicy = .fail
    public var columnTypes: [String: ColumnType] = [:]
    /// How chosen DATE/TIMESTAMP columns' text reads, where the choice said (`DATE(%d/%m/%Y)`).
    public var dateFormats: [String: DateFormat] = [:]

    public init(path: String, stream: String) {
        self.path = path
        self.stream = stream
    }

    /// The settings a config object holds; errors name the member.
    public init(config: JSONObject) throws(FileImportError) {
        guard case .string(let path)? = config["path"], !path.isEmpty else { throw FileImportError("config.path: the file to import is required") }
        self.path = path
        stream = config["stream"]?.stringValue ?? Self.streamName(forPath: path)
        if let format = config["format"]?.stringValue {
            guard let parsed = FileFormat(name: format) else {
                throw FileImportError("config.format: '\(format)' is not one of \(FileFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            read.format = parsed
        }
        read.sheet = config["sheet"].flatMap { $0.stringValue ?? $0.intValue.map { String($0) } }
        if let delimiter = config["delimiter"]?.stringValue { read.delimiter = try CSVDialect.delimiter(named: delimiter) }
        if let encoding = config["encoding"]?.stringValue { read.encoding = try TextEncoding(name: encoding) }
        if let header = config["header"] {
            guard case .bool(let flag) = header else { throw FileImportError("config.header: expected true or false") }
            read.header = flag
        }
        if let ragged = config["ragged_rows"]?.stringValue {
            guard let policy = RaggedRows(rawValue: ragged) else { throw FileImportError("config.ragged_rows: expected error or pad, not '\(ragged)'") }
            read.raggedRows = policy
        }
        if let nulls = config["null_values"] {
            guard case .array(let items) = nulls, items.allSatisfy({ $0.stringValue != nil }) else {
                throw FileImportError("config.null_values: expected a list of strings")
            }
            nullValues = Set(items.compactMap(\.stringValue))
        }
        if let policy = config["on_bad_value"]?.stringValue {
            guard let parsed = BadValuePolicy(rawValue: policy) else { throw FileImportError("config.on_bad_value: expected fail or null, not '\(policy)'") }
            onBadValue = parsed
        }
        if let types = config["column_types"] {
            guard case .object(let object) = types else { throw FileImportError("config.column_types: expected an object of column: type") }
            for (column, type) in object {
                guard let text = type.stringValue else { throw FileImportError("config.column_types.\(column): expected a type name") }
                do {
                    let choice = try ColumnType.choice(parsing: text)
                    columnTypes[column] = choice.type
                    if let format = choice.dateFormat { dateFormats[column] = format }
                } catch {
                    throw FileImportError("config.column_types.\(column): \(error.description)")
                }
            }
        }
    }

    /// The settings as a config object (the inverse of `init(config:)`).
    public var config: JSONObject {
        var object: JSONObject = ["path": .string(path), "stream": .string(stream)]
        if let format = read.format { object["format"] = .string(format.rawValue) }
        if let sheet = read.sheet { object["sheet"] = .string(sheet) }
        if let delimiter = read.delimiter { object["delimiter"] = .string(String(UnicodeScalar(delimiter))) }
        if let encoding = read.encoding { object["encoding"] = .string(encoding.rawValue) }
        if let header = read.header { object["header"] = .bool(header) }
        if read.raggedRows != .error { object["ragged_rows"] = .string(read.raggedRows.rawValue) }
        if !nullValues.isEmpty { object["null_values"] = .array(nullValues.sorted().map { .string($0) }) }
        if onBadValue != .fail { object["on_bad_value"] = .string(onBadValue.rawValue) }
        if !columnTypes.isEmpty {
            object["column_types"] = .object(JSONObject(columnTypes.sorted { $0.key < $1.key }.map { column, type in
                (column, .string(type.description + (dateFormats[column].map { "(\($0))" } ?? "")))
            }))
        }
        return object
    }

    /// A stream name from a file name: `Sales Q3.xlsx` → `sales_q3`.
    public static func streamName(forPath path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let base = file.contains(".") ? String(file[..<file.lastIndex(of: ".")!]) : file
        var name = ""
        for character in base.lowercased() {
            if character.isLetter || character.isNumber { name.append(character) } else if !name.hasSuffix("_") { name.append("_") }
        }
        name = String(name.drop { $0 == "_" })
        while name.hasSuffix("_") { name.removeLast() }
        return name.isEmpty ? "file" : name
    }

    /// The config's JSON schema, the file source's spec.
    public static let specification: JSONObject = [
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "File",
        "type": "object",
        "required": ["path"],
        "additionalProperties": false,
        "properties": [
            "path": ["type": "string", "title": "Path of the file to import"],
            "stream": ["type": "string", "title": "Stream (table) name; default: from the file name"],
            "format": ["type": "string", "enum": ["csv", "xlsx", "xls", "parquet", "json", "jsonl", "avro"], "title": "Format; default: detected from the content"],
            "sheet": ["type": "string", "title": "A workbook's sheet, by name or position from 1; default: the first"],
            "delimiter": ["type": "string", "title": "csv: the delimiter; default: detected"],
            "encoding": ["type": "string", "title": "csv: utf-8, utf-16le, utf-16be or windows-1252; default: detected"],
            "header": ["type": "boolean", "title": "csv: whether the first row names the columns; default: detected"],
            "ragged_rows": ["type": "string", "enum": ["error", "pad"], "title": "csv: rows with fewer fields than the header"],
            "null_values": ["type": "array", "items": ["type": "string"], "title": "Texts read as null (the empty text always is)"],
            "on_bad_value": ["type": "string", "enum": ["fail", "null"], "title": "A value that does not fit its column's type"],
            "column_types": ["type": "object", "additionalProperties": ["type": "string"], "title": "Types chosen per column, e.g. DECIMAL(10,2)"],
        ],
    ]
}
