import Foundation
public import InletIceberg
import InletPostgres
import InletJSON
import InletS3

/// The Iceberg catalog a sync writes through, and where its local files go: a SQLite catalog in the
/// data directory (the default), PostgreSQL (`sql:postgres://…`) or a REST catalog (`rest:http…`),
/// over a local or `s3://` warehouse. `close` ends its connections.
public struct WarehouseSetup: Sendable {
    public let catalog: any IcebergCatalog
    /// Where staged batches and data files wait on this machine.
    public let localDirectory: String
    /// What the summary names as the destination.
    public let description: String
    /// Which catalog and warehouse these are, without secrets: checkpoints belong to a source and
    /// the tables it fills, so a sync into other tables starts afresh instead of resuming.
    public let identity: String
    public let close: @Sendable () -> Void

    /// `catalogSpec` is `--catalog` when it names an Iceberg catalog; `settings` come from `--catalog-config`.
    /// `notice` is told about retries of the catalog's and storage's requests.
    public static func open(catalogSpec: String?, warehouse: String?, dataDir: String, s3Settings: [String: String],
                     catalogSettings: [String: String], notice: @escaping @Sendable (String) -> Void) throws -> WarehouseSetup {
        let remote = warehouse.flatMap { $0.hasPrefix("s3://") || $0.hasPrefix("s3a://") ? $0 : nil }
        if let spec = catalogSpec, spec.hasPrefix("rest:") {
            return try rest(uri: String(spec.dropFirst("rest:".count)), warehouse: warehouse, dataDir: dataDir, s3Settings: s3Settings,
                            catalogSettings: catalogSettings, notice: notice)
        }
        let local = URL(fileURLWithPath: remote == nil ? warehouse ?? dataDir + "/warehouse" : dataDir + "/work").standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        var closers: [@Sendable () -> Void] = []
        let storage: any TableStorage
        if let remote {
            guard var s3 = S3Client.Configuration.fromSettings(s3Settings) else {
                throw SetupError("--warehouse \(remote): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or access_key_id and secret_access_key in --s3-config (and an endpoint for a server other than AWS)")
            }
            s3.retryNotice = notice
            let files = try S3FileIO.owningClient(S3Client(s3), stagingDirectory: local + "/s3-staging")
            closers.append { files.client.shutdown() }
            storage = files
        } else {
            storage = LocalFileIO()
        }
        let location = remote ?? "file://" + local
        let catalog: any IcebergCatalog
        let catalogIdentity: String
        let name = catalogSettings["name"] ?? "default"
        // The default is the SQLite catalog in the data directory.
        let spec = catalogSpec ?? "sql:sqlite:" + dataDir + "/catalog.db"
        // A catalog that cannot be opened leaves no connection behind.
        do {
            if spec.hasPrefix("sql:postgres://") || spec.hasPrefix("sql:postgresql://") {
                let postgres = try PostgresCatalog(url: String(spec.dropFirst("sql:".count)), warehouse: location, name: name, storage: storage)
                closers.append { postgres.close() }
                catalog = postgres
                catalogIdentity = withoutPassword(spec)
            } else if spec.hasPrefix("sql:sqlite:") {
                let path = String(spec.dropFirst("sql:sqlite:".count))
                catalog = try SQLiteCatalog(path: path, warehouse: location, name: name, storage: storage)
                catalogIdentity = "sql:sqlite:" + URL(fileURLWithPath: path).standardizedFileURL.path
            } else {
                throw SetupError("--catalog \(redacted(spec)): expected rest:http(s)://…, sql:postgres://… or sql:sqlite:PATH")
            }
        } catch {
            for close in closers { close() }
            throw error
        }
        return WarehouseSetup(catalog: catalog, localDirectory: local, description: "warehouse \(location)",
                              identity: "\(catalogIdentity) \(name) \(location)") { [closers] in
            for close in closers { close() }
        }
    }

    private static func rest(uri: String, warehouse: String?, dataDir: String, s3Settings: [String: String],
                             catalogSettings: [String: String], notice: @escaping @Sendable (String) -> Void) throws -> WarehouseSetup {
        guard uri.hasPrefix("http://") || uri.hasPrefix("https://") else {
            throw SetupError("--catalog rest:\(uri): expected rest:http://… or rest:https://…")
        }
        let environment = ProcessInfo.processInfo.environment
        let credential = catalogSettings["credential"] ?? environment["INLET_CATALOG_CREDENTIAL"]
        var clientID: String?
        var clientSecret: String?
        if let credential {
            // "id:secret", or a secret alone (pyiceberg's form).
            let parts = credential.split(separator: ":", maxSplits: 1).map(String.init)
            (clientID, clientSecret) = parts.count == 2 ? (parts[0], parts[1]) : (nil, parts.first)
        }
        let local = URL(fileURLWithPath: dataDir + "/work").standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        let fileIO = FileIOProperties(base: s3Settings, stagingDirectory: local + "/s3-staging", retryNotice: notice)
        var configuration = RESTCatalog.Configuration(
            uri: uri, warehouse: catalogSettings["warehouse"] ?? warehouse, clientID: clientID ?? (clientSecret == nil ? nil : ""),
            clientSecret: clientSecret, token: catalogSettings["token"] ?? environment["INLET_CATALOG_TOKEN"],
            oauthServerURI: catalogSettings["oauth2-server-uri"], scope: catalogSettings["scope"] ?? "catalog")
        configuration.retryNotice = notice
        let catalog = try RESTCatalog(configuration, fileIO: fileIO)
        let warehouseText = configuration.warehouse.map { " (warehouse \($0))" } ?? ""
        return WarehouseSetup(catalog: catalog, localDirectory: local, description: "catalog \(uri)" + warehouseText,
                              identity: "rest:\(uri)" + warehouseText) {
            catalog.shutdown()
        }
    }

    /// The spec without its password (`sql:postgres://user:secret@host/db` → `sql:postgres://user@host/db`).
    public static func withoutPassword(_ spec: String) -> String {
        guard let password = passwordRange(in: spec) else { return spec }
        return String(spec[..<spec.index(before: password.lowerBound)]) + String(spec[password.upperBound...])
    }

    /// The spec with its password masked (`postgres://user:secret@…` → `postgres://user:***@…`).
    public static func redacted(_ spec: String) -> String {
        guard let password = passwordRange(in: spec) else { return spec }
        return spec.replacingCharacters(in: password, with: "***")
    }

    /// Where the password of `scheme://user:password@host…` stands.
    private static func passwordRange(in spec: String) -> Range<String.Index>? {
        guard let at = spec.firstIndex(of: "@"), let scheme = spec.range(of: "://"), scheme.upperBound < at,
              let colon = spec[scheme.upperBound..<at].firstIndex(of: ":") else { return nil }
        return spec.index(after: colon)..<at
    }
}
