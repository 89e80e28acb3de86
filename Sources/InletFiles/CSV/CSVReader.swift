/// Reads a delimited text file: its encoding, dialect and header detected (or given), its rows
/// streamed through a buffer of a few MiB, whatever the file's size.
public final class CSVReader: TabularReader {
    public let columnNames: [String]
    public var declaredTypes: [ColumnType]? { nil }
    public let layout: FileLayout
    public var recordedRowCount: Int? { nil }
    public var bytesRead: Int { file.offset }

    private let file: FileBytes
    private let scanner: CSVRowScanner
    private var transcoder: UTF8Transcoder
    private let raggedRows: RaggedRows
    private let maximumRowBytes: Int
    private var buffer: [UInt8]
    private var position: Int
    private var line: Int
    private var endOfFile = false
    private var fields: [FileCell] = []
    private var rows = 0

    static let chunkSize = 4 << 20
    /// How much of the file's start the dialect and header are detected from.
    static let sniffBytes = 1 << 20

    public init(path: String, options: FileReadOptions = FileReadOptions()) throws(FileImportError) {
        file = try FileBytes(path: path)
        let start = try file.read(at: 0, count: Self.sniffBytes)
        let detected = TextEncoding.detect(Array(start.prefix(64 << 10)))
        let encoding = options.encoding ?? detected.encoding
        let bomLength = options.encoding == nil || options.encoding == detected.encoding ? detected.bomLength : 0
        transcoder = UTF8Transcoder(encoding: encoding, bomLength: bomLength)
        file.seek(to: bomLength)
        raggedRows = options.raggedRows
        maximumRowBytes = options.maximumRowBytes
        buffer = []
        position = 0
        line = 1

        // The sample: the first MiB as UTF-8.
        let sampleRaw = try file.read(at: bomLength, count: Self.sniffBytes)
        var sampleTranscoder = UTF8Transcoder(encoding: encoding, bomLength: bomLength)
        let wholeFile = bomLength + sampleRaw.count >= file.size
        let sample = try sampleTranscoder.transcode(sampleRaw, final: wholeFile)

        let dialect: CSVDialect
        if let delimiter = options.delimiter {
            var chosen = CSVDialect(delimiter: delimiter)
            if let quote = options.quote { chosen.quote = quote; chosen.escape = quote }
            dialect = chosen
        } else {
            dialect = CSVSniffer.dialect(of: sample, complete: wholeFile, quote: options.quote)
        }
        scanner = CSVRowScanner(dialect: dialect)
        let sampleRows = CSVSniffer.rows(of: sample, complete: wholeFile, dialect: dialect, limit: 200)
        let header = options.header ?? CSVSniffer.hasHeader(sampleRows)
        let width = sampleRows.first?.count ?? 1
        layout = FileLayout(format: .csv, encoding: encoding, dialect: dialect, header: header)
        if header, let first = sampleRows.first {
            columnNames = ColumnNames.distinct(first.map { $0.text ?? "" })
        } else {
            columnNames = ColumnNames.numbered(width)
        }
        if header { _ = try readRow(counting: false) }
    }

    public func nextRow() throws(FileImportError) -> [FileCell]? {
        try readRow(counting: true)
    }

    private func readRow(counting: Bool) throws(FileImportError) -> [FileCell]? {
        while true {
            if position == buffer.count {
                if endOfFile { return nil }
                try refill()
                continue
            }
            let rowLine = line
            let outcome = try buffer.withUnsafeBufferPointer { bytes throws(FileImportError) in
                try scanner.scan(bytes, from: position, atEnd: endOfFile, line: rowLine, into: &fields)
            }
            switch outcome {
            case .incomplete:
                if buffer.count - position > maximumRowBytes {
                    throw FileImportError("line \(line): a row longer than \(maximumRowBytes >> 20) MiB (an unclosed quote, or not a delimited text file?)")
                }
                try refill()
            case .row(let next, let lines):
                let blank = fields.count == 1 && fields[0] == .null && next - position <= 2
                position = next
                line += lines
                if blank, columnNames.count > 1 { continue }
                if !counting { return fields }
                rows += 1
                if fields.count != columnNames.count { try fitRagged(line: rowLine) }
                return fields
            }
        }
    }

    /// Rows from `points` places spread over the file (20 %, 40 %, … of its bytes), for inference.
    /// A place starts at a line end; it is taken when the rows from there have the header's field
    /// count, else the next line end is tried (a line end inside a quoted field would misalign them).
    public func spreadSample(points: Int, rowsPerPoint: Int) throws(FileImportError) -> [[FileCell]] {
        guard points > 0, file.size > Self.sniffBytes * 2 else { return [] }
        let encoding = layout.encoding ?? .utf8
        var sampled: [[FileCell]] = []
        for point in 1...points {
            var offset = file.size * point / (points + 1)
            if encoding == .utf16LittleEndian || encoding == .utf16BigEndian { offset -= (offset - transcoder.bomLength) % 2 }
            var raw = try file.read(at: offset, count: 1 << 20)
            if encoding == .utf8 { raw = Array(raw.drop { $0 & 0xC0 == 0x80 }) }
            var decoder = UTF8Transcoder(encoding: encoding, bomLength: 0)
            guard let text = try? decoder.transcode(raw, final: false) else { continue }
            sampled += text.withUnsafeBufferPointer { bytes in rows(in: bytes, limit: rowsPerPoint) }
        }
        return sampled
    }

    /// Up to `limit` rows after the first line end in `bytes` whose rows all have the header's width.
    private func rows(in bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> [[FileCell]] {
        var candidate = 0
        for _ in 0..<50 {
            guard let newline = bytes[candidate...].firstIndex(of: 10) else { return [] }
            candidate = newline + 1
            var position = candidate
            var found: [[FileCell]] = []
            var cells: [FileCell] = []
            while found.count < limit, position < bytes.count {
                guard case .row(let next, _)? = try? scanner.scan(bytes, from: position, atEnd: false, line: 0, into: &cells) else { break }
                position = next
                if cells.count == 1, cells[0] == .null { continue }
                guard cells.count == columnNames.count else { found = []; break }
                found.append(cells)
            }
            if found.count >= min(limit, 8) { return found }
        }
        return []
    }

    private func fitRagged(line rowLine: Int) throws(FileImportError) {
        let expected = columnNames.count
        if fields.count > expected {
            throw FileImportError("line \(rowLine): \(fields.count) fields, but the header has \(expected) (a delimiter inside an unquoted value?)")
        }
        guard raggedRows == .pad else {
            throw FileImportError("line \(rowLine): \(fields.count) field\(fields.count == 1 ? "" : "s"), but the header has \(expected)"
                                  + " (to fill missing fields with nulls, read ragged rows with 'pad')")
        }
        fields += Array(repeating: .null, count: expected - fields.count)
    }

    private func refill() throws(FileImportError) {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let raw = try file.readNext(Self.chunkSize)
        endOfFile = raw.isEmpty || file.offset >= file.size
        buffer += try transcoder.transcode(raw, final: endOfFile)
    }
}
