/// The formats Inlet imports.
public enum FileFormat: String, Sendable, CaseIterable, Codable {
    case csv, xlsx, xls, parquet, json, jsonl, avro

    /// A format by its name or a file's extension (`tsv` and `txt` read as csv, `ndjson` as jsonl).
    public init?(name: String) {
        switch name.lowercased() {
        case "csv", "tsv", "txt", "tab": self = .csv
        case "xlsx", "xlsm": self = .xlsx
        case "xls": self = .xls
        case "parquet", "pq": self = .parquet
        case "json": self = .json
        case "jsonl", "ndjson", "jsonlines": self = .jsonl
        case "avro": self = .avro
        default: return nil
        }
    }
}

/// A file's format, from its content first and its name second. A content that contradicts the
/// name is reported (a `.xls` that is really HTML, a `.csv` that is a zip).
public struct DetectedFormat: Sendable, Equatable {
    public var format: FileFormat
    /// Why the name's format was not taken, when it differs.
    public var mismatch: String?

    public static func detect(path: String, given: FileFormat? = nil) throws(FileImportError) -> DetectedFormat {
        let file = try FileBytes(path: path)
        let head = try file.read(at: 0, count: 4096)
        let named = FileFormat(name: (path as NSString).pathExtension)
        if let given { return DetectedFormat(format: given, mismatch: nil) }
        guard let sniffed = try sniff(head, file: file) else {
            if let named { return DetectedFormat(format: named, mismatch: nil) }
            throw FileImportError("\(path): cannot tell its format from its content or name (say which: csv, xlsx, xls, parquet, json, jsonl or avro)")
        }
        let mismatch: String? = named.flatMap { named in
            named == sniffed.format ? nil : "named .\((path as NSString).pathExtension) but its content is \(sniffed.description)"
        }
        return DetectedFormat(format: sniffed.format, mismatch: mismatch)
    }

    private struct Sniffed {
        var format: FileFormat
        var description: String
    }

    private static func sniff(_ head: [UInt8], file: FileBytes) throws(FileImportError) -> Sniffed? {
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return Sniffed(format: .xlsx, description: "a zip archive (read as a workbook)")
        }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Sniffed(format: .xls, description: "an OLE2 compound file (an Excel 97–2003 workbook)")
        }
        if head.starts(with: Array("PAR1".utf8)) { return Sniffed(format: .parquet, description: "Parquet") }
        if head.starts(with: [0x4F, 0x62, 0x6A, 0x01]) { return Sniffed(format: .avro, description: "an Avro object container") }
        // Text: skip a byte-order mark and white space, then look at the first character.
        var start = 0
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < head.count, [9, 10, 13, 32].contains(head[start]) { start += 1 }
        guard start < head.count else { return nil }
        let lowered = String(decoding: head[start...].prefix(64), as: UTF8.self).lowercased()
        if lowered.hasPrefix("<!doctype html") || lowered.hasPrefix("<html") || lowered.hasPrefix("<table") {
            return Sniffed(format: .csv, description: "HTML, which Inlet does not import (save the sheet as xlsx or csv)")
        }
        if lowered.hasPrefix("<?xml") || lowered.hasPrefix("<") {
            return Sniffed(format: .csv, description: "XML (an Excel 2003 XML spreadsheet?), which Inlet does not import (save it as xlsx or csv)")
        }
        if head[start] == UInt8(ascii: "[") { return Sniffed(format: .json, description: "a JSON array") }
        if head[start] == UInt8(ascii: "{") {
            // One object per line is JSON lines; one object over many lines is a JSON document.
            let firstLine = head[start...].prefix { $0 != 10 }
            if case .object? = try? JSONParser.parse(Array(firstLine)) { return Sniffed(format: .jsonl, description: "JSON lines") }
            return Sniffed(format: .json, description: "a JSON document")
        }
        return Sniffed(format: .csv, description: "delimited text")
    }
}

import Foundation
import InletJSON
