import Foundation
import InletIceberg
import InletParquet

/// Appends ROWS generated API-like rows (15 columns: 4 long, 5 string, 2 timestamptz, 3 double, and a
/// nested object: a struct of two strings, a long and a list of strings) to a new table in a fresh SQLite catalog, streaming, and prints rows/s.
/// `Benchmarks/iceberg.sh` runs it beside pyiceberg appending the same rows from Python dicts.
/// With a third argument BATCHES, appends the rows as that many commits (the kill test uses this).
/// With a fourth, MERGE, then upserts MERGE rows on `id` — half updates of the newest ids, half new
/// ids — and prints the merge's rows/s (`Benchmarks/iceberg.sh` compares it with pyiceberg's upsert).
@main
struct IcebergBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            print("usage: IcebergBenchmark DIRECTORY [ROWS] [BATCHES] [MERGE] [cow|deletes]")
            return
        }
        let directory = arguments[1]
        let count = arguments.count >= 3 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
        let batches = arguments.count >= 4 ? max(Int(arguments[3]) ?? 1, 1) : 1
        let merged = arguments.count >= 5 ? Int(arguments[4]) ?? 0 : 0
        let removal: RowRemoval = arguments.count >= 6 && arguments[5] == "deletes" ? .positionDeletes : .copyOnWrite
        let schema = IcebergSchema(fields: [
            IcebergField(id: 1, name: "id", type: .long, isRequired: true),
            IcebergField(id: 2, name: "account_id", type: .long),
            IcebergField(id: 3, name: "quantity", type: .long),
            IcebergField(id: 4, name: "version", type: .long),
            IcebergField(id: 5, name: "name", type: .string),
            IcebergField(id: 6, name: "email", type: .string),
            IcebergField(id: 7, name: "status", type: .string),
            IcebergField(id: 8, name: "country", type: .string),
            IcebergField(id: 9, name: "description", type: .string),
            IcebergField(id: 10, name: "created_at", type: .timestamptz),
            IcebergField(id: 11, name: "updated_at", type: .timestamptz),
            IcebergField(id: 12, name: "amount", type: .double),
            IcebergField(id: 13, name: "score", type: .double),
            IcebergField(id: 14, name: "ratio", type: .double),
            IcebergField(id: 15, name: "attributes", type: .structure([
                IcebergField(id: 16, name: "plan", type: .string), IcebergField(id: 17, name: "seats", type: .long),
                IcebergField(id: 18, name: "tags", type: .list(elementID: 19, element: .string)), IcebergField(id: 20, name: "source", type: .string),
            ])),
        ], identifierFieldIDs: [1])
        let catalog = try SQLiteCatalog(path: directory + "/catalog.db", warehouse: "file://" + directory + "/warehouse")
        try catalog.createNamespace("bench")

        // On one thread: rows produced and written in turn.
        var single = try catalog.createTable(namespace: "bench", name: "records_one_thread", schema: schema)
        let singleStarted = ContinuousClock.now
        try single.append(rows: (0..<count).lazy.map(row))
        let singleSeconds = seconds(since: singleStarted)
        print("inlet append rows/s (one thread): \(Int(Double(count) / singleSeconds))")

        // On two threads: batches of rows produced and written by two workers, one file each.
        let started = ContinuousClock.now
        var table = try catalog.createTable(namespace: "bench", name: "records", schema: schema)
        let batchSize = count / batches
        for batch in 0..<batches {
            let range = batch * batchSize..<(batch == batches - 1 ? count : (batch + 1) * batchSize)
            let chunks = stride(from: range.lowerBound, to: range.upperBound, by: 8192).map { $0..<min($0 + 8192, range.upperBound) }
            try table.append(batches: chunks, workers: 2) { chunk in chunk.map(row) }
        }
        let elapsed = seconds(since: started)
        print("inlet append rows: \(count) in \(String(format: "%.2f", elapsed)) s")
        print("inlet append rows/s: \(Int(Double(count) / elapsed))")
        guard merged > 0 else { return }
        // Updates of the newest ids with a new version, and as many new ids after them.
        let updates = (count - merged / 2..<count).map { index -> [ParquetValue?] in
            var updated = row(index)
            updated[3] = .int64(99)
            return updated
        }
        let inserts = (count..<count + merged - merged / 2).map(row)
        let mergeStarted = ContinuousClock.now
        try table.merge(rows: updates + inserts, removal: removal)
        let mergeSeconds = seconds(since: mergeStarted)
        print("inlet merge rows: \(merged) into \(count) in \(String(format: "%.2f", mergeSeconds)) s")
        print("inlet merge rows/s: \(Int(Double(merged) / mergeSeconds))")
    }

    private static let statuses = ["active", "pending", "closed", "archived"]
    private static let countries = ["US", "DE", "FR", "JP", "BR", "IN"]

    /// The generated API-like row number `index`.
    @Sendable static func row(_ index: Int) -> [ParquetValue?] {
        let n = Int64(index)
        return [
            .int64(n), .int64(n / 7), .int64(n % 97), .int64(n % 5),
            .string("Customer \(index)"), .string("user\(index)@example.com"), .string(statuses[index % 4]),
            .string(countries[index % 6]), .string("Lorem ipsum dolor sit amet, consectetur adipiscing elit."),
            .int64(1_704_067_200_000_000 + n * 1_000_000), .int64(1_717_200_000_000_000 + n * 1_000_000),
            .double(Double(index % 10_000) * 1.37), .double(Double((index * 31) % 1000) / 10), .double(Double(index % 100) / 100),
            .structure([.string("pro"), .int64(n % 50), .list([.string("t\(index % 10)"), .string("g\(index % 7)")]), .string("api")]),
        ]
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
