import Foundation

/// Where a table's files live. Metadata is written whole (never partly under its final name);
/// data files are written by the Parquet writer at `localPath(of:)`.
public protocol TableStorage: Sendable {
    func write(_ bytes: [UInt8], to uri: String) throws(IcebergError)
    func read(_ uri: String) throws(IcebergError) -> [UInt8]
    func createDirectory(_ uri: String) throws(IcebergError)
    /// The local file a data file is written to before it is part of the table.
    func localPath(of uri: String) throws(IcebergError) -> String
    /// Puts a data file written at `localPath(of:)` in its place, once it is complete and before
    /// any metadata refers to it (a remote store uploads it here).
    func publish(_ uri: String) throws(IcebergError)
    /// A local file with the contents of the table's file `uri`, for reading it.
    func localCopy(of uri: String) throws(IcebergError) -> String
    /// Drops the local copy of a file no table state will read again (a remote store keeps copies
    /// of files it was asked for until then).
    func forgetLocalCopy(of uri: String)
    /// Removes a file no table state refers to (best effort: a file left behind is harmless).
    func delete(_ uri: String)
}

extension TableStorage {
    /// Local storage writes data files in place.
    public func publish(_ uri: String) throws(IcebergError) {}

    public func localCopy(of uri: String) throws(IcebergError) -> String {
        try localPath(of: uri)
    }

    /// Local storage reads files in place.
    public func forgetLocalCopy(of uri: String) {}
}

/// Files of a `file://` warehouse. Writes go to a temporary name first and are renamed into place,
/// so a crash never leaves a half-written file under a name the table refers to.
public struct LocalFileIO: TableStorage {
    public init() {}

    public func localPath(of uri: String) throws(IcebergError) -> String {
        try Self.path(of: uri)
    }

    static func path(of uri: String) throws(IcebergError) -> String {
        if uri.hasPrefix("file://") { return String(uri.dropFirst("file://".count)) }
        if uri.hasPrefix("/") { return uri }
        throw .unsupported("storage for \(uri) (only file:// warehouses so far)")
    }

    public func write(_ bytes: [UInt8], to uri: String) throws(IcebergError) {
        let path = try Self.path(of: uri)
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-" + UUIDText.random()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let handle = try FileHandleWriter(path: temporary)
            try handle.write(bytes)
            try handle.close()
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch let error as IcebergError {
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .io("writing \(uri): \(error)")
        }
    }

    public func delete(_ uri: String) {
        guard let path = try? Self.path(of: uri) else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    public func read(_ uri: String) throws(IcebergError) -> [UInt8] {
        let path = try Self.path(of: uri)
        guard let data = FileManager.default.contents(atPath: path) else { throw .io("cannot read \(uri)") }
        return [UInt8](data)
    }

    public func createDirectory(_ uri: String) throws(IcebergError) {
        do {
            try FileManager.default.createDirectory(atPath: try Self.path(of: uri), withIntermediateDirectories: true)
        } catch let error as IcebergError {
            throw error
        } catch {
            throw .io("creating \(uri): \(error)")
        }
    }
}

/// Writes and syncs one file.
private struct FileHandleWriter {
    let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw IcebergError.io("cannot create \(path)") }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(_ bytes: [UInt8]) throws {
        try handle.write(contentsOf: bytes)
    }

    func close() throws {
        try handle.synchronize()
        try handle.close()
    }
}
