import Foundation
import InletIceberg
import InletJSON
import InletParquet
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
    }

    private let schema = IcebergSchema(fields: [
        IcebergField(id: 1, name: "id", type: .long, isRequired: true),
        IcebergField(id: 2, name: "note", type: .string),
    ])

    private func rows(_ range: Range<Int>) -> [[ParquetValue?]] {
        range.map { [.int64(Int64($0)), .string("note \($0)")] }
    }

    private static var python: String {
        ProcessInfo.processInfo.environment["INLET_PYTHON"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/inlet-iceberg/venv/bin/python"
    }
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let verifier = repository.deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path

    private func verify(_ directory: URL, namespace: String = "ns", table: String, rows: Int, snapshots: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.verifier, "--catalog", directory.appendingPathComponent("catalog.db").path,
                             "--warehouse", directory.appendingPathComponent("warehouse").path, "--namespace", namespace, "--table", table,
                             "--expect-rows", String(rows), "--expect-snapshots", String(snapshots), "--strict"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
    }

    @Test(arguments: 1...4)
    func aFailureAtAnyWriteLeavesThePreviousSnapshot(failingWrite: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("catalog.db").path
        let warehouse = "file://" + directory.appendingPathComponent("warehouse").path
        let catalog = try SQLiteCatalog(path: database, warehouse: warehouse)
        try catalog.createNamespace("ns")
        var table = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
        try table.append(rows: rows(0..<100))
        let before = table.metadata.currentSnapshotID

        // Writes of an overwrite: manifest, deleted-files manifest, manifest list, metadata file.
        var failing = try SQLiteCatalog(path: database, warehouse: warehouse, storage: FailingStorage(failingWrite: failingWrite))
            .loadTable(namespace: "ns", name: "t")
        #expect(throws: IcebergError.self) { try failing.overwrite(rows: rows(500..<520)) }

        let reopened = try SQLiteCatalog(path: database, warehouse: warehouse).loadTable(namespace: "ns", name: "t")
        #expect(reopened.metadata.currentSnapshotID == before)
        try verify(directory, table: "t", rows: 100, snapshots: 1)
        // The files the failed commit left behind are not part of the table; the next commit works.
        var next = reopened
        try next.append(rows: rows(100..<110))
        try verify(directory, table: "t", rows: 110, snapshots: 2)
    }

    @Test func killingTheWriterMidCommitLeavesAReadableTable() throws {
        let writer = Self.repository.appendingPathComponent(".build/debug/IcebergBenchmark").path
        try #require(FileManager.default.isExecutableFile(atPath: writer), "build the package first (swift build)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // 400 commits of 50 rows; killed with SIGKILL somewhere in the middle.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: writer)
        process.arguments = [directory.path, "20000", "400"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Kill once a few commits have landed, at a moment that falls anywhere inside a commit.
        let database = directory.appendingPathComponent("catalog.db").path
        let warehouse = "file://" + directory.appendingPathComponent("warehouse").path
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
        #expect(process.terminationReason == .uncaughtSignal, "the writer finished before it could be killed")

        let catalog = try SQLiteCatalog(path: directory.appendingPathComponent("catalog.db").path,
                                        warehouse: "file://" + directory.appendingPathComponent("warehouse").path)
        let table = try catalog.loadTable(namespace: "bench", name: "records")
        let snapshots = table.metadata.json["snapshots"]?.arrayValue?.count ?? 0
        #expect(snapshots > 0)
        try verify(directory, namespace: "bench", table: "records", rows: snapshots * 50, snapshots: snapshots)

    }
}
