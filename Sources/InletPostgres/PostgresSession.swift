import Foundation
import Logging
import NIOCore
import NIOPosix
public import PostgresNIO
import Synchronization

/// Why a statement or a connection failed: what was being done, where, and the server's word,
/// never the password.
public struct PostgresFailure: Error, Sendable, CustomStringConvertible {
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// One connection to a PostgreSQL database for synchronous callers: statements are waited for on
/// the calling thread (never one of the event loops); a connection found closed is opened again,
/// and a statement that failed because the connection was lost runs once more on a new one.
public final class PostgresSession: Sendable {
    let url: PostgresURL
    private let connection = Mutex<PostgresConnection?>(nil)
    private let logger: Logger

    public init(url: String, label: String) throws(PostgresFailure) {
        self.url = try PostgresURL(url)
        logger = Logger(label: label)
    }

    deinit {
        close()
    }

    /// Closes the connection (the session opens another if it is used again).
    public func close() {
        let open = connection.withLock { held in
            defer { held = nil }
            return held
        }
        try? (open?.close() as EventLoopFuture<Void>?)?.wait()
    }

    /// Runs a statement; when it failed because the connection was lost, it runs once more on a
    /// new connection.
    public func run(_ query: PostgresQuery, what: String) throws(PostgresFailure) -> PostgresQueryResult {
        do {
            return try runOnce(query, what: what)
        } catch {
            guard connection.withLock({ $0 == nil }) else { throw error }
            return try runOnce(query, what: what)
        }
    }

    /// Runs a statement once (for one whose outcome the caller settles itself when its answer is lost).
    func runOnce(_ query: PostgresQuery, what: String) throws(PostgresFailure) -> PostgresQueryResult {
        let open = try openConnection(what: what)
        do {
            return try open.query(query, logger: logger).wait()
        } catch {
            if open.isClosed { connection.withLock { if $0 === open { $0 = nil } } }
            throw PostgresFailure("\(what): \(Self.describe(error))")
        }
    }

    private func openConnection(what: String) throws(PostgresFailure) -> PostgresConnection {
        if let open = connection.withLock({ $0 }), !open.isClosed { return open }
        let opened: PostgresConnection
        do {
            opened = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try url.configuration(),
                                                    id: 1, logger: logger).wait()
        } catch let error as PostgresFailure {
            throw error
        } catch {
            throw PostgresFailure("\(what): connecting to \(url.redacted): \(Self.describe(error))")
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
