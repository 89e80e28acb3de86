import Foundation
import InletIceberg
import InletTestSupport
import Testing

/// A throw-away catalog and warehouse for one test, checked with `../shared/iceberg/iceberg_verify.py`
/// (pyiceberg and DuckDB read the table and must agree).
struct TestWarehouse {
    let directory: URL
    var database: String { directory.appendingPathComponent("catalog.db").path }
    var warehouse: String { directory.appendingPathComponent("warehouse").path }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let verifier = repository.deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-iceberg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A catalog on this warehouse with namespace `ns`.
    func catalog(storage: any TableStorage = LocalFileIO()) throws -> SQLiteCatalog {
        let catalog = try SQLiteCatalog(path: database, warehouse: "file://" + warehouse, storage: storage)
        try catalog.createNamespace("ns")
        return catalog
    }

    /// Runs the verifier on a table; records an issue when it fails and returns its report.
    @discardableResult
    func verify(_ table: String, namespace: String = "ns", rows: Int, snapshots: Int, extra: [String] = []) async throws -> String {
        try await Self.runPython([Self.verifier, "--catalog", database, "--warehouse", warehouse, "--namespace", namespace, "--table", table,
                            "--expect-rows", String(rows), "--expect-snapshots", String(snapshots), "--strict"] + extra)
    }

    /// Runs the reference Python with `arguments`; records an issue with its output when it fails.
    @discardableResult
    static func runPython(_ arguments: [String]) async throws -> String {
        try await ReferencePython.run(arguments)
    }
}

extension TestWarehouse {
    /// Runs a Python script with `catalog` bound to this warehouse's catalog as pyiceberg opens it.
    @discardableResult
    func pyiceberg(_ script: String) async throws -> String {
        try await Self.runPython(["-c", """
            from pyiceberg.catalog.sql import SqlCatalog
            catalog = SqlCatalog("default", uri="sqlite:///\(database)", warehouse="file://\(warehouse)")
            """ + "\n" + script])
    }
}
