import Foundation
import GRDB
public import InletJSON

/// The SQL catalog on SQLite: the embedded default, one file beside the warehouse.
public final class SQLiteCatalog: SQLIcebergCatalog {
    public let name: String
    public let warehouse: String
    public let storage: any TableStorage
    private let database: DatabaseQueue

    /// Opens (or creates) the catalog database at `path`; `warehouse` is a `file://` URI under which
    /// new tables get their folders; `name` is the `catalog_name` readers must use (pyiceberg: "default").
    public init(path: String, warehouse: String, name: String = "default",
                storage: any TableStorage = LocalFileIO()) throws(IcebergError) {
        self.name = name
        self.storage = storage
        self.warehouse = warehouse.hasSuffix("/") ? String(warehouse.dropLast()) : warehouse
        do {
            // Other processes (another Inlet, pyiceberg) may hold the database for a moment: wait for them.
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.write { db in
                for statement in SQLCatalogSchema.statements { try db.execute(sql: statement) }
            }
        } catch {
            throw .catalog("opening \(path): \(error)")
        }
    }

    public func createNamespace(_ namespace: String) throws(IcebergError) {
        try run("creating namespace \(namespace)") { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value)
                VALUES (?, ?, 'exists', 'true')
                """, arguments: [name, namespace])
        }
    }

    public func insertTable(namespace: String, name table: String, metadataLocation: String) throws(IcebergError) -> Bool {
        try run("creating table \(namespace).\(table)") { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO iceberg_tables
                  (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
                VALUES (?, ?, ?, ?, NULL, 'TABLE')
                """, arguments: [name, namespace, table, metadataLocation])
            return db.changesCount == 1
        }
    }

    public func metadataLocation(namespace: String, name table: String) throws(IcebergError) -> String? {
        try run("loading table \(namespace).\(table)") { db in
            try String.fetchOne(db, sql: """
                SELECT metadata_location FROM iceberg_tables
                WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?
                  AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)
                """, arguments: [name, namespace, table])
        }
    }

    public func swap(namespace: String, name table: String, from old: String, to new: String) throws(IcebergError) -> Bool {
        try run("committing \(namespace).\(table)") { db in
            try db.execute(sql: """
                UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ?
                WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?
                  AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)
                """, arguments: [new, old, name, namespace, table, old])
            return db.changesCount == 1
        }
    }

    private func run<T>(_ what: String, _ body: (Database) throws -> T) throws(IcebergError) -> T {
        do {
            return try database.write(body)
        } catch let error as IcebergError {
            throw error
        } catch {
            throw .catalog("\(what): \(error)")
        }
    }
}
