import Foundation
public import InletS3
import Synchronization

/// Table storage from Iceberg FileIO properties (`s3.endpoint`, `s3.region`, `s3.access-key-id`,
/// `s3.secret-access-key`, `s3.session-token`, `s3.path-style-access`), as a REST catalog hands
/// them out for the whole catalog or vends them for one table. Storage for the same settings is
/// made once and shared; `shutdown` closes every S3 client made.
public final class FileIOProperties: Sendable {
    /// Settings in `S3Client.Configuration.fromSettings` form that apply where the catalog names none.
    private let base: [String: String]
    private let stagingDirectory: String
    private let made = Mutex<[String: S3FileIO]>([:])
    /// Clients whose credentials were renewed, shut down with the rest.
    private let retired = Mutex<[S3Client]>([])

    private let retryNotice: (@Sendable (String) -> Void)?

    /// `retryNotice` is told about each retry of the S3 clients made here.
    public init(base: [String: String], stagingDirectory: String, retryNotice: (@Sendable (String) -> Void)? = nil) {
        self.base = base
        self.stagingDirectory = stagingDirectory
        self.retryNotice = retryNotice
    }

    /// The storage for files under `location` with these catalog properties. Credentials vended with
    /// an expiry (`s3.session-token-expires-at-ms`) are renewed through `renew` (the catalog asked
    /// again) shortly before they expire.
    func storage(for location: String, properties: [String: String],
                 renew: (@Sendable () throws(IcebergError) -> [String: String])? = nil) throws(IcebergError) -> any TableStorage {
        if let renew, let expiry = Self.expiry(properties) {
            let files = try S3FileIO.owningClient(S3Client(try configuration(for: location, properties: properties)),
                                     stagingDirectory: "\(stagingDirectory)/vended-\(UUID().uuidString)")
            return RenewedCredentialsStorage(files: files, expiry: expiry) { () throws(IcebergError) -> (S3Client, Date?) in
                let renewed = try renew()
                let client = S3Client(try self.configuration(for: location, properties: renewed))
                return (client, Self.expiry(renewed))
            } retire: { client in
                self.retired.withLock { $0.append(client) }
            }
        }
        if location.hasPrefix("file:") || location.hasPrefix("/") { return LocalFileIO() }
        guard location.hasPrefix("s3://") || location.hasPrefix("s3a://") else {
            throw .unsupported("storage for \(location) (only s3:// and file:// locations)")
        }
        let configuration = try configuration(for: location, properties: properties)
        let settings = s3Settings(properties)
        let key = settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        return try made.withLock { (made) throws(IcebergError) -> S3FileIO in
            if let storage = made[key] { return storage }
            let storage = try S3FileIO.owningClient(S3Client(configuration), stagingDirectory: "\(stagingDirectory)/\(made.count)")
            made[key] = storage
            return storage
        }
    }

    private func configuration(for location: String, properties: [String: String]) throws(IcebergError) -> S3Client.Configuration {
        guard var configuration = S3Client.Configuration.fromSettings(s3Settings(properties)) else {
            throw .catalog("no S3 credentials for \(location): the catalog vended none; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or access_key_id and secret_access_key in --s3-config")
        }
        configuration.retryNotice = retryNotice
        return configuration
    }

    /// When vended credentials expire.
    static func expiry(_ properties: [String: String]) -> Date? {
        properties["s3.session-token-expires-at-ms"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) }
    }

    /// The base settings overlaid with what the properties say.
    func s3Settings(_ properties: [String: String]) -> [String: String] {
        var settings = base
        let names = ["s3.endpoint": "endpoint", "s3.region": "region", "client.region": "region", "s3.access-key-id": "access_key_id",
                     "s3.secret-access-key": "secret_access_key", "s3.session-token": "session_token", "s3.path-style-access": "path_style"]
        for (property, setting) in names {
            if let value = properties[property], !value.isEmpty { settings[setting] = value }
        }
        // Vended keys come without a session token of the user's.
        if properties["s3.access-key-id"] != nil && properties["s3.session-token"] == nil { settings["session_token"] = nil }
        return settings
    }

    public func shutdown() {
        let storages = made.withLock { made in
            defer { made = [:] }
            return Array(made.values)
        }
        for storage in storages { storage.client.shutdown() }
        for client in retired.withLock({ retired in defer { retired = [] }; return retired }) { client.shutdown() }
    }
}
