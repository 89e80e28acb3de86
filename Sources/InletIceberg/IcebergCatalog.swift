public import InletJSON

/// Where a warehouse's tables are listed and their current metadata file is recorded. Commits go
/// through `swap`, a compare-and-swap on the metadata location, so concurrent writers cannot lose
/// each other's snapshots. (SQLite now; PostgreSQL and the REST catalog behind the same protocol next.)
public protocol IcebergCatalog: Sendable {
    var storage: any TableStorage { get }
    func createNamespace(_ namespace: String) throws(IcebergError)
    func createTable(namespace: String, name: String, schema: IcebergSchema, partitionSpec: IcebergPartitionSpec,
                     sortOrder: IcebergSortOrder, properties: JSONObject) throws(IcebergError) -> IcebergTable
    func loadTable(namespace: String, name: String) throws(IcebergError) -> IcebergTable
    /// Points the table at `new` if it still points at `old`; false when another writer got there first.
    func swap(namespace: String, name: String, from old: String, to new: String) throws(IcebergError) -> Bool
}

extension IcebergCatalog {
    public func createTable(namespace: String, name: String, schema: IcebergSchema) throws(IcebergError) -> IcebergTable {
        try createTable(namespace: namespace, name: name, schema: schema, partitionSpec: .unpartitioned, sortOrder: .unsorted, properties: [:])
    }

    public func createTable(namespace: String, name: String, schema: IcebergSchema, partitionSpec: IcebergPartitionSpec = .unpartitioned,
                            sortOrder: IcebergSortOrder = .unsorted) throws(IcebergError) -> IcebergTable {
        try createTable(namespace: namespace, name: name, schema: schema, partitionSpec: partitionSpec, sortOrder: sortOrder, properties: [:])
    }
}

