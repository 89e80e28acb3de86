/// Detects a delimited file's dialect and header from its first rows, as separate passes (as
/// DuckDB's sniffer does), but never coerces: what it cannot tell, it leaves to the user.
enum CSVSniffer {
    /// The dialect under which the sample's rows are most consistent: the most rows sharing one
    /// field count above one, then the most fields. A dialect that cannot scan the sample loses.
    static func dialect(of sample: [UInt8], complete: Bool, quote: UInt8?? = nil) -> CSVDialect {
        let quotes: [UInt8?] = quote.map { [$0] } ?? [UInt8(ascii: "\""), UInt8(ascii: "'")]
        var best: (dialect: CSVDialect, consistent: Int, width: Int)?
        for quote in quotes {
            for delimiter in CSVDialect.delimiters {
                var candidates = [CSVDialect(delimiter: delimiter, quote: quote, escape: quote)]
                if quote != nil { candidates.append(CSVDialect(delimiter: delimiter, quote: quote, escape: UInt8(ascii: "\\"))) }
                for candidate in candidates {
                    guard let rows = try? scan(sample, complete: complete, dialect: candidate, limit: 200), !rows.isEmpty else { continue }
                    var counts: [Int: Int] = [:]
                    for row in rows { counts[row.count, default: 0] += 1 }
                    guard let (width, consistent) = counts.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }), width > 1 else { continue }
                    if let current = best, (current.consistent, current.width) >= (consistent, width) { continue }
                    best = (candidate, consistent, width)
                    // Backslash escapes only when doubled quotes cannot scan the sample.
                    break
                }
            }
        }
        guard var chosen = best?.dialect else { return CSVDialect() }
        // Double quotes that do not scan (one never closed) are the file's quotes all the same: the
        // read then stops at that line, rather than taking the quotes as text under another dialect.
        if quote == nil, chosen.quote != UInt8(ascii: "\""), sample.contains(UInt8(ascii: "\"")) {
            chosen = CSVDialect(delimiter: chosen.delimiter)
        }
        return chosen
    }

    /// Up to `limit` rows of the sample (blank lines skipped); fewer when the sample does not scan.
    static func rows(of sample: [UInt8], complete: Bool, dialect: CSVDialect, limit: Int) -> [[FileCell]] {
        var rows: [[FileCell]] = []
        _ = try? scan(sample, complete: complete, dialect: dialect, limit: limit, into: &rows)
        return rows
    }

    private static func scan(_ sample: [UInt8], complete: Bool, dialect: CSVDialect, limit: Int) throws(FileImportError) -> [[FileCell]] {
        var rows: [[FileCell]] = []
        try scan(sample, complete: complete, dialect: dialect, limit: limit, into: &rows)
        return rows
    }

    private static func scan(_ sample: [UInt8], complete: Bool, dialect: CSVDialect, limit: Int,
                             into rows: inout [[FileCell]]) throws(FileImportError) {
        let scanner = CSVRowScanner(dialect: dialect)
        var fields: [FileCell] = []
        var position = 0
        try sample.withUnsafeBufferPointer { bytes throws(FileImportError) in
            while position < bytes.count, rows.count < limit {
                switch try scanner.scan(bytes, from: position, atEnd: complete, line: 1, into: &fields) {
                case .incomplete: return
                case .row(let next, _):
                    let blank = fields.count == 1 && fields[0] == .null && next - position <= 2
                    position = next
                    if !blank { rows.append(fields) }
                }
            }
        }
    }

    /// Whether the first row names the columns: its values are all present and distinct, and where
    /// the rows below have a type other than STRING, the first row's value does not fit it (a header
    /// `amount` above numbers); where every column is text, the first row must not look like data.
    static func hasHeader(_ rows: [[FileCell]]) -> Bool {
        guard let first = rows.first else { return false }
        let names = first.compactMap(\.text)
        guard names.count == first.count, Set(names).count == names.count else { return false }
        let body = rows.dropFirst()
        var typedColumns = 0
        for (index, name) in names.enumerated() {
            var inference = ColumnInference()
            for row in body where index < row.count { inference.observe(row[index], nullValues: []) }
            let inferred = inference.result(name: name)
            guard inferred.type != .string, inference.nonNull > 0 else { continue }
            typedColumns += 1
            if ColumnPlan(inferred).value(of: .text(name), nullValues: []) == nil { return true }
        }
        if typedColumns > 0 { return false }
        // All text: a first row of numbers or dates is data; anything else is taken as names.
        return !names.contains { name in
            var inference = ColumnInference()
            inference.observe(.text(name), nullValues: [])
            return inference.result(name: "").type != .string
        }
    }
}
