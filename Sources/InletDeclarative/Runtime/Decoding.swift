import InletHTTP
import InletJSON

/// Turns a response body into the documents extractors read, as the CDK's decoders do: a JSON body
/// that is a list gives each element as a document; a body that does not parse gives `{}`.
struct DecoderRuntime: Sendable {
    private enum Kind: Sendable {
        case json
        case jsonLines
        case csv(delimiter: Character)
        case xml
    }

    private let kind: Kind

    private init(kind: Kind) {
        self.kind = kind
    }

    init(_ component: (any ManifestComponent)?) throws(DeclarativeError) {
        switch component {
        case nil, is JsonDecoder: self.init(kind: .json)
        case is JsonlDecoder: self.init(kind: .jsonLines)
        case let csv as CsvDecoder:
            var delimiter = csv.delimiter
            if delimiter == "\\t" { delimiter = "\t" }
            self.init(kind: .csv(delimiter: delimiter.first ?? ","))
        case let gzip as GzipDecoder:
            // Bodies sent with `Content-Encoding: gzip` arrive decompressed; the inner format decides.
            try self.init(gzip.decoder)
        case is XmlDecoder:
            self.init(kind: .xml)
        case let custom as CustomComponent:
            throw DeclarativeError.config(custom.reason)
        default:
            throw DeclarativeError.config("This decoder is not supported by Inlet yet.")
        }
    }

    /// Plain JSON (the default decoder).
    var isJSON: Bool {
        if case .json = kind { return true }
        return false
    }

    func decode(_ body: [UInt8]) -> [JSONValue] {
        switch kind {
        case .json:
            guard let value = try? JSONParser.parse(body, options: .pythonCompatible) else { return [.object([:])] }
            if case .array(let elements) = value { return elements.isEmpty ? [.object([:])] : elements }
            return [value]
        case .jsonLines:
            var documents: [JSONValue] = []
            for line in body.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                if let value = try? JSONParser.parse(line, options: .pythonCompatible) { documents.append(value) }
            }
            return documents
        case .csv(let delimiter):
            return CSVRows.parse(String(decoding: body, as: UTF8.self), delimiter: delimiter).map(JSONValue.object)
        case .xml:
            // A body that is not XML gives `{}`, as the CDK's decoder yields after its warning.
            return [XMLDocuments.parse(body) ?? .object([:])]
        }
    }
}

/// CSV with a header row, as Python's `csv.DictReader` reads it: quoted fields, doubled quotes,
/// newlines inside quotes.
enum CSVRows {
    static func parse(_ text: String, delimiter: Character) -> [JSONObject] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = iterator.next()
        while let character = pending {
            pending = iterator.next()
            if inQuotes {
                if character == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: inQuotes = true
            case delimiter:
                row.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                row.append(field)
                field = ""
                rows.append(row)
                row = []
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().filter { !($0.count == 1 && $0[0].isEmpty) }.map { values in
            var object = JSONObject()
            for (index, name) in header.enumerated() {
                object[name] = index < values.count ? .string(values[index]) : .null
            }
            return object
        }
    }
}
