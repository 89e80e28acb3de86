import Foundation
public import InletJSON

/// A catalog that records each table's current metadata file in the `iceberg_tables` table that
/// pyiceberg's `SqlCatalog` and Java's `JdbcCatalog` use, so all of them see the same tables. The
/// writer writes the next metadata file itself; a commit swaps `metadata_location` only if it still
/// holds the file the commit started from.
public protocol SQLIcebergCatalog: IcebergCatalog {
    /// The `catalog_name` readers must use (pyiceberg: "default").
    var name: String { get }
    /// The URI under which new tables get their folders, without a trailing slash.
    var warehouse: String { get }
    /// Records a new table; false when one of that name exists.
    func insertTable(namespace: String, name: String, metadataLocation: String) throws(IcebergError) -> Bool
    func metadataLocation(namespace: String, name: String) throws(IcebergError) -> String?
    /// Points the table at `new` if it still points at `old`; false when another writer got there first.
    func swap(namespace: String, name: String, from old: String, to new: String) throws(IcebergError) -> Bool
}

/// The catalog's two tables, as pyiceberg and Java create them (standard SQL, for any database).
public enum SQLCatalogSchema {
    public static let statements = [
        """
        CREATE TABLE IF NOT EXISTS iceberg_tables (
          catalog_name VARCHAR(255) NOT NULL,
          table_namespace VARCHAR(255) NOT NULL,
          table_name VARCHAR(255) NOT NULL,
          metadata_location VARCHAR(1000),
          previous_metadata_location VARCHAR(1000),
          iceberg_type VARCHAR(5),
          PRIMARY KEY (catalog_name, table_namespace, table_name))
        """,
        """
        CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (
          catalog_name VARCHAR(255) NOT NULL,
          namespace VARCHAR(255) NOT NULL,
          property_key VARCHAR(255) NOT NULL,
          property_value VARCHAR(1000) NOT NULL,
          PRIMARY KEY (catalog_name, namespace, property_key))
        """,
    ]
}

extension SQLIcebergCatalog {
    /// Creates an empty table at `<warehouse>/<namespace>/<table>`.
    public func createTable(namespace: String, name table: String, schema: IcebergSchema,
                            partitionSpec: IcebergPartitionSpec, sortOrder: IcebergSortOrder, properties: JSONObject) throws(IcebergError) -> IcebergTable {
        let location = "\(warehouse)/\(namespace)/\(table)"
        // Checked now, so that a spec or order that cannot be written never reaches the catalog.
        _ = try ManifestLayout(schema: schema, spec: partitionSpec)
        try sortOrder.validate(against: schema)
        let metadata = TableMetadata.new(location: location, schema: schema, partitionSpec: partitionSpec, sortOrder: sortOrder,
                                         properties: properties, now: TableMetadata.now())
        let metadataLocation = "\(location)/metadata/00000-\(UUIDText.random()).metadata.json"
        try storage.write(Array(JSONWriter.string(from: .object(metadata.json)).utf8), to: metadataLocation)
        guard try insertTable(namespace: namespace, name: table, metadataLocation: metadataLocation) else {
            storage.delete(metadataLocation)
            throw .tableExists("\(namespace).\(table)")
        }
        return IcebergTable(catalog: self, namespace: namespace, name: table, metadata: metadata, metadataLocation: metadataLocation)
    }

    public func loadTable(namespace: String, name table: String) throws(IcebergError) -> IcebergTable {
        guard let location = try metadataLocation(namespace: namespace, name: table) else { throw .noSuchTable("\(namespace).\(table)") }
        let bytes = try storage.read(location)
        guard let json = try? JSONParser.parse(bytes) else { throw .invalidMetadata("\(location) is not JSON") }
        return IcebergTable(catalog: self, namespace: namespace, name: table, metadata: try TableMetadata(json: json),
                            metadataLocation: location)
    }

    /// Writes `next` as the table's next metadata file and swaps the catalog to it.
    public func commit(_ table: IcebergTable, next: TableMetadata) throws(IcebergError) -> CommittedMetadata? {
        let nextLocation = "\(next.location)/metadata/\(TableMetadata.nextVersion(after: table.metadataLocation))-\(UUIDText.random()).metadata.json"
        try table.storage.write(Array(JSONWriter.string(from: .object(next.json)).utf8), to: nextLocation)
        guard try swap(namespace: table.namespace, name: table.name, from: table.metadataLocation, to: nextLocation) else {
            // Lost the race: this metadata file will never be the table's.
            table.storage.delete(nextLocation)
            return nil
        }
        return CommittedMetadata(metadata: next, location: nextLocation)
    }
}
