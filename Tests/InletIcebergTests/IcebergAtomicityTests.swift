import Foundation
import InletIceberg
import InletJSON
import InletParquet
import InletTestSupport
import Synchronization
import Testing

/// A commit interrupted at any point leaves the table at its previous snapshot, readable by both readers.
@Suite("Interrupted Iceberg commits")
struct IcebergAtomicityTests {
    /// Local storage whose `failingWrite`-th write fails, as a crash at that point would stop the writer.
    final class FailingStorage: TableStorage {
        let failingWrite: Int
        let writes = Mutex(0)
        let local = LocalFileIO()

        init(failingWrite: Int) {
            self.failingWrite = failingWrite
        }

        func write(_ bytes: [UInt8], to uri: String) throws(IcebergError) {
            let count = writes.withLock { $0 += 1; return $0 }
            if count == failingWrite { throw .io("simulated crash before writing \(uri)") }
            try local.write(bytes, to: uri)
        }

        func read(_ uri: String) throws(IcebergError) -> [UInt8] { try local.read(uri) }
        func createDirectory(_ uri: String) throws(IcebergError) { try local.createDirectory(uri) }
        func localPath(of uri: String) throws(IcebergError) -> String { try local.localPath(of: uri) }
        func delete(_ uri: String) { local.delete(uri) }
    }

    private let schema = IcebergSchema(fields: [
        IcebergField(id: 1, name: "id", type: .long, isRequired: true),
        IcebergField(id: 2, name: "note", type: .string),
    ])

    private func rows(_ range: Range<Int>) -> [[ParquetValue?]] {
        range.map { [.int64(Int64($0)), .string("note \($0)")] }
    }

    @Test(arguments: 1...4)
    func aFailureAtAnyWriteLeavesThePreviousSnapshot(failingWrite: Int) async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let catalog = try lake.catalog()
        var table = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
        try table.append(rows: rows(0..<100))
        let before = table.metadata.currentSnapshotID

        // Writes of an overwrite: manifest, deleted-files manifest, manifest list, metadata file.
        var failing = try lake.catalog(storage: FailingStorage(failingWrite: failingWrite)).loadTable(namespace: "ns", name: "t")
        #expect(throws: IcebergError.self) { try failing.overwrite(rows: rows(500..<520)) }

        let reopened = try lake.catalog().loadTable(namespace: "ns", name: "t")
        #expect(reopened.metadata.currentSnapshotID == before)
        try await lake.verify("t", rows: 100, snapshots: 1)
        // The files the failed commit left behind are not part of the table; the next commit works.
        var next = reopened
        try next.append(rows: rows(100..<110))
        try await lake.verify("t", rows: 110, snapshots: 2)
    }

    @Test func killingTheWriterMidCommitLeavesAReadableTable() async throws {
        let writer = TestWarehouse.repository.appendingPathComponent(".build/debug/IcebergBenchmark").path
        try #require(FileManager.default.isExecutableFile(atPath: writer), "build the package first (swift build)")
        let lake = try TestWarehouse()
        defer { lake.remove() }
        // 400 commits of 50 rows; killed with SIGKILL somewhere in the middle.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: writer)
        process.arguments = [lake.directory.path, "20000", "400"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Kill once a few commits have landed, at a moment that falls anywhere inside a commit; watched
        // on a thread of its own, which a busy cooperative pool cannot hold back while the writer finishes.
        let (database, warehouse) = (lake.database, "file://" + lake.warehouse)
        let killedMidWay = try await onOwnThread { () -> Bool in
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline && process.isRunning {
                let landed = (try? SQLiteCatalog(path: database, warehouse: warehouse).loadTable(namespace: "bench", name: "records"))?
                    .metadata.json["snapshots"]?.arrayValue?.count ?? 0
                if landed >= 3 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.2))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return process.terminationReason == .uncaughtSignal
        }
        #expect(killedMidWay, "the writer finished before it could be killed")

        let table = try SQLiteCatalog(path: lake.database, warehouse: "file://" + lake.warehouse).loadTable(namespace: "bench", name: "records")
        let snapshots = table.metadata.json["snapshots"]?.arrayValue?.count ?? 0
        #expect(snapshots > 0)
        try await lake.verify("records", namespace: "bench", rows: snapshots * 50, snapshots: snapshots)

    }
}
