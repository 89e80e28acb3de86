import Foundation
public import InletS3
import Synchronization

/// Files of an `s3://` warehouse. Metadata and manifests are put whole (an S3 PUT is atomic); data
/// files are written to a local staging file and uploaded by `publish` before any metadata names
/// them, large ones in parts that are aborted on failure, so no partial object is ever referenced.
public final class S3FileIO: TableStorage {
    private let currentClient: Mutex<S3Client>
    /// The client requests go through now (another once `replace(client:)` hands one over).
    public var client: S3Client { currentClient.withLock { $0 } }
    /// Where data files are written before their upload, and copies of files read are kept.
    private let staging: String

    public init(client: S3Client, stagingDirectory: String? = nil) throws(IcebergError) {
        currentClient = Mutex(client)
        staging = stagingDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("inlet-s3-staging-\(UUIDText.random())").path
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw .io("creating the staging directory \(staging): \(error)")
        }
    }

    /// Storage for a client made for it alone: if the storage cannot be set up, the client is shut
    /// down before the error is thrown (a client must never go without).
    public static func owningClient(_ client: S3Client, stagingDirectory: String? = nil) throws(IcebergError) -> S3FileIO {
        do {
            return try S3FileIO(client: client, stagingDirectory: stagingDirectory)
        } catch {
            client.shutdown()
            throw error
        }
    }

    /// Sends later requests with `client` (new credentials); files staged so far stay where they are.
    /// Returns the client it replaces, for its owner to shut down.
    func replace(client: S3Client) -> S3Client {
        currentClient.withLock { current in
            defer { current = client }
            return current
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: staging)
    }

    private func location(_ uri: String) throws(IcebergError) -> S3Location {
        guard let location = S3Location(uri: uri) else { throw .unsupported("storage for \(uri) (an s3:// warehouse holds only s3:// files)") }
        return location
    }

    private func io<T>(_ uri: String, _ body: () throws(S3Error) -> T) throws(IcebergError) -> T {
        do {
            return try body()
        } catch {
            throw .io("\(uri): \(error.message)")
        }
    }

    public func write(_ bytes: [UInt8], to uri: String) throws(IcebergError) {
        let location = try location(uri)
        try io(uri) { () throws(S3Error) in try client.put(bytes, at: location) }
    }

    public func read(_ uri: String) throws(IcebergError) -> [UInt8] {
        let location = try location(uri)
        return try io(uri) { () throws(S3Error) in try client.get(location) }
    }

    /// Object storage has no directories.
    public func createDirectory(_ uri: String) throws(IcebergError) {}

    public func localPath(of uri: String) throws(IcebergError) -> String {
        let location = try location(uri)
        let path = "\(staging)/\(location.bucket)/\(location.key)"
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw .io("staging \(uri): \(error)")
        }
        return path
    }

    public func publish(_ uri: String) throws(IcebergError) {
        let path = try localPath(of: uri)
        let location = try location(uri)
        try io(uri) { () throws(S3Error) in try client.upload(file: path, to: location) }
        try? FileManager.default.removeItem(atPath: path)
    }

    public func localCopy(of uri: String) throws(IcebergError) -> String {
        let path = try localPath(of: uri)
        if FileManager.default.fileExists(atPath: path) { return path }
        let bytes = try read(uri)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw .io("staging a copy of \(uri) at \(path)") }
        return path
    }

    public func forgetLocalCopy(of uri: String) {
        if let path = try? localPath(of: uri) { try? FileManager.default.removeItem(atPath: path) }
    }

    public func delete(_ uri: String) {
        guard let location = try? location(uri) else { return }
        try? client.delete(location)
        if let path = try? localPath(of: uri) { try? FileManager.default.removeItem(atPath: path) }
    }
}
