import Foundation
public import InletPipeline
import InletJSON
public import InletProtocol
import PostgresNIO

/// Checkpoints in a PostgreSQL database (the tables of `SQLiteStateStore`), so that a sync can
/// resume on any machine: the usual companion of a shared catalog, when workers come and go.
/// A save is one transaction.
public final class PostgresStateStore: StateStore {
    private let session: PostgresSession

    public init(url: String) throws(StateStoreError) {
        do {
            session = try PostgresSession(url: url, label: "inlet.state.postgres")
        } catch {
            throw StateStoreError(description: "opening the state store: \(error.message)")
        }
        for statement in [
            """
            CREATE TABLE IF NOT EXISTS inlet_states (
              connection TEXT NOT NULL, state_key TEXT NOT NULL, state TEXT NOT NULL, updated_at BIGINT NOT NULL,
              PRIMARY KEY (connection, state_key))
            """,
            """
            CREATE TABLE IF NOT EXISTS inlet_uncheckpointed (
              connection TEXT NOT NULL, stream TEXT NOT NULL, records BIGINT NOT NULL,
              PRIMARY KEY (connection, stream))
            """,
        ] {
            do {
                _ = try session.run(PostgresQuery(unsafeSQL: statement), what: "creating the state store's tables")
            } catch {
                // Two syncs creating the tables at once: one of them gets a unique violation.
                guard (try? session.run("SELECT 1 FROM inlet_states LIMIT 1", what: "reading the state store")) != nil else {
                    throw StateStoreError(description: error.message)
                }
            }
        }
    }

    /// Closes the connection (the store opens another if it is used again).
    public func close() {
        session.close()
    }

    public func states(connection: String) throws(StateStoreError) -> [AirbyteStateMessage] {
        let what = "reading the checkpoint of \(connection)"
        do {
            let result = try session.run("SELECT state FROM inlet_states WHERE connection = \(connection) ORDER BY state_key", what: what)
            return try result.rows.map { row in
                try AirbyteStateMessage(json: try JSONParser.parse(Array(try row.decode(String.self).utf8)), path: JSONPath())
            }
        } catch let error as PostgresFailure {
            throw StateStoreError(description: error.message)
        } catch {
            throw StateStoreError(description: "\(what): \(error)")
        }
    }

    public func save(_ states: [AirbyteStateMessage], uncheckpointedRecords: [String: Int], connection: String) throws(StateStoreError) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // One statement, so that the checkpoint is saved whole or not at all.
        var parts: [String] = []
        var bindings = PostgresBindings()
        // A later state of the same stream replaces an earlier one (one statement cannot update a row twice).
        var latest: [String: AirbyteStateMessage] = [:]
        var keys: [String] = []
        for state in states {
            let key = SQLiteStateStore.key(of: state)
            if latest.updateValue(state, forKey: key) == nil { keys.append(key) }
        }
        for key in keys {
            guard let state = latest[key] else { continue }
            bindings.append(connection)
            bindings.append(key)
            bindings.append(JSONWriter.string(from: state.json))
            bindings.append(now)
            let base = bindings.count - 4
            parts.append("""
                s\(parts.count) AS (INSERT INTO inlet_states (connection, state_key, state, updated_at)
                  VALUES ($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4))
                  ON CONFLICT (connection, state_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at)
                """)
        }
        for (stream, records) in uncheckpointedRecords {
            bindings.append(connection)
            bindings.append(stream)
            bindings.append(Int64(records))
            let base = bindings.count - 3
            parts.append("""
                s\(parts.count) AS (INSERT INTO inlet_uncheckpointed (connection, stream, records) VALUES ($\(base + 1), $\(base + 2), $\(base + 3))
                  ON CONFLICT (connection, stream) DO UPDATE SET records = excluded.records)
                """)
        }
        guard !parts.isEmpty else { return }
        let statement = PostgresQuery(unsafeSQL: "WITH " + parts.joined(separator: ",\n") + " SELECT 1", binds: bindings)
        do {
            _ = try session.run(statement, what: "saving the checkpoint of \(connection)")
        } catch {
            throw StateStoreError(description: error.message)
        }
    }

    public func uncheckpointedRecords(connection: String) throws(StateStoreError) -> [String: Int] {
        let what = "reading \(connection)"
        do {
            let result = try session.run("SELECT stream, records FROM inlet_uncheckpointed WHERE connection = \(connection)", what: what)
            var records: [String: Int] = [:]
            for row in result.rows {
                let (stream, count) = try row.decode((String, Int64).self)
                records[stream] = Int(count)
            }
            return records
        } catch let error as PostgresFailure {
            throw StateStoreError(description: error.message)
        } catch {
            throw StateStoreError(description: "\(what): \(error)")
        }
    }
}
