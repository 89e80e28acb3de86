/// Splits UTF-8 bytes into rows of fields in one dialect: quoted fields (newlines and delimiters
/// inside, quotes doubled or escaped), `\n`, `\r\n` or `\r` line ends. It never reads past the bytes
/// it is given: a row cut by their end is `incomplete`, to be scanned again with more bytes.
struct CSVRowScanner {
    enum Outcome {
        /// A row; the scan goes on at `next`, `lines` line ends later.
        case row(next: Int, lines: Int)
        /// The bytes end inside the row.
        case incomplete
    }

    let dialect: CSVDialect

    /// Scans the row at `start`, putting its fields in `fields` (replacing what was there). Empty
    /// fields are nulls. `atEnd`: no bytes follow these, so a row without a line end is complete.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, atEnd: Bool, line: Int,
              into fields: inout [FileCell]) throws(FileImportError) -> Outcome {
        fields.removeAll(keepingCapacity: true)
        let delimiter = dialect.delimiter
        let quote = dialect.quote ?? 0
        let quotes = dialect.quote != nil
        let escape = dialect.escape ?? 0
        let count = bytes.count
        var position = start
        var lines = 0
        var unescaped: [UInt8] = []
        while true {
            // One field.
            if quotes, position < count, bytes[position] == quote {
                position += 1
                unescaped.removeAll(keepingCapacity: true)
                var segmentStart = position
                while true {
                    guard position < count else {
                        if atEnd { throw FileImportError("line \(line): a quoted field is never closed (it starts on line \(line) and runs to the end of the file)") }
                        return .incomplete
                    }
                    let byte = bytes[position]
                    if byte == quote {
                        if escape == quote, position + 1 < count, bytes[position + 1] == quote {
                            unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart...position]))
                            position += 2
                            segmentStart = position
                            continue
                        }
                        if escape == quote, position + 1 == count, !atEnd { return .incomplete }
                        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<position]))
                        position += 1
                        break
                    }
                    if byte == escape, escape != quote, dialect.escape != nil {
                        guard position + 1 < count else {
                            if atEnd { throw FileImportError("line \(line + lines): the file ends after an escape character") }
                            return .incomplete
                        }
                        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<position]))
                        unescaped.append(bytes[position + 1])
                        position += 2
                        segmentStart = position
                        continue
                    }
                    if byte == 10 { lines += 1 } else if byte == 13, position + 1 < count, bytes[position + 1] != 10 { lines += 1 }
                    position += 1
                }
                fields.append(unescaped.isEmpty ? .null : .text(String(decoding: unescaped, as: UTF8.self)))
                guard position < count else {
                    if atEnd { return .row(next: position, lines: lines) }
                    return .incomplete
                }
                let after = bytes[position]
                if after == delimiter {
                    position += 1
                    continue
                }
                if after == 10 || after == 13 { return lineEnd(bytes, at: position, atEnd: atEnd, lines: lines) }
                throw FileImportError("line \(line + lines): a closing quote is followed by '\(String(UnicodeScalar(after)))', "
                                      + "not the delimiter or a line end (a quote inside a quoted field is written twice)")
            }
            // An unquoted field runs to the delimiter or the line end.
            let fieldStart = position
            while position < count {
                let byte = bytes[position]
                if byte == delimiter || byte == 10 || byte == 13 { break }
                position += 1
            }
            guard position < count || atEnd else { return .incomplete }
            fields.append(position == fieldStart ? .null : .text(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<position]), as: UTF8.self)))
            if position == count { return .row(next: position, lines: lines) }
            if bytes[position] == delimiter {
                position += 1
                if position == count, atEnd {
                    fields.append(.null)
                    return .row(next: position, lines: lines)
                }
                continue
            }
            return lineEnd(bytes, at: position, atEnd: atEnd, lines: lines)
        }
    }

    private func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, atEnd: Bool, lines: Int) -> Outcome {
        if bytes[position] == 13 {
            if position + 1 < bytes.count { return .row(next: bytes[position + 1] == 10 ? position + 2 : position + 1, lines: lines + 1) }
            return atEnd ? .row(next: position + 1, lines: lines + 1) : .incomplete
        }
        return .row(next: position + 1, lines: lines + 1)
    }
}
