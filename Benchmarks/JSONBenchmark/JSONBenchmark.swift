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
