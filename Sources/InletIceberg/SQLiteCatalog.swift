import Foundation
import GRDB
public import InletJSON

/// An Iceberg SQL catalog on SQLite, with exactly the tables pyiceberg's `SqlCatalog` and Java's
/// `JdbcCatalog` use, so all three see the same tables. Commits swap `metadata_location` only if it
/// still holds the metadata the commit started from.
public final class SQLiteCatalog: IcebergCatalog {
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
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS iceberg_tables (
                      catalog_name VARCHAR(255) NOT NULL,
                      table_namespace VARCHAR(255) NOT NULL,
                      table_name VARCHAR(255) NOT NULL,
                      metadata_location VARCHAR(1000),
                      previous_metadata_location VARCHAR(1000),
                      iceberg_type VARCHAR(5),
                      PRIMARY KEY (catalog_name, table_namespace, table_name));
                    CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (
                      catalog_name VARCHAR(255) NOT NULL,
                      namespace VARCHAR(255) NOT NULL,
                      property_key VARCHAR(255) NOT NULL,
                      property_value VARCHAR(1000) NOT NULL,
                      PRIMARY KEY (catalog_name, namespace, property_key));
                    """)
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

    /// Creates an empty table at `<warehouse>/<namespace>/<table>`.
    public func createTable(namespace: String, name table: String, schema: IcebergSchema,
                            partitionSpec: IcebergPartitionSpec, sortOrder: IcebergSortOrder, properties: JSONObject) throws(IcebergError) -> IcebergTable {
        let location = "\(warehouse)/\(namespace)/\(table)"
        // Checked now, so that a spec or order that cannot be written never reaches the catalog.
        _ = try ManifestLayout(schema: schema, spec: partitionSpec)
        try sortOrder.validate(against: schema)
        let metadata = TableMetadata.new(location: location, schema: schema, partitionSpec: partitionSpec, sortOrder: sortOrder,
                                         properties: properties, now: Self.now())
        let metadataLocation = "\(location)/metadata/00000-\(UUIDText.random()).metadata.json"
        try storage.write(Array(JSONWriter.string(from: .object(metadata.json)).utf8), to: metadataLocation)
        let inserted: Bool = try run("creating table \(namespace).\(table)") { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO iceberg_tables
                  (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
                VALUES (?, ?, ?, ?, NULL, 'TABLE')
                """, arguments: [name, namespace, table, metadataLocation])
            return db.changesCount == 1
        }
        guard inserted else { throw .tableExists("\(namespace).\(table)") }
        return IcebergTable(catalog: self, namespace: namespace, name: table, metadata: metadata, metadataLocation: metadataLocation)
    }

    public func loadTable(namespace: String, name table: String) throws(IcebergError) -> IcebergTable {
        let location: String? = try run("loading table \(namespace).\(table)") { db in
            try String.fetchOne(db, sql: """
                SELECT metadata_location FROM iceberg_tables
                WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?
                  AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)
                """, arguments: [name, namespace, table])
        }
        guard let location else { throw .noSuchTable("\(namespace).\(table)") }
        let bytes = try storage.read(location)
        guard let json = try? JSONParser.parse(bytes) else { throw .invalidMetadata("\(location) is not JSON") }
        return IcebergTable(catalog: self, namespace: namespace, name: table, metadata: try TableMetadata(json: json),
                            metadataLocation: location)
    }

    /// Points the table at `new` if it still points at `old`; false when another writer got there first.
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

    /// Milliseconds since the epoch, as table metadata records times.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

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
