/// Scans a worksheet's XML as it inflates and hands out its rows: each cell placed by its reference
/// (`C7` → column 3), typed by its `t` attribute and its style's number format. Rows with no values
/// are left out, as blank lines are in csv.
final class SheetRowParser {
    private let reader: ZipArchive.MemberReader
    private let entry: ZipArchive.Entry
    private let sharedStrings: [String]
    private let dateKinds: [SpreadsheetDates.Kind?]
    private let date1904: Bool
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfPart = false

    /// The columns the sheet's `<dimension>` names, when it names them.
    private(set) var dimensionWidth: Int?
    /// The last row the sheet's `<dimension>` names, when it names one.
    private(set) var dimensionLastRow: Int?
    private(set) var lastRowNumber = 0
    var compressedBytesRead: Int { min(entry.compressedSize, reader.inflated * max(entry.compressedSize, 1) / max(entry.uncompressedSize, 1)) }

    // The cell being read.
    private var row: [FileCell] = []
    private var inRow = false
    private var cellColumn = 0
    /// A cell's `t`: what its value is.
    private enum CellType { case number, sharedString, formulaString, inlineString, boolean, error, isoDate }
    private var cellType = CellType.number
    private var cellStyle = 0
    private var cellValue: [UInt8] = []
    private var cellHasValue = false
    private var collecting = false
    private var inInlineString = false
    private var phoneticDepth = 0

    init(reader: ZipArchive.MemberReader, entry: ZipArchive.Entry, sharedStrings: [String], dateKinds: [SpreadsheetDates.Kind?],
         date1904: Bool) throws(FileImportError) {
        self.reader = reader
        self.entry = entry
        self.sharedStrings = sharedStrings
        self.dateKinds = dateKinds
        self.date1904 = date1904
    }

    func nextRow() throws(FileImportError) -> [FileCell]? {
        while true {
            let outcome = try buffer.withUnsafeBufferPointer { bytes throws(FileImportError) in
                try XMLScanner.next(bytes, from: position, atEnd: endOfPart)
            }
            switch outcome {
            case .end:
                return nil
            case .incomplete:
                try refill()
            case .token(let token, let next):
                let finished = try buffer.withUnsafeBufferPointer { bytes throws(FileImportError) in try handle(token, in: bytes) }
                position = next
                if let finished { return finished }
            }
        }
    }

    private func refill() throws(FileImportError) {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        if let piece = try reader.next() {
            buffer += piece
        } else {
            endOfPart = true
        }
    }

    /// Handles one token; returns a row when it ends one that holds a value.
    private func handle(_ token: XMLScanner.Token, in bytes: UnsafeBufferPointer<UInt8>) throws(FileImportError) -> [FileCell]? {
        switch token {
        case .open(let name, let attributes, let selfClosing):
            if XMLScanner.name(bytes, name, is: "c") {
                cellColumn = XMLScanner.attributeRange(bytes, attributes, "r").flatMap { Self.columnIndex(bytes[$0]) } ?? row.count
                cellType = XMLScanner.attributeRange(bytes, attributes, "t").map { Self.cellType(bytes[$0]) } ?? .number
                cellStyle = XMLScanner.attributeRange(bytes, attributes, "s").flatMap { Self.integer(bytes[$0]) } ?? 0
                cellValue = []
                cellHasValue = false
                if selfClosing { try place(nil) }
            } else if XMLScanner.name(bytes, name, is: "v") {
                collecting = !selfClosing
                cellHasValue = true
            } else if XMLScanner.name(bytes, name, is: "is") {
                inInlineString = !selfClosing
                cellHasValue = true
            } else if XMLScanner.name(bytes, name, is: "t"), inInlineString, phoneticDepth == 0 {
                collecting = !selfClosing
            } else if XMLScanner.name(bytes, name, is: "rPh") {
                if !selfClosing { phoneticDepth += 1 }
            } else if XMLScanner.name(bytes, name, is: "row") {
                lastRowNumber = XMLScanner.attribute(bytes, attributes, "r").flatMap { Int($0) } ?? lastRowNumber + 1
                row = []
                inRow = !selfClosing
            } else if XMLScanner.name(bytes, name, is: "dimension"), let reference = XMLScanner.attribute(bytes, attributes, "ref") {
                dimensionWidth = reference.split(separator: ":").last.flatMap { Self.columnIndex(String($0)) }.map { $0 + 1 }
                dimensionLastRow = reference.split(separator: ":").last.flatMap { Int($0.drop { $0.isLetter }) }
            }
        case .close(let name):
            if XMLScanner.name(bytes, name, is: "c") {
                try place(cellHasValue ? cellValue : nil)
            } else if XMLScanner.name(bytes, name, is: "v") || XMLScanner.name(bytes, name, is: "t") {
                collecting = false
            } else if XMLScanner.name(bytes, name, is: "is") {
                inInlineString = false
            } else if XMLScanner.name(bytes, name, is: "rPh") {
                phoneticDepth -= 1
            } else if XMLScanner.name(bytes, name, is: "row") {
                inRow = false
                if row.contains(where: { $0 != .null }) { return row }
            }
        case .text(let range, let raw):
            if collecting {
                if raw || !bytes[range].contains(UInt8(ascii: "&")) {
                    cellValue += bytes[range]
                } else {
                    cellValue += Array(XMLScanner.decoded(bytes, range).utf8)
                }
            }
        }
        return nil
    }

    private func place(_ value: [UInt8]?) throws(FileImportError) {
        guard cellColumn < 16_384 else { throw FileImportError("sheet row \(lastRowNumber): a cell past column XFD") }
        let cell = try value.map { bytes throws(FileImportError) in try self.cell(bytes) } ?? .null
        if cellColumn >= row.count { row += Array(repeating: .null, count: cellColumn - row.count + 1) }
        row[cellColumn] = cell
    }

    private func cell(_ value: [UInt8]) throws(FileImportError) -> FileCell {
        let text = String(decoding: value, as: UTF8.self)
        switch cellType {
        case .sharedString:
            guard let index = Int(text), sharedStrings.indices.contains(index) else {
                throw FileImportError("cell \(Self.columnName(cellColumn + 1))\(lastRowNumber): shared string \(text) does not exist")
            }
            return sharedStrings[index].isEmpty ? .null : .string(sharedStrings[index])
        case .formulaString, .inlineString:
            let string = XMLScanner.unescapedExcel(text)
            return string.isEmpty ? .null : .string(string)
        case .boolean:
            return .bool(text == "1" || text == "true")
        case .error:
            return .string(text)
        case .isoDate:
            return text.withUTF8Bytes { bytes in
                if let parsed = TextValues.timestamp(bytes, format: .iso) { return .timestamp(parsed.microseconds, zoned: parsed.zoned) }
                if let days = TextValues.date(bytes, format: .iso) { return .date(days) }
                return .string(text)
            }
        case .number:
            guard !text.isEmpty else { return .null }
            let kind = cellStyle < dateKinds.count ? dateKinds[cellStyle] : nil
            if let kind, let serial = Double(text) {
                return SpreadsheetDates.cell(serial: serial, kind: kind, date1904: date1904) ?? .string(text)
            }
            if let integer = text.withUTF8Bytes({ TextValues.integer($0) }) { return .int(integer) }
            guard let number = Double(text) else {
                throw FileImportError("cell \(Self.columnName(cellColumn + 1))\(lastRowNumber): '\(text)' is not a number")
            }
            return .double(number)
        }
    }

    private static func cellType(_ value: Slice<UnsafeBufferPointer<UInt8>>) -> CellType {
        switch value.count {
        case 1:
            switch value.first {
            case UInt8(ascii: "s"): return .sharedString
            case UInt8(ascii: "b"): return .boolean
            case UInt8(ascii: "e"): return .error
            case UInt8(ascii: "d"): return .isoDate
            default: return .number
            }
        case 3 where value.elementsEqual("str".utf8): return .formulaString
        case 9 where value.elementsEqual("inlineStr".utf8): return .inlineString
        default: return .number
        }
    }

    private static func integer(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        guard !digits.isEmpty, digits.count < 10 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// `C7` → 2 (from 0).
    static func columnIndex(_ reference: String) -> Int? {
        columnIndex(reference.utf8)
    }

    static func columnIndex(_ reference: some Sequence<UInt8>) -> Int? {
        var index = 0
        var letters = 0
        for byte in reference {
            guard byte >= 65, byte <= 90 else { break }
            index = index * 26 + Int(byte - 64)
            letters += 1
        }
        return letters > 0 && letters <= 3 ? index - 1 : nil
    }

    /// 1 → `A`, 28 → `AB`.
    static func columnName(_ number: Int) -> String {
        var number = number
        var name = ""
        while number > 0 {
            let remainder = (number - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            number = (number - 1) / 26
        }
        return name
    }
}
