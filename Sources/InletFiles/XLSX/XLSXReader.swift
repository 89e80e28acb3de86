/// Reads a sheet of an xlsx workbook: its name from workbook.xml and its part from the workbook's
/// relationships, shared strings (rich runs joined, phonetic runs left out, `_xHHHH_` decoded), cell
/// types (numbers, booleans, errors, inline and formula strings, cached formula values) and dates
/// from number formats in either date system. The sheet's XML is scanned as it inflates, a row at a
/// time.
public final class XLSXReader: TabularReader {
    public private(set) var columnNames: [String] = []
    public var declaredTypes: [ColumnType]? { nil }
    public private(set) var layout: FileLayout
    public var recordedRowCount: Int? { nil }
    /// The sheet's `<dimension>` says how far its rows go (blank rows in it are not data rows).
    public var estimatedRowCount: Int? { sheet.dimensionLastRow.map { max(0, $0 - (layout.header == true ? 1 : 0)) } }
    public var bytesRead: Int { sheet.compressedBytesRead }

    private let sheet: SheetRowParser
    private var buffered: [[FileCell]] = []
    private var width = 0

    public init(path: String, sheet requested: String?) throws(FileImportError) {
        let archive = try ZipArchive(path: path)
        let workbook = try WorkbookParts(archive: archive)
        let (name, part) = try workbook.sheet(requested)
        sheet = try SheetRowParser(reader: try archive.reader(for: part), entry: archive.entries[part]!, sharedStrings: workbook.sharedStrings,
                                   dateKinds: workbook.dateKinds, date1904: workbook.date1904)
        layout = FileLayout(format: .xlsx, sheet: name)
        layout.sheets = workbook.sheets.map(\.name)

        // The first rows decide the header and the width.
        while buffered.count < 200, let row = try sheet.nextRow() { buffered.append(row) }
        width = max(sheet.dimensionWidth ?? 0, buffered.map(\.count).max() ?? 0)
        let padded = buffered.map { $0 + Array(repeating: FileCell.null, count: width - $0.count) }
        let header = CSVSniffer.hasHeader(padded)
        layout.header = header
        if header, let first = padded.first {
            columnNames = ColumnNames.distinct(first.map { $0.text ?? "" })
            buffered.removeFirst()
        } else {
            columnNames = ColumnNames.numbered(width)
        }
        buffered.reverse()
    }

    public func nextRow() throws(FileImportError) -> [FileCell]? {
        let next: [FileCell]?
        if let buffer = buffered.popLast() { next = buffer } else { next = try sheet.nextRow() }
        guard var row = next else { return nil }
        if row.count > width {
            guard row[width...].allSatisfy({ $0 == .null }) else {
                throw FileImportError("sheet row \(sheet.lastRowNumber) has a value in column \(SheetRowParser.columnName(width + 1)), "
                                      + "past the \(width) columns of the sheet's first rows")
            }
            row.removeLast(row.count - width)
        }
        if row.count < width { row += Array(repeating: .null, count: width - row.count) }
        return row
    }
}

/// The workbook's parts a sheet's cells need: sheet names and parts, shared strings, which styles
/// show dates, and the date system.
struct WorkbookParts {
    struct Sheet { var name: String; var part: String }

    var sheets: [Sheet] = []
    var sharedStrings: [String] = []
    /// Per cell style (`s`), whether its number format shows a date, a date and time, or a time.
    var dateKinds: [SpreadsheetDates.Kind?] = []
    var date1904 = false

    init(archive: ZipArchive) throws(FileImportError) {
        let workbookPart = try Self.officeDocument(archive)
        let directory = workbookPart.split(separator: "/").dropLast().joined(separator: "/")
        let relationships = try Self.relationships(archive, of: workbookPart)
        try Self.scan(try archive.contents(of: workbookPart)) { bytes, token in
            guard case .open(let name, let attributes, _) = token else { return }
            if XMLScanner.name(bytes, name, is: "sheet") {
                let title = XMLScanner.attribute(bytes, attributes, "name") ?? ""
                guard let id = XMLScanner.attribute(bytes, attributes, "id"), let target = relationships[id] else { return }
                sheets.append(Sheet(name: title, part: Self.resolve(target, in: directory)))
            } else if XMLScanner.name(bytes, name, is: "workbookPr") {
                let value = XMLScanner.attribute(bytes, attributes, "date1904")
                date1904 = value == "1" || value == "true"
            }
        }
        guard !sheets.isEmpty else { throw FileImportError("the workbook has no sheets") }
        if let stringsPart = relationships.values.map({ Self.resolve($0, in: directory) }).first(where: { $0.hasSuffix("sharedStrings.xml") }),
           archive.contains(stringsPart) {
            sharedStrings = try Self.sharedStrings(try archive.contents(of: stringsPart, maximumBytes: 2 << 30))
        }
        if let stylesPart = relationships.values.map({ Self.resolve($0, in: directory) }).first(where: { $0.hasSuffix("styles.xml") }),
           archive.contains(stylesPart) {
            dateKinds = try Self.dateKinds(try archive.contents(of: stylesPart))
        }
    }

    /// A sheet by name, or by position from 1; the first when none is asked for.
    func sheet(_ requested: String?) throws(FileImportError) -> (String, String) {
        guard let requested else { return (sheets[0].name, sheets[0].part) }
        if let named = sheets.first(where: { $0.name == requested }) { return (named.name, named.part) }
        if let position = Int(requested), (1...sheets.count).contains(position) { return (sheets[position - 1].name, sheets[position - 1].part) }
        throw FileImportError("the workbook has no sheet '\(requested)' (its sheets: \(sheets.map(\.name).joined(separator: ", ")))")
    }

    private static func officeDocument(_ archive: ZipArchive) throws(FileImportError) -> String {
        if archive.contains("_rels/.rels") {
            var found: String?
            try scan(try archive.contents(of: "_rels/.rels")) { bytes, token in
                guard found == nil, case .open(let name, let attributes, _) = token, XMLScanner.name(bytes, name, is: "Relationship"),
                      let type = XMLScanner.attribute(bytes, attributes, "Type"), type.hasSuffix("/officeDocument"),
                      let target = XMLScanner.attribute(bytes, attributes, "Target") else { return }
                found = resolve(target, in: "")
            }
            if let found, archive.contains(found) { return found }
        }
        guard archive.contains("xl/workbook.xml") else {
            throw FileImportError("the zip archive holds no workbook (xl/workbook.xml): not an xlsx file")
        }
        return "xl/workbook.xml"
    }

    private static func relationships(_ archive: ZipArchive, of part: String) throws(FileImportError) -> [String: String] {
        var components = part.split(separator: "/").map(String.init)
        let file = components.removeLast()
        let relsPart = (components + ["_rels", file + ".rels"]).joined(separator: "/")
        guard archive.contains(relsPart) else { return [:] }
        var relationships: [String: String] = [:]
        try scan(try archive.contents(of: relsPart)) { bytes, token in
            guard case .open(let name, let attributes, _) = token, XMLScanner.name(bytes, name, is: "Relationship"),
                  let id = XMLScanner.attribute(bytes, attributes, "Id"), let target = XMLScanner.attribute(bytes, attributes, "Target") else { return }
            relationships[id] = target
        }
        return relationships
    }

    /// A relationship's target as a member name: absolute (`/xl/…`) or relative to the part's folder.
    static func resolve(_ target: String, in directory: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = directory.isEmpty ? [] : directory.split(separator: "/").map(String.init)
        for component in target.split(separator: "/") {
            if component == ".." { if !parts.isEmpty { parts.removeLast() } } else if component != "." { parts.append(String(component)) }
        }
        return parts.joined(separator: "/")
    }

    private static func sharedStrings(_ xml: [UInt8]) throws(FileImportError) -> [String] {
        var strings: [String] = []
        var current = ""
        var inItem = false
        var inText = false
        var phoneticDepth = 0
        try scan(xml) { bytes, token in
            switch token {
            case .open(let name, _, let selfClosing):
                if XMLScanner.name(bytes, name, is: "si") {
                    inItem = !selfClosing
                    current = ""
                    if selfClosing { strings.append("") }
                } else if XMLScanner.name(bytes, name, is: "rPh") {
                    if !selfClosing { phoneticDepth += 1 }
                } else if XMLScanner.name(bytes, name, is: "t"), inItem, phoneticDepth == 0 {
                    inText = !selfClosing
                }
            case .close(let name):
                if XMLScanner.name(bytes, name, is: "si") {
                    strings.append(XMLScanner.unescapedExcel(current))
                    inItem = false
                } else if XMLScanner.name(bytes, name, is: "rPh") {
                    phoneticDepth -= 1
                } else if XMLScanner.name(bytes, name, is: "t") {
                    inText = false
                }
            case .text(let range, let raw):
                if inText { current += raw ? String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) : XMLScanner.decoded(bytes, range) }
            }
        }
        return strings
    }

    private static func dateKinds(_ xml: [UInt8]) throws(FileImportError) -> [SpreadsheetDates.Kind?] {
        var customFormats: [Int: String] = [:]
        var kinds: [SpreadsheetDates.Kind?] = []
        var inCellFormats = false
        try scan(xml) { bytes, token in
            switch token {
            case .open(let name, let attributes, let selfClosing):
                if XMLScanner.name(bytes, name, is: "numFmt"), let id = XMLScanner.attribute(bytes, attributes, "numFmtId").flatMap({ Int($0) }) {
                    customFormats[id] = XMLScanner.attribute(bytes, attributes, "formatCode") ?? ""
                } else if XMLScanner.name(bytes, name, is: "cellXfs") {
                    inCellFormats = !selfClosing
                } else if inCellFormats, XMLScanner.name(bytes, name, is: "xf") {
                    let id = XMLScanner.attribute(bytes, attributes, "numFmtId").flatMap { Int($0) } ?? 0
                    kinds.append(customFormats[id].map { SpreadsheetDates.customKind($0) } ?? SpreadsheetDates.builtInKind(id))
                }
            case .close(let name):
                if XMLScanner.name(bytes, name, is: "cellXfs") { inCellFormats = false }
            case .text: break
            }
        }
        return kinds
    }

    /// Every token of a whole part.
    static func scan(_ xml: [UInt8], _ visit: (UnsafeBufferPointer<UInt8>, XMLScanner.Token) throws(FileImportError) -> Void) throws(FileImportError) {
        try xml.withUnsafeBufferPointer { bytes throws(FileImportError) in
            var position = 0
            while true {
                switch try XMLScanner.next(bytes, from: position, atEnd: true) {
                case .token(let token, let next):
                    try visit(bytes, token)
                    position = next
                case .incomplete, .end:
                    return
                }
            }
        }
    }
}
