import Foundation
import NIOSSL
import PostgresNIO

/// `postgres://user:password@host:port/database?sslmode=…`, as libpq reads it (the password is
/// never printed).
struct PostgresURL: Sendable {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String?
    var sslMode: String

    init(_ text: String) throws(PostgresFailure) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw PostgresFailure("a PostgreSQL URL must look like postgres://user:password@host:port/database (got a URL with scheme \(URLComponents(string: text)?.scheme ?? "none"))")
        }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        user = components.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["PGUSER"] ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw PostgresFailure("sslmode=\(sslMode) in \(redacted): expected disable, allow, prefer, require, verify-ca or verify-full")
        }
    }

    var redacted: String { "postgres://\(user)@\(host):\(port)/\(database ?? "")" }

    func configuration() throws(PostgresFailure) -> PostgresConnection.Configuration {
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
            throw PostgresFailure("setting up TLS for \(redacted): \(error)")
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
