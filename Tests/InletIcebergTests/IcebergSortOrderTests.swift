import Foundation
import InletIceberg
import InletJSON
import InletParquet
import Testing

/// A table with a sort order: its files are written sorted by it, in bounded runs, and readers
/// see the order in the metadata and on every data file.
@Suite("Iceberg sort orders")
struct IcebergSortOrderTests {
    private let schema = IcebergSchema(fields: [
        IcebergField(id: 1, name: "id", type: .long, isRequired: true),
        IcebergField(id: 2, name: "country", type: .string),
        IcebergField(id: 3, name: "amount", type: .double),
    ], identifierFieldIDs: [1])

    @Test func filesAreWrittenSortedInRunsAndCarryTheirOrder() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let order = IcebergSortOrder(fields: [.init(sourceID: 2), .init(sourceID: 3, descending: true)])
        var table = try lake.catalog().createTable(namespace: "ns", name: "s", schema: schema, sortOrder: order)
        table.sortedRunRows = 300
        let countries = ["US", "DE", "FR", "JP"]
        // A shuffled arrival order: ids step by a number prime to the count.
        let rows: [[ParquetValue?]] = (0..<1000).map { step in
            let index = (step * 389) % 1000
            return [.int64(Int64(index)), index % 9 == 0 ? nil : .string(countries[index % 4]), .double(Double((index * 37) % 101))]
        }
        try table.append(rows: rows)
        try await lake.verify("s", rows: 1000, snapshots: 1)
        let output = try await lake.pyiceberg("""
            import json, pyarrow.parquet as pq
            t = catalog.load_table("ns.s")
            order = [(f.source_id, str(f.transform), f.direction.name, f.null_order.name) for f in t.sort_order().fields]
            files = []
            for task in t.scan().plan_files():
                rows = pq.read_table(task.file.file_path[len("file://"):]).to_pylist()
                keys = [(r["country"] is not None, r["country"] or "", -r["amount"]) for r in rows]
                files.append({"sort_order_id": task.file.sort_order_id, "rows": len(rows), "sorted": keys == sorted(keys)})
            print(json.dumps({"order": order, "files": sorted(files, key=lambda f: f["rows"])}))
            """)
        let result = try JSONParser.parse(output.split(separator: "\n").last.map(String.init) ?? "")
        #expect(result["order"] == [[2, "identity", "ASC", "NULLS_FIRST"], [3, "identity", "DESC", "NULLS_LAST"]])
        let files = result["files"]?.arrayValue ?? []
        #expect(files.map { $0["rows"]?.intValue ?? 0 } == [100, 300, 300, 300])
        #expect(files.allSatisfy { $0["sorted"] == true && $0["sort_order_id"] == 1 }, "\(files)")
    }

    @Test func anOrderOnAColumnThatCannotBeSortedIsRefused() throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        #expect(throws: IcebergError.invalidMetadata("sort order field 9 has no source column")) {
            try lake.catalog().createTable(namespace: "ns", name: "x", schema: schema, sortOrder: IcebergSortOrder(fields: [.init(sourceID: 9)]))
        }
    }
}

extension IcebergSortOrderTests {
    @Test func workersSortTheirOwnRuns() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "w", schema: schema,
                                                   sortOrder: IcebergSortOrder(fields: [.init(sourceID: 3, descending: true)]))
        table.sortedRunRows = 500
        let chunks = stride(from: 0, to: 2000, by: 250).map { $0..<($0 + 250) }
        try table.append(batches: chunks, workers: 2) { chunk in chunk.map { [.int64(Int64($0)), nil, .double(Double(($0 * 7919) % 2000))] } }
        try await lake.verify("w", rows: 2000, snapshots: 1)
        let output = try await lake.pyiceberg("""
            import json, pyarrow.parquet as pq
            t = catalog.load_table("ns.w")
            files = []
            for task in t.scan().plan_files():
                amounts = [r["amount"] for r in pq.read_table(task.file.file_path[len("file://"):]).to_pylist()]
                files.append([len(amounts), amounts == sorted(amounts, reverse=True), task.file.sort_order_id])
            print(json.dumps(sorted(files)))
            """)
        #expect(output.hasSuffix("[[500, true, 1], [500, true, 1], [500, true, 1], [500, true, 1]]\n"), "\(output)")
    }
}
