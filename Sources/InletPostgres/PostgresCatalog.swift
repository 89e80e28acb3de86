import Foundation
public import InletIceberg
import PostgresNIO

/// The SQL catalog on PostgreSQL: the tables and compare-and-swap of `SQLiteCatalog`, in a database
/// many machines share (pyiceberg's `SqlCatalog` and Java's `JdbcCatalog` read the same rows).
/// Statements run on one connection, waited for on the calling thread; a dropped connection is
/// opened again, and a commit whose answer was lost is settled by reading the row back.
public final class PostgresCatalog: SQLIcebergCatalog {
    public let name: String
    public let warehouse: String
    public let storage: any TableStorage
    private let session: PostgresSession

    /// Connects to the database `url` names (`postgres://user:password@host:port/database`) and
    /// creates the catalog's tables unless they exist.
    public init(url: String, warehouse: String, name: String = "default", storage: any TableStorage) throws(IcebergError) {
        do {
            session = try PostgresSession(url: url, label: "inlet.catalog.postgres")
        } catch {
            throw .catalog(error.message)
        }
        self.name = name
        self.storage = storage
        self.warehouse = warehouse.hasSuffix("/") ? String(warehouse.dropLast()) : warehouse
        for statement in SQLCatalogSchema.statements {
            do {
                _ = try run(PostgresQuery(unsafeSQL: statement), what: "creating the catalog's tables")
            } catch {
                // Two writers creating the tables at once: one of them gets a unique violation.
                guard (try? run("SELECT 1 FROM iceberg_tables LIMIT 1", what: "reading the catalog")) != nil else { throw error }
            }
        }
    }

    /// Closes the connection (the catalog opens another if it is used again).
    public func close() {
        session.close()
    }

    public func createNamespace(_ namespace: String) throws(IcebergError) {
        _ = try run("""
            INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value)
            VALUES (\(name), \(namespace), 'exists', 'true') ON CONFLICT DO NOTHING
            """, what: "creating namespace \(namespace)")
    }

    public func insertTable(namespace: String, name table: String, metadataLocation: String) throws(IcebergError) -> Bool {
        try run("""
            INSERT INTO iceberg_tables
              (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
            VALUES (\(name), \(namespace), \(table), \(metadataLocation), NULL, 'TABLE') ON CONFLICT DO NOTHING
            """, what: "creating table \(namespace).\(table)").metadata.rows == 1
    }

    public func metadataLocation(namespace: String, name table: String) throws(IcebergError) -> String? {
        let result = try run("""
            SELECT metadata_location FROM iceberg_tables
            WHERE catalog_name = \(name) AND table_namespace = \(namespace) AND table_name = \(table)
              AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)
            """, what: "loading table \(namespace).\(table)")
        guard let row = result.rows.first else { return nil }
        do {
            return try row.decode(String?.self)
        } catch {
            throw .catalog("loading table \(namespace).\(table): metadata_location is not text: \(error)")
        }
    }

    /// The update runs once; if its answer is lost with the connection, the row says whether it
    /// applied (it then holds `new`), so the caller never takes an applied commit for a lost race.
    public func swap(namespace: String, name table: String, from old: String, to new: String) throws(IcebergError) -> Bool {
        let update: PostgresQuery = """
            UPDATE iceberg_tables SET metadata_location = \(new), previous_metadata_location = \(old)
            WHERE catalog_name = \(name) AND table_namespace = \(namespace) AND table_name = \(table) AND metadata_location = \(old)
              AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)
            """
        let what = "committing \(namespace).\(table)"
        do {
            return try runOnce(update, what: what).metadata.rows == 1
        } catch let failure {
            let current: String?
            do {
                current = try metadataLocation(namespace: namespace, name: table)
            } catch {
                throw failure
            }
            if current == new { return true }
            if current != old { return false }
            return try run(update, what: what).metadata.rows == 1
        }
    }

    // MARK: Statements

    private func run(_ query: PostgresQuery, what: String) throws(IcebergError) -> PostgresQueryResult {
        do { return try session.run(query, what: what) } catch { throw .catalog(error.message) }
    }

    private func runOnce(_ query: PostgresQuery, what: String) throws(IcebergError) -> PostgresQueryResult {
        do { return try session.runOnce(query, what: what) } catch { throw .catalog(error.message) }
    }
}
