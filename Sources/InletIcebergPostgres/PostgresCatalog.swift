import Foundation
public import InletIceberg
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// The SQL catalog on PostgreSQL: the tables and compare-and-swap of `SQLiteCatalog`, in a database
/// many machines share (pyiceberg's `SqlCatalog` and Java's `JdbcCatalog` read the same rows).
/// Statements run on one connection, waited for on the calling thread; a dropped connection is
/// opened again, and a commit whose answer was lost is settled by reading the row back.
public final class PostgresCatalog: SQLIcebergCatalog {
    public let name: String
    public let warehouse: String
    public let storage: any TableStorage
    private let settings: PostgresURL
    private let connection = Mutex<PostgresConnection?>(nil)
    private let logger = Logger(label: "inlet.catalog.postgres")

    /// Connects to the database `url` names (`postgres://user:password@host:port/database`) and
    /// creates the catalog's tables unless they exist.
    public init(url: String, warehouse: String, name: String = "default", storage: any TableStorage) throws(IcebergError) {
        settings = try PostgresURL(url)
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

    deinit {
        close()
    }

    /// Closes the connection (the catalog opens another if it is used again).
    public func close() {
        let open = connection.withLock { held in
            defer { held = nil }
            return held
        }
        try? (open?.close() as EventLoopFuture<Void>?)?.wait()
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

    /// Runs a statement; when it failed because the connection was lost, it runs once more on a
    /// new connection.
    private func run(_ query: PostgresQuery, what: String) throws(IcebergError) -> PostgresQueryResult {
        do {
            return try runOnce(query, what: what)
        } catch {
            guard connection.withLock({ $0 == nil }) else { throw error }
            return try runOnce(query, what: what)
        }
    }

    private func runOnce(_ query: PostgresQuery, what: String) throws(IcebergError) -> PostgresQueryResult {
        let open = try openConnection(what: what)
        do {
            return try open.query(query, logger: logger).wait()
        } catch {
            if open.isClosed { connection.withLock { if $0 === open { $0 = nil } } }
            throw .catalog("\(what): \(Self.describe(error))")
        }
    }

    private func openConnection(what: String) throws(IcebergError) -> PostgresConnection {
        if let open = connection.withLock({ $0 }), !open.isClosed { return open }
        let opened: PostgresConnection
        do {
            opened = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try settings.configuration(),
                                                    id: 1, logger: logger).wait()
        } catch let error as IcebergError {
            throw error
        } catch {
            throw .catalog("\(what): connecting to \(settings.redacted): \(Self.describe(error))")
        }
        let kept = connection.withLock { held -> PostgresConnection in
            if let held, !held.isClosed { return held }
            held = opened
            return opened
        }
        if kept !== opened { opened.close().whenComplete { _ in } }
        return kept
    }

    /// The server's message and code for a statement error, not the statement (which holds no
    /// secret, but is long).
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let message = error.serverInfo?[.message] {
            return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
        }
        return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }
}

/// `postgres://user:password@host:port/database?sslmode=…`, as libpq reads it (the password is
/// never printed).
struct PostgresURL: Sendable {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String?
    var sslMode: String

    init(_ text: String) throws(IcebergError) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw .catalog("the catalog URL must look like postgres://user:password@host:port/database (got a URL with scheme \(URLComponents(string: text)?.scheme ?? "none"))")
        }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        user = components.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["PGUSER"] ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw .catalog("sslmode=\(sslMode) in the catalog URL: expected disable, prefer, require, verify-ca or verify-full")
        }
    }

    var redacted: String { "postgres://\(user)@\(host):\(port)/\(database ?? "")" }

    func configuration() throws(IcebergError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch sslMode {
            case "disable":
                tls = .disable
            case "allow", "prefer":
                var client = TLSConfiguration.makeClientConfiguration()
                client.certificateVerification = .none
                tls = .prefer(try NIOSSLContext(configuration: client))
            case "require":
                var client = TLSConfiguration.makeClientConfiguration()
                client.certificateVerification = .none
                tls = .require(try NIOSSLContext(configuration: client))
            default:
                tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw .catalog("setting up TLS for \(redacted): \(error)")
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
