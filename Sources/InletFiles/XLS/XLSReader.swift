/// Reads a sheet of an Excel 97–2003 workbook (BIFF8 in an OLE2 compound file): sheet names from
/// BOUNDSHEET8, the shared strings (SST with its CONTINUE records, where a string cut by a record
/// boundary starts again with a fresh flags byte), cells (LABELSST, LABEL, NUMBER, RK, MULRK,
/// BOOLERR, FORMULA with its STRING result), dates from XF/FORMAT records and DATEMODE. Encrypted
/// workbooks (FILEPASS) and BIFF5 files are refused with a message.
public final class XLSReader: TabularReader {
    public private(set) var columnNames: [String] = []
    public var declaredTypes: [ColumnType]? { nil }
    public private(set) var layout: FileLayout
    public var recordedRowCount: Int? { nil }
    public var bytesRead: Int { fileSize * nextRowIndex / max(rows.count, 1) }

    private var rows: [[FileCell]] = []
    private var nextRowIndex = 0
    private let fileSize: Int

    public init(path: String, sheet requested: String?) throws(FileImportError) {
        let file = try FileBytes(path: path)
        fileSize = file.size
        guard file.size <= 1 << 30 else { throw FileImportError("\(path): an xls workbook larger than 1 GiB") }
        let compound = try CompoundFile(bytes: try file.read(at: 0, count: file.size), path: path)
        guard let stream = try compound.stream(named: "Workbook") else {
            if try compound.stream(named: "Book") != nil {
                throw FileImportError("\(path) is an Excel 5.0/95 workbook (BIFF5), which is not read: save it as xlsx or as a newer xls")
            }
            throw FileImportError("\(path) holds no Workbook stream: not an Excel workbook")
        }
        let workbook = try BIFFWorkbook(stream: stream, path: path)
        let sheet: BIFFWorkbook.Sheet
        if let requested {
            if let named = workbook.sheets.first(where: { $0.name == requested }) {
                sheet = named
            } else if let position = Int(requested), (1...max(1, workbook.sheets.count)).contains(position), position <= workbook.sheets.count {
                sheet = workbook.sheets[position - 1]
            } else {
                throw FileImportError("the workbook has no sheet '\(requested)' (its sheets: \(workbook.sheets.map(\.name).joined(separator: ", ")))")
            }
        } else {
            guard let first = workbook.sheets.first else { throw FileImportError("\(path): the workbook has no worksheets") }
            sheet = first
        }
        layout = FileLayout(format: .xls, sheet: sheet.name)
        layout.sheets = workbook.sheets.map(\.name)
        rows = try workbook.rows(of: sheet)
        let width = rows.prefix(200).map(\.count).max() ?? 0
        let padded = rows.prefix(200).map { $0 + Array(repeating: FileCell.null, count: max(0, width - $0.count)) }
        let header = CSVSniffer.hasHeader(Array(padded))
        layout.header = header
        if header, let first = padded.first {
            columnNames = ColumnNames.distinct(first.map { $0.text ?? "" })
            nextRowIndex = 1
        } else {
            columnNames = ColumnNames.numbered(width)
        }
        let fullWidth = rows.map(\.count).max() ?? width
        if fullWidth > columnNames.count {
            throw FileImportError("sheet \(sheet.name) has values in column \(SheetRowParser.columnName(fullWidth)), past the \(columnNames.count) columns of its first rows")
        }
    }

    public func nextRow() throws(FileImportError) -> [FileCell]? {
        guard nextRowIndex < rows.count else { return nil }
        defer { nextRowIndex += 1 }
        let row = rows[nextRowIndex]
        return row.count < columnNames.count ? row + Array(repeating: .null, count: columnNames.count - row.count) : row
    }
}

/// A BIFF8 workbook stream: its globals (sheets, shared strings, formats, date system) and each
/// sheet's cells.
struct BIFFWorkbook {
    struct Sheet {
        var name: String
        var offset: Int
    }

    private let stream: [UInt8]
    private let path: String
    private(set) var sheets: [Sheet] = []
    private var sharedStrings: [String] = []
    private var formats: [Int: String] = [:]
    /// Per XF record, the format index it shows numbers with.
    private var cellFormats: [Int] = []
    private var date1904 = false

    init(stream: [UInt8], path: String) throws(FileImportError) {
        self.stream = stream
        self.path = path
        var records = BIFFRecords(stream: stream, offset: 0, path: path)
        guard let bof = try records.next(), bof.type == 0x0809, bof.data.count >= 2 else { throw FileImportError("\(path): the Workbook stream does not start with BOF") }
        let version = CompoundFile.uint16(bof.data, 0)
        guard version == 0x0600 else {
            throw FileImportError("\(path): BIFF version 0x\(String(version, radix: 16)) is not read (only BIFF8, Excel 97–2003)")
        }
        var sstSegments: [ArraySlice<UInt8>] = []
        var inSST = false
        while let record = try records.next() {
            if inSST, record.type != 0x003C { inSST = false }
            switch record.type {
            case 0x002F: throw FileImportError("\(path) is encrypted (password protected): remove the password in Excel, then import it")
            case 0x0022: date1904 = record.data.count >= 2 && CompoundFile.uint16(record.data, 0) == 1
            case 0x041E:
                guard record.data.count >= 5 else { continue }
                var reader = BIFFStringReader(segments: [record.data.dropFirst(2)])
                formats[Int(CompoundFile.uint16(record.data, 0))] = try reader.string(lengthBytes: 2)
            case 0x00E0:
                guard record.data.count >= 4 else { continue }
                cellFormats.append(Int(CompoundFile.uint16(record.data, 2)))
            case 0x0085:
                guard record.data.count >= 8 else { continue }
                let offset = Int(CompoundFile.uint32(record.data, 0))
                let kind = record.data[record.data.startIndex + 5]
                var reader = BIFFStringReader(segments: [record.data.dropFirst(6)])
                let name = try reader.string(lengthBytes: 1)
                if kind == 0 { sheets.append(Sheet(name: name, offset: offset)) }
            case 0x00FC:
                sstSegments = [record.data]
                inSST = true
            case 0x003C where inSST:
                sstSegments.append(record.data)
            case 0x000A:
                if !sstSegments.isEmpty { sharedStrings = try Self.sharedStrings(sstSegments, path: path) }
                return
            default: break
            }
        }
        if !sstSegments.isEmpty { sharedStrings = try Self.sharedStrings(sstSegments, path: path) }
    }

    private static func sharedStrings(_ segments: [ArraySlice<UInt8>], path: String) throws(FileImportError) -> [String] {
        guard let first = segments.first, first.count >= 8 else { return [] }
        let unique = Int(CompoundFile.uint32(first, 4))
        var reader = BIFFStringReader(segments: [first.dropFirst(8)] + segments.dropFirst())
        var strings: [String] = []
        strings.reserveCapacity(min(unique, 1 << 22))
        for index in 0..<unique {
            guard !reader.atEnd else { throw FileImportError("\(path): the shared string table ends after \(index) of \(unique) strings") }
            strings.append(try reader.string(lengthBytes: 2))
        }
        return strings
    }

    /// The sheet's rows in order, rows without values left out.
    func rows(of sheet: Sheet) throws(FileImportError) -> [[FileCell]] {
        guard sheet.offset < stream.count else { throw FileImportError("\(path): sheet \(sheet.name) starts past the end of the workbook") }
        var records = BIFFRecords(stream: stream, offset: sheet.offset, path: path)
        guard let bof = try records.next(), bof.type == 0x0809 else { throw FileImportError("\(path): sheet \(sheet.name) does not start with BOF") }
        var cells: [Int: [Int: FileCell]] = [:]
        var pendingFormula: (row: Int, column: Int)?
        func put(_ row: Int, _ column: Int, _ cell: FileCell) {
            cells[row, default: [:]][column] = cell
        }
        while let record = try records.next() {
            let data = record.data
            if record.type == 0x000A { break }
            if record.type == 0x0207, let formula = pendingFormula {
                var reader = BIFFStringReader(segments: [data] + record.continuations)
                let text = try reader.string(lengthBytes: 2)
                put(formula.row, formula.column, text.isEmpty ? .null : .string(text))
                pendingFormula = nil
                continue
            }
            pendingFormula = nil
            guard data.count >= 6 else { continue }
            let row = Int(CompoundFile.uint16(data, 0))
            let column = Int(CompoundFile.uint16(data, 2))
            let xf = Int(CompoundFile.uint16(data, 4))
            switch record.type {
            case 0x00FD where data.count >= 10:
                let index = Int(CompoundFile.uint32(data, 6))
                guard sharedStrings.indices.contains(index) else { throw FileImportError("\(path): cell \(SheetRowParser.columnName(column + 1))\(row + 1) names shared string \(index) of \(sharedStrings.count)") }
                put(row, column, sharedStrings[index].isEmpty ? .null : .string(sharedStrings[index]))
            case 0x0204:
                var reader = BIFFStringReader(segments: [data.dropFirst(6)] + record.continuations)
                let text = try reader.string(lengthBytes: 2)
                put(row, column, text.isEmpty ? .null : .string(text))
            case 0x0203 where data.count >= 14:
                put(row, column, number(Self.double(data, 6), xf: xf))
            case 0x027E where data.count >= 10:
                put(row, column, number(Self.rk(CompoundFile.uint32(data, 6)), xf: xf))
            case 0x00BD:
                // MULRK: row, first column, (xf, rk) pairs, last column.
                var offset = 4
                var current = column
                while offset + 6 <= data.count - 2 {
                    let cellXF = Int(CompoundFile.uint16(data, offset))
                    put(row, current, number(Self.rk(CompoundFile.uint32(data, offset + 2)), xf: cellXF))
                    offset += 6
                    current += 1
                }
            case 0x0205 where data.count >= 8:
                let value = data[data.startIndex + 6]
                put(row, column, data[data.startIndex + 7] == 0 ? .bool(value != 0) : .string(Self.errorText(value)))
            case 0x0006 where data.count >= 14:
                if CompoundFile.uint16(data, 12) == 0xFFFF {
                    switch data[data.startIndex + 6] {
                    case 0: pendingFormula = (row, column)
                    case 1: put(row, column, .bool(data[data.startIndex + 8] != 0))
                    case 2: put(row, column, .string(Self.errorText(data[data.startIndex + 8])))
                    default: break
                    }
                } else {
                    put(row, column, number(Self.double(data, 6), xf: xf))
                }
            default: break
            }
        }
        return cells.keys.sorted().compactMap { index in
            guard let row = cells[index], row.values.contains(where: { $0 != .null }), let last = row.keys.max() else { return nil }
            var values = [FileCell](repeating: .null, count: last + 1)
            for (column, cell) in row { values[column] = cell }
            return values
        }
    }

    /// A number as its cell's format shows it: a date, a date and time, a time, or a number.
    private func number(_ value: Double, xf: Int) -> FileCell {
        let formatIndex = xf < cellFormats.count ? cellFormats[xf] : 0
        let kind = formats[formatIndex].map { SpreadsheetDates.customKind($0) } ?? SpreadsheetDates.builtInKind(formatIndex)
        if let kind {
            return SpreadsheetDates.cell(serial: value, kind: kind, date1904: date1904) ?? .string(FileCell.shortest(value))
        }
        if value == value.rounded(), abs(value) < 9.0e15 { return .int(Int64(value)) }
        return .double(value)
    }

    static func rk(_ value: UInt32) -> Double {
        let number: Double
        if value & 2 != 0 {
            number = Double(Int32(bitPattern: value) >> 2)
        } else {
            number = Double(bitPattern: UInt64(value & 0xFFFF_FFFC) << 32)
        }
        return value & 1 != 0 ? number / 100 : number
    }

    static func double(_ data: ArraySlice<UInt8>, _ offset: Int) -> Double {
        let low = UInt64(CompoundFile.uint32(data, offset))
        let high = UInt64(CompoundFile.uint32(data, offset + 4))
        return Double(bitPattern: high << 32 | low)
    }

    static func errorText(_ code: UInt8) -> String {
        switch code {
        case 0x00: return "#NULL!"
        case 0x07: return "#DIV/0!"
        case 0x0F: return "#VALUE!"
        case 0x17: return "#REF!"
        case 0x1D: return "#NAME?"
        case 0x24: return "#NUM!"
        case 0x2A: return "#N/A"
        default: return "#ERROR!"
        }
    }
}

/// The records of a BIFF stream from an offset: type, data, and the CONTINUE records after it.
struct BIFFRecords {
    struct Record {
        var type: UInt16
        var data: ArraySlice<UInt8>
        var continuations: [ArraySlice<UInt8>] = []
    }

    let stream: [UInt8]
    var offset: Int
    let path: String

    mutating func next() throws(FileImportError) -> Record? {
        guard let record = try raw() else { return nil }
        var full = record
        // Cell strings (LABEL, STRING) continue in CONTINUE records; the SST is gathered by its reader.
        if record.type == 0x0204 || record.type == 0x0207 {
            while offset + 4 <= stream.count, CompoundFile.uint16(stream, offset) == 0x003C, let more = try raw() {
                full.continuations.append(more.data)
            }
        }
        return full
    }

    private mutating func raw() throws(FileImportError) -> Record? {
        guard offset + 4 <= stream.count else { return nil }
        let type = CompoundFile.uint16(stream, offset)
        let length = Int(CompoundFile.uint16(stream, offset + 2))
        guard offset + 4 + length <= stream.count else { throw FileImportError("\(path): a BIFF record runs past the end of the workbook (truncated?)") }
        defer { offset += 4 + length }
        return Record(type: type, data: stream[(offset + 4)..<(offset + 4 + length)])
    }
}

/// Reads BIFF8 Unicode strings across record boundaries: when a string's characters reach the end
/// of a record, the next (CONTINUE) record starts with a fresh flags byte saying whether the rest
/// is compressed (one byte a character) or not; other fields continue without one.
struct BIFFStringReader {
    private var segments: [ArraySlice<UInt8>]
    private var segment = 0
    private var position: Int

    init(segments: [ArraySlice<UInt8>]) {
        self.segments = segments
        position = segments.first?.startIndex ?? 0
    }

    var atEnd: Bool {
        var index = segment
        var at = position
        while index < segments.count {
            if at < segments[index].endIndex { return false }
            index += 1
            at = index < segments.count ? segments[index].startIndex : 0
        }
        return true
    }

    private mutating func advanceIfNeeded() throws(FileImportError) {
        while segment < segments.count, position >= segments[segment].endIndex {
            segment += 1
            guard segment < segments.count else { break }
            position = segments[segment].startIndex
        }
        guard segment < segments.count else { throw FileImportError("a BIFF string runs past its records (corrupt workbook)") }
    }

    mutating func byte() throws(FileImportError) -> UInt8 {
        try advanceIfNeeded()
        defer { position += 1 }
        return segments[segment][position]
    }

    mutating func uint16() throws(FileImportError) -> UInt16 {
        UInt16(try byte()) | UInt16(try byte()) << 8
    }

    mutating func uint32() throws(FileImportError) -> UInt32 {
        UInt32(try uint16()) | UInt32(try uint16()) << 16
    }

    mutating func skip(_ count: Int) throws(FileImportError) {
        var left = count
        while left > 0 {
            try advanceIfNeeded()
            let step = min(left, segments[segment].endIndex - position)
            position += step
            left -= step
        }
    }

    /// An XLUnicodeString: a character count (`lengthBytes` wide), flags, optional rich-text and
    /// phonetic sizes, the characters, then the rich runs and phonetic data (skipped).
    mutating func string(lengthBytes: Int) throws(FileImportError) -> String {
        let count = lengthBytes == 1 ? Int(try byte()) : Int(try uint16())
        let flags = try byte()
        var highByte = flags & 0x01 != 0
        let runs = flags & 0x08 != 0 ? Int(try uint16()) : 0
        let phonetic = flags & 0x04 != 0 ? Int(try uint32()) : 0
        var units: [UInt16] = []
        units.reserveCapacity(count)
        while units.count < count {
            if segment < segments.count, position >= segments[segment].endIndex {
                // The characters go on in the next record, after a fresh flags byte.
                segment += 1
                guard segment < segments.count else { throw FileImportError("a BIFF string runs past its records (corrupt workbook)") }
                position = segments[segment].startIndex
                guard position < segments[segment].endIndex else { continue }
                highByte = segments[segment][position] & 0x01 != 0
                position += 1
                continue
            }
            guard segment < segments.count else { throw FileImportError("a BIFF string runs past its records (corrupt workbook)") }
            if highByte {
                guard position + 1 < segments[segment].endIndex else {
                    throw FileImportError("a BIFF string's character is cut by a record boundary (corrupt workbook)")
                }
                units.append(UInt16(segments[segment][position]) | UInt16(segments[segment][position + 1]) << 8)
                position += 2
            } else {
                units.append(UInt16(segments[segment][position]))
                position += 1
            }
        }
        try skip(4 * runs + phonetic)
        return String(decoding: units, as: UTF16.self)
    }
}
