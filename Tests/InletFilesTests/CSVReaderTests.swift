import Foundation
@testable import InletFiles
import InletJSON
import Testing

@Suite("CSV reader")
struct CSVReaderTests {
    private func file(_ bytes: [UInt8], name: String = "f.csv") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func rows(_ reader: CSVReader) throws -> [[String?]] {
        var rows: [[String?]] = []
        while let row = try reader.nextRow() { rows.append(row.map(\.text)) }
        return rows
    }

    @Test func dialectsAreDetected() throws {
        for (delimiter, quote) in [(";", "\""), ("\t", "\""), ("|", "'"), (",", "\"")] {
            let text = "a\(delimiter)b\(delimiter)c\n1\(delimiter)\(quote)x\(delimiter)y\(quote)\(delimiter)3\n4\(delimiter)z\(delimiter)6\n"
            let reader = try CSVReader(path: try file(Array(text.utf8)))
            #expect(reader.layout.dialect?.delimiter == UInt8(ascii: Unicode.Scalar(delimiter)!), "\(delimiter)")
            #expect(reader.columnNames == ["a", "b", "c"])
            #expect(try rows(reader) == [["1", "x\(delimiter)y", "3"], ["4", "z", "6"]])
        }
    }

    @Test func quotedNewlinesDoubledQuotesAndLineEnds() throws {
        let text = "id,note\r\n1,\"two\r\nlines\"\r\n2,\"say \"\"hi\"\"\"\r3,\n"
        let reader = try CSVReader(path: try file(Array(text.utf8)))
        #expect(try rows(reader) == [["1", "two\r\nlines"], ["2", "say \"hi\""], ["3", nil]])
    }

    @Test func headerIsDetectedByTypeDeviation() throws {
        let withHeader = try CSVReader(path: try file(Array("id,amount\n1,2.5\n2,3.5\n".utf8)))
        #expect(withHeader.layout.header == true)
        let without = try CSVReader(path: try file(Array("1,2.5\n2,3.5\n".utf8)))
        #expect(without.layout.header == false)
        #expect(without.columnNames == ["column_1", "column_2"])
        #expect(try rows(without).count == 2)
    }

    @Test func encodingsComeFromTheBOMOrTheBytes() throws {
        let utf8BOM = try CSVReader(path: try file([0xEF, 0xBB, 0xBF] + Array("name\ncafé\n".utf8)))
        #expect(utf8BOM.layout.encoding == .utf8)
        #expect(utf8BOM.columnNames == ["name"])
        #expect(try rows(utf8BOM) == [["café"]])

        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "name\nMüller 😀\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let little = try CSVReader(path: try file(utf16))
        #expect(little.layout.encoding == .utf16LittleEndian)
        #expect(try rows(little) == [["Müller 😀"]])

        let latin = try CSVReader(path: try file(Array("name\nM".utf8) + [0xFC] + Array("ller \u{80}\n".utf8).dropLast(3) + [0x80, 0x0A]))
        #expect(latin.layout.encoding == .windows1252)
        #expect(try rows(latin) == [["Müller €"]])
    }

    @Test func raggedRowsAreAnErrorNamingTheLineOrPadded() throws {
        let path = try file(Array("a,b,c\n1,2,3\n4,5\n".utf8))
        #expect(throws: FileImportError.self) { try rows(try CSVReader(path: path)) }
        do {
            _ = try rows(try CSVReader(path: path))
        } catch {
            #expect("\(error)".contains("line 3"))
        }
        var options = FileReadOptions()
        options.raggedRows = .pad
        #expect(try rows(try CSVReader(path: path, options: options)) == [["1", "2", "3"], ["4", "5", nil]])
        #expect(throws: FileImportError.self) { try rows(try CSVReader(path: try file(Array("a,b\n1,2,3\n".utf8)), options: options)) }
    }

    @Test func anUnclosedQuoteAndInvalidUTF8LaterAreErrorsNotGuesses() throws {
        #expect(throws: FileImportError.self) { try rows(try CSVReader(path: try file(Array("a,b\n1,\"open\n2,3\n".utf8)))) }
        // Valid UTF-8 at the start, then a byte that is not: an error with its offset, never a replacement.
        let start = Array(("a\n" + String(repeating: "x\n", count: 40_000)).utf8)
        let path = try file(start + [0xFF, 0x0A])
        #expect(throws: FileImportError.self) { try rows(try CSVReader(path: path)) }
    }

    @Test func rowCountIsQuoteAware() throws {
        let path = try file(Array("a,b\n1,\"x\ny\"\n2,z\n\n3,w".utf8))
        let preview = try FilePreview.make(path: path, sampleRows: 1)
        #expect(preview.totalRows == 3)
        #expect(preview.totalRowsExact)
    }

    @Test func formatsAreDetectedByContentAndMismatchesReported() throws {
        let html = try file(Array("<html><table><tr><td>1</td></tr></table></html>".utf8), name: "export.xls")
        #expect(throws: FileImportError.self) { try TabularFile.open(path: html) }
        let lines = try file(Array("{\"a\": 1}\n{\"a\": 2}\n".utf8), name: "data.json")
        let detected = try DetectedFormat.detect(path: lines)
        #expect(detected.format == .jsonl)
        #expect(detected.mismatch != nil)
    }

    @Test func jsonDocumentsAndLinesRead() throws {
        let document = try file(Array(#"{"meta": {"n": 2}, "data": [{"id": 1, "tags": ["a"]}, {"id": 2, "name": "x"}]}"#.utf8), name: "d.json")
        let reader = try JSONRowsReader(path: document, lines: false)
        #expect(reader.columnNames == ["id", "tags", "name"])
        #expect(try reader.nextRow() == [.int(1), .json(["a"]), .null])
        #expect(try reader.nextRow() == [.int(2), .null, .string("x")])
        #expect(try reader.nextRow() == nil)
        let broken = try file(Array("{\"id\": 1}\n{\"id\": \n".utf8), name: "b.jsonl")
        #expect(throws: FileImportError.self) {
            let lines = try JSONRowsReader(path: broken, lines: true)
            while try lines.nextRow() != nil {}
        }
    }
}

@Suite("Spreadsheet dates and XML")
struct SpreadsheetTests {
    @Test(arguments: [
        ("yyyy-mm-dd", SpreadsheetDates.Kind.date), ("dd/mm/yyyy hh:mm", .dateTime), ("[$-409]d-mmm-yy;@", .date),
        ("h:mm:ss AM/PM", .time), ("[h]:mm", .time), ("#,##0.00", nil), ("0.00%", nil), ("\"day\" 0", nil), ("[Red]0.00;[Blue]-0.00", nil), ("General", nil), ("@", nil),
    ])
    func customFormats(code: String, kind: SpreadsheetDates.Kind?) {
        #expect(SpreadsheetDates.customKind(code) == kind, "\(code)")
    }

    @Test func serialsInBothDateSystems() {
        let day: Int64 = 86_400_000_000
        #expect(SpreadsheetDates.microseconds(serial: 25_569, date1904: false) == 0)
        #expect(SpreadsheetDates.microseconds(serial: 61, date1904: false) == Int64(CivilDate.days(year: 1900, month: 3, day: 1)!) * day)
        #expect(SpreadsheetDates.microseconds(serial: 59, date1904: false) == Int64(CivilDate.days(year: 1900, month: 2, day: 28)!) * day)
        #expect(SpreadsheetDates.microseconds(serial: 60, date1904: false) == nil)
        #expect(SpreadsheetDates.microseconds(serial: 0, date1904: true) == Int64(CivilDate.days(year: 1904, month: 1, day: 1)!) * day)
        #expect(SpreadsheetDates.microseconds(serial: 45_000.5, date1904: false) == Int64(CivilDate.days(year: 2023, month: 3, day: 15)!) * day + day / 2)
    }

    @Test func excelEscapesAndEntities() {
        #expect(XMLScanner.unescapedExcel("a_x000D_b_x005F_x") == "a\rb_x")
        let text = Array("x &amp; &lt;y&gt; &#233;&#x1F600;".utf8)
        text.withUnsafeBufferPointer { bytes in
            #expect(XMLScanner.decoded(bytes, 0..<bytes.count) == "x & <y> é😀")
        }
        #expect(SheetRowParser.columnIndex("AB12") == 27)
        #expect(SheetRowParser.columnName(28) == "AB")
    }

    @Test func rkNumbers() {
        #expect(BIFFWorkbook.rk(UInt32(bitPattern: Int32(123 << 2)) | 2) == 123)
        #expect(BIFFWorkbook.rk(UInt32(bitPattern: Int32(12345 << 2)) | 3) == 123.45)
        let bits = Double(2.5).bitPattern >> 32
        #expect(BIFFWorkbook.rk(UInt32(bits) & 0xFFFF_FFFC) == 2.5)
    }

    @Test func biffStringsContinueWithAFreshFlagsByte() throws {
        // "héllo wörld": 4 compressed characters, then the record ends; the CONTINUE switches to
        // 16-bit characters for the rest.
        let first: [UInt8] = [11, 0, 0x00] + Array("héll".unicodeScalars.map { UInt8($0.value) })
        var second: [UInt8] = [0x01]
        for unit in "o wörld".utf16 { second += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        var reader = BIFFStringReader(segments: [first[...], second[...]])
        #expect(try reader.string(lengthBytes: 2) == "héllo wörld")
        #expect(reader.atEnd)
    }
}

@Suite("Samples and chosen formats")
struct SampleTests {
    private func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-sample-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func theSampleReachesPastTheFilesHead() throws {
        // 50,000 rows of 50 bytes (past the 2 MiB a spread sample needs); decimals from row 25,001,
        // past the 20,480-row head.
        let padding = String(repeating: "x", count: 36)
        var text = "id,value,padding\n"
        text.reserveCapacity(2_600_000)
        for row in 1...50_000 { text += row <= 25_000 ? "\(row),\(row),\(padding)\n" : "\(row),\(row).5,\(padding)\n" }
        let path = try file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let preview = try FilePreview.make(path: path)
        #expect(preview.columns[1].type == .decimal(precision: 18, scale: 1), "\(preview.columns[1])")
        #expect(preview.sampledRows > FilePreview.defaultSampleRows)
        #expect(preview.totalRows == 50_000 && preview.totalRowsExact)
    }

    @Test func aChosenDateFormatSettlesAnAmbiguousColumn() throws {
        let path = try file("day\n01/02/2024\n03/04/2024\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try FilePreview.make(path: path).columns[0].type == .string)
        let choice = try ColumnType.choice(parsing: "date(%d/%m/%Y)")
        #expect(choice.type == .date && choice.dateFormat?.description == "%d/%m/%Y")
        let preview = try FilePreview.make(path: path, columnTypes: ["day": choice.type], dateFormats: ["day": choice.dateFormat!])
        #expect(preview.columns[0].type == .date && preview.columns[0].dateFormat?.description == "%d/%m/%Y")
        #expect(ColumnPlan(preview.columns[0]).value(of: .text("03/04/2024"), nullValues: []) == .string("2024-04-03"))
        #expect(throws: FileImportError.self) { try ColumnType.choice(parsing: "DATE(%Y.%d.%m)") }
        var settings = FileImportSettings(path: path, stream: "s")
        settings.columnTypes = ["day": .date]
        settings.dateFormats = ["day": choice.dateFormat!]
        let reread = try FileImportSettings(config: settings.config)
        #expect(reread.dateFormats["day"] == choice.dateFormat && reread.columnTypes["day"] == .date)
    }
}
