public import InletJSON

/// Where a warehouse's tables are listed and their current metadata is recorded. Commits are
/// compare-and-swap: `commit` applies only if the table is still at the metadata the writer started
/// from, so concurrent writers cannot lose each other's snapshots.
public protocol IcebergCatalog: Sendable {
    /// Where the catalog's tables keep their files (a table may carry its own, such as one with
    /// credentials a REST catalog vended for it).
    var storage: any TableStorage { get }
    /// Creates the namespace unless it exists.
    func createNamespace(_ namespace: String) throws(IcebergError)
    func createTable(namespace: String, name: String, schema: IcebergSchema, partitionSpec: IcebergPartitionSpec,
                     sortOrder: IcebergSortOrder, properties: JSONObject) throws(IcebergError) -> IcebergTable
    func loadTable(namespace: String, name: String) throws(IcebergError) -> IcebergTable
    /// Makes `next` the metadata of `table` if the table is still at the metadata `table` was
    /// loaded or last committed with; nil when another writer committed first.
    func commit(_ table: IcebergTable, next: TableMetadata) throws(IcebergError) -> CommittedMetadata?
}

/// A table's metadata as a commit left it, and the file that holds it.
public struct CommittedMetadata: Sendable {
    public var metadata: TableMetadata
    public var location: String

    public init(metadata: TableMetadata, location: String) {
        self.metadata = metadata
        self.location = location
    }
}

extension IcebergCatalog {
    public func createTable(namespace: String, name: String, schema: IcebergSchema) throws(IcebergError) -> IcebergTable {
        try createTable(namespace: namespace, name: name, schema: schema, partitionSpec: .unpartitioned, sortOrder: .unsorted, properties: [:])
    }

    public func createTable(namespace: String, name: String, schema: IcebergSchema, partitionSpec: IcebergPartitionSpec = .unpartitioned,
                            sortOrder: IcebergSortOrder = .unsorted) throws(IcebergError) -> IcebergTable {
        try createTable(namespace: namespace, name: name, schema: schema, partitionSpec: partitionSpec, sortOrder: sortOrder, properties: [:])
    }

    /// The table, created with `schema` when it does not exist yet (also when another writer
    /// creates it at the same moment).
    public func loadOrCreateTable(namespace: String, name: String, schema: IcebergSchema) throws(IcebergError) -> IcebergTable {
        do {
            return try loadTable(namespace: namespace, name: name)
        } catch .noSuchTable {
            do {
                return try createTable(namespace: namespace, name: name, schema: schema)
            } catch .tableExists {
                return try loadTable(namespace: namespace, name: name)
            }
        }
    }
}
