import Foundation
import InletIceberg
import InletJSON
import InletParquet
import Testing

/// Partitioned tables: one data file per partition, partition tuples in manifests, read by both readers.
@Suite("Partitioned Iceberg tables")
struct IcebergPartitionTests {
    private let schema = IcebergSchema(fields: [
        IcebergField(id: 1, name: "id", type: .long, isRequired: true),
        IcebergField(id: 2, name: "country", type: .string),
        IcebergField(id: 3, name: "created_at", type: .timestamptz),
        IcebergField(id: 4, name: "day", type: .date),
    ], identifierFieldIDs: [1])

    private func rows(_ range: Range<Int>) -> [[ParquetValue?]] {
        let countries = ["US", "DE", "JP"]
        return range.map { index in
            // Spread over ~90 days from 2024-01-30 and across a month boundary or two.
            let micros = Int64(1_706_572_800_000_000) + Int64(index % 90) * 86_400_000_000 + Int64(index) * 1_000
            return [.int64(Int64(index)), index % 10 == 0 ? nil : .string(countries[index % 3]), .int64(micros),
                    .int32(19_750 + Int32(index % 40))]
        }
    }

    @Test func identityDayAndMonthPartitionsAreWrittenAndReadByBothReaders() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let spec = IcebergPartitionSpec(fields: [
            IcebergPartitionField(sourceID: 2, fieldID: 1000, name: "country", transform: .identity),
            IcebergPartitionField(sourceID: 3, fieldID: 1001, name: "created_at_month", transform: .month),
            IcebergPartitionField(sourceID: 4, fieldID: 1002, name: "day_day", transform: .day),
        ])
        var table = try lake.catalog().createTable(namespace: "ns", name: "p", schema: schema, partitionSpec: spec)
        try table.append(rows: rows(0..<600))
        let files = Int(table.metadata.currentSnapshot?["summary"]?["added-data-files"]?.stringValue ?? "") ?? 0
        #expect(files > 20)
        try table.merge(rows: rows(100..<110).map { row in var changed = row; changed[1] = .string("FR"); return changed })
        try await lake.verify("p", rows: 600, snapshots: 2)
        // pyiceberg sees the partition values and filters on them.
        let output = try await lake.pyiceberg("""
            t = catalog.load_table("ns.p")
            print(t.spec())
            print(len(t.scan(row_filter="country == 'FR'").to_arrow()), len(t.scan(row_filter="country == 'US'").to_arrow()))
            """)
        #expect(output.contains("1000: country: identity(2)") && output.contains("month(3)") && output.contains("day(4)"), "\(output)")
        let counts = output.split(separator: "\n").last.map(String.init) ?? ""
        let us = rows(0..<600).enumerated().filter { $0.offset % 10 != 0 && $0.offset % 3 == 0 && !(100..<110).contains($0.offset) }.count
        #expect(counts == "10 \(us)", "\(output)")
    }

    @Test func aSpecThatCannotApplyIsRefusedBeforeTheTableExists() throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let catalog = try lake.catalog()
        let spec = IcebergPartitionSpec(fields: [IcebergPartitionField(sourceID: 2, fieldID: 1000, name: "bad", transform: .day)])
        #expect(throws: IcebergError.invalidMetadata("day(country) needs a date or timestamp")) {
            _ = try catalog.createTable(namespace: "ns", name: "q", schema: schema, partitionSpec: spec)
        }
        #expect(throws: IcebergError.noSuchTable("ns.q")) { _ = try catalog.loadTable(namespace: "ns", name: "q") }
    }
}
