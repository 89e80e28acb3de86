import Foundation
import InletJSON

/// Parses and writes every line of a JSON-lines file with Inlet's JSON core and prints records per second.
/// `Benchmarks/json.sh` runs this beside orjson on the same file and prints the ratio.
@main
struct JSONBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            print("usage: JSONBenchmark RECORDS.jsonl [ROUNDS]")
            return
        }
        let rounds = arguments.count >= 3 ? Int(arguments[2]) ?? 3 : 3
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[1])))
        let lines = lineRanges(of: bytes)

        var values: [JSONValue] = []
        values.reserveCapacity(lines.count)
        var bestParse = Double.infinity
        try bytes.withUnsafeBytes { buffer in
            for _ in 0..<rounds {
                values.removeAll(keepingCapacity: true)
                let started = ContinuousClock.now
                for line in lines {
                    values.append(try JSONParser.parse(UnsafeRawBufferPointer(rebasing: buffer[line])))
                }
                bestParse = min(bestParse, seconds(since: started))
            }
        }

        var bestWrite = Double.infinity
        var writtenBytes = 0
        for _ in 0..<rounds {
            var writer = JSONWriter(capacity: 1 << 20)
            writtenBytes = 0
            let started = ContinuousClock.now
            for value in values {
                writer.write(value)
                writer.writeRaw(UInt8(ascii: "\n"))
                if writer.count > 1 << 20 {
                    writtenBytes += writer.count
                    writer.reset()
                }
            }
            writtenBytes += writer.count
            bestWrite = min(bestWrite, seconds(since: started))
        }

        let count = Double(lines.count)
        print("records: \(lines.count), average bytes: \(bytes.count / max(lines.count, 1)), written bytes: \(writtenBytes)")
        print("inlet parse records/s: \(Int(count / bestParse))")
        print("inlet write records/s: \(Int(count / bestWrite))")
        // Responses as a paginated API sends them: pages of 1000 records, compact and spaced out.
        for (label, spaced) in [("compact", false), ("spaced like Python's json.dumps", true)] {
            let pages = pageDocuments(spaced ? spacedOut(bytes) : bytes, lines: spaced ? lineRanges(of: spacedOut(bytes)) : lines,
                                      separator: spaced ? ", " : ",")
            var best = Double.infinity
            for _ in 0..<rounds {
                let started = ContinuousClock.now
                var found = 0
                for page in pages {
                    found += SplitJSONDocument(splitting: page, atPath: ["data"], dropsTopLevelNulls: true)?.records.count ?? 0
                }
                precondition(found == lines.count, "every record splits")
                best = min(best, seconds(since: started))
            }
            print("inlet split (\(label) pages) records/s: \(Int(count / best))")
        }
    }

    /// JSON text with a space after every `:` and `,` between tokens, as Python's `json.dumps` writes.
    static func spacedOut(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count * 11 / 10)
        var inString = false
        var escaped = false
        for byte in bytes {
            result.append(byte)
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: ":") || byte == UInt8(ascii: ",") {
                result.append(UInt8(ascii: " "))
            }
        }
        return result
    }

    /// The records as `{"data": [...], "next": "…"}` pages of 1000, as an API would send them.
    static func pageDocuments(_ bytes: [UInt8], lines: [Range<Int>], separator: String) -> [[UInt8]] {
        stride(from: 0, to: lines.count, by: 1000).map { first in
            var page = Array("{\"data\":[".utf8)
            for (offset, line) in lines[first..<min(first + 1000, lines.count)].enumerated() {
                if offset > 0 { page.append(contentsOf: separator.utf8) }
                page.append(contentsOf: bytes[line])
            }
            page.append(contentsOf: "],\"next\":\"\(first + 1000)\"}".utf8)
            return page
        }
    }

    static func lineRanges(of bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var lineStart = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            if index > lineStart { ranges.append(lineStart..<index) }
            lineStart = index + 1
        }
        if lineStart < bytes.count { ranges.append(lineStart..<bytes.count) }
        return ranges
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
