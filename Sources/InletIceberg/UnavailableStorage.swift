/// Storage that cannot be used, and says why when it is.
struct UnavailableStorage: TableStorage {
    let reason: String

    func write(_ bytes: [UInt8], to uri: String) throws(IcebergError) { throw .io("\(uri): \(reason)") }
    func read(_ uri: String) throws(IcebergError) -> [UInt8] { throw .io("\(uri): \(reason)") }
    func createDirectory(_ uri: String) throws(IcebergError) {}
    func localPath(of uri: String) throws(IcebergError) -> String { throw .io("\(uri): \(reason)") }
    func delete(_ uri: String) {}
}
