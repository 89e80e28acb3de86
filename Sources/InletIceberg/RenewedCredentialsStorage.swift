import Foundation
import InletS3
import Synchronization

/// S3 storage with credentials a catalog vended for a while: before a request, credentials that
/// expire within five minutes are renewed (one renewal at a time; the others wait for it).
final class RenewedCredentialsStorage: TableStorage {
    static let margin: TimeInterval = 300
    private let files: S3FileIO
    private let expiry: Mutex<Date?>
    private let renew: @Sendable () throws(IcebergError) -> (S3Client, Date?)
    private let retire: @Sendable (S3Client) -> Void

    init(files: S3FileIO, expiry: Date?, renew: @escaping @Sendable () throws(IcebergError) -> (S3Client, Date?),
         retire: @escaping @Sendable (S3Client) -> Void) {
        self.files = files
        self.expiry = Mutex(expiry)
        self.renew = renew
        self.retire = retire
    }

    deinit {
        files.client.shutdown()
    }

    private func current() throws(IcebergError) -> S3FileIO {
        try expiry.withLock { (expiry) throws(IcebergError) in
            guard let date = expiry, date.timeIntervalSinceNow < Self.margin else { return }
            let (client, next) = try renew()
            retire(files.replace(client: client))
            expiry = next
        }
        return files
    }

    func write(_ bytes: [UInt8], to uri: String) throws(IcebergError) { try current().write(bytes, to: uri) }
    func read(_ uri: String) throws(IcebergError) -> [UInt8] { try current().read(uri) }
    func createDirectory(_ uri: String) throws(IcebergError) {}
    func localPath(of uri: String) throws(IcebergError) -> String { try files.localPath(of: uri) }
    func publish(_ uri: String) throws(IcebergError) { try current().publish(uri) }
    func localCopy(of uri: String) throws(IcebergError) -> String { try current().localCopy(of: uri) }
    func forgetLocalCopy(of uri: String) { files.forgetLocalCopy(of: uri) }
    func delete(_ uri: String) { (try? current())?.delete(uri) }
}
