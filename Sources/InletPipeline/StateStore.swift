import Foundation
import GRDB
public import InletJSON
public import InletProtocol

/// Where a connection's checkpoints are kept between syncs.
public protocol StateStore: Sendable {
    /// The connection's latest checkpoint: one state per stream (or the global one).
    func states(connection: String) throws(StateStoreError) -> [AirbyteStateMessage]
    /// Records states, each replacing the previous state of its stream (or the global state), and
    /// per stream how many records were committed after its state (rows a rerun may read again).
    func save(_ states: [AirbyteStateMessage], uncheckpointedRecords: [String: Int], connection: String) throws(StateStoreError)
    /// Per stream, records committed after the latest checkpoint when the last sync stopped.
    func uncheckpointedRecords(connection: String) throws(StateStoreError) -> [String: Int]
}

public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// Checkpoints in a SQLite file (the embedded default), written in one transaction at a time.
public final class SQLiteStateStore: StateStore, @unchecked Sendable {
    private let queue: DatabaseQueue

    public init(path: String) throws(StateStoreError) {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS inlet_states (
                      connection TEXT NOT NULL, state_key TEXT NOT NULL, state TEXT NOT NULL, updated_at INTEGER NOT NULL,
                      PRIMARY KEY (connection, state_key));
                    CREATE TABLE IF NOT EXISTS inlet_uncheckpointed (
                      connection TEXT NOT NULL, stream TEXT NOT NULL, records INTEGER NOT NULL,
                      PRIMARY KEY (connection, stream));
                    """)
            }
        } catch {
            throw StateStoreError(description: "opening the state store \(path): \(error)")
        }
    }

    public func states(connection: String) throws(StateStoreError) -> [AirbyteStateMessage] {
        do {
            let texts = try queue.read { db in
                try String.fetchAll(db, sql: "SELECT state FROM inlet_states WHERE connection = ? ORDER BY state_key", arguments: [connection])
            }
            return try texts.map { text in try AirbyteStateMessage(json: try JSONParser.parse(text), path: JSONPath()) }
        } catch {
            throw StateStoreError(description: "reading the checkpoint of \(connection): \(error)")
        }
    }

    public func save(_ states: [AirbyteStateMessage], uncheckpointedRecords: [String: Int], connection: String) throws(StateStoreError) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        do {
            try queue.write { db in
                for state in states {
                    try db.execute(sql: """
                        INSERT INTO inlet_states (connection, state_key, state, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (connection, state_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                        """, arguments: [connection, Self.key(of: state), JSONWriter.string(from: state.json), now])
                }
                for (stream, records) in uncheckpointedRecords {
                    try db.execute(sql: """
                        INSERT INTO inlet_uncheckpointed (connection, stream, records) VALUES (?, ?, ?)
                        ON CONFLICT (connection, stream) DO UPDATE SET records = excluded.records
                        """, arguments: [connection, stream, records])
                }
            }
        } catch {
            throw StateStoreError(description: "saving the checkpoint of \(connection): \(error)")
        }
    }

    public func uncheckpointedRecords(connection: String) throws(StateStoreError) -> [String: Int] {
        do {
            let rows = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT stream, records FROM inlet_uncheckpointed WHERE connection = ?", arguments: [connection])
            }
            return Dictionary(rows.map { ($0["stream"] as String, $0["records"] as Int) }, uniquingKeysWith: { $1 })
        } catch {
            throw StateStoreError(description: "reading \(connection): \(error)")
        }
    }

    /// A stream state replaces its stream's; a global or legacy state replaces the one before it.
    public static func key(of state: AirbyteStateMessage) -> String {
        switch state.effectiveType {
        case .stream:
            let descriptor = state.stream?.streamDescriptor
            return "stream:" + (descriptor?.namespace.map { $0 + "." } ?? "") + (descriptor?.name ?? "")
        case .global: return "global"
        default: return "legacy"
        }
    }
}
