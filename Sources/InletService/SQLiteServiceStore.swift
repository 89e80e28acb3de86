import Foundation
import GRDB
import InletJSON

/// The service's store in one SQLite file: a row per record, its JSON beside the columns that are
/// looked up or sorted on.
public final class SQLiteServiceStore: ServiceStore, @unchecked Sendable {
    private let queue: DatabaseQueue

    public init(path: String) throws(ServiceError) {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch {
            throw ServiceError(.internal, "opening the service store \(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1 sources, connections, syncs") { db in
            try db.execute(sql: """
                CREATE TABLE sources (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, created_at TEXT NOT NULL, body TEXT NOT NULL);
                CREATE INDEX sources_tenant ON sources (tenant, created_at);
                CREATE TABLE connections (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, source_id TEXT NOT NULL, created_at TEXT NOT NULL,
                                          body TEXT NOT NULL);
                CREATE INDEX connections_tenant ON connections (tenant, source_id);
                CREATE TABLE syncs (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, connection_id TEXT NOT NULL, status TEXT NOT NULL,
                                    started_at TEXT NOT NULL, completed_at TEXT, records_synced INTEGER, bytes_synced INTEGER,
                                    duration_ms INTEGER, body TEXT NOT NULL);
                CREATE INDEX syncs_tenant ON syncs (tenant, connection_id, started_at);
                CREATE INDEX syncs_status ON syncs (status);
                CREATE TABLE sync_logs (sync_id TEXT NOT NULL, line_number INTEGER NOT NULL, line TEXT NOT NULL,
                                        PRIMARY KEY (sync_id, line_number));
                """)
        }
        migrator.registerMigration("2 scheduled connections") { db in
            try db.execute(sql: """
                ALTER TABLE connections ADD COLUMN scheduled INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX connections_scheduled ON connections (scheduled);
                """)
        }
        migrator.registerMigration("3 idempotency keys") { db in
            try db.execute(sql: """
                CREATE TABLE idempotent_answers (tenant TEXT NOT NULL, key TEXT NOT NULL, operation TEXT NOT NULL, status INTEGER NOT NULL,
                                                 body TEXT NOT NULL, created_at REAL NOT NULL, PRIMARY KEY (tenant, key, operation));
                """)
        }
        return migrator
    }

    private func write<T>(_ what: String, _ body: (Database) throws -> T) throws(ServiceError) -> T {
        do { return try queue.write(body) } catch let error as ServiceError { throw error } catch {
            throw ServiceError(.internal, "\(what): \(error)")
        }
    }

    private func read<T>(_ what: String, _ body: (Database) throws -> T) throws(ServiceError) -> T {
        do { return try queue.read(body) } catch let error as ServiceError { throw error } catch {
            throw ServiceError(.internal, "\(what): \(error)")
        }
    }

    private static func body(_ value: JSONValue) -> String { JSONWriter.string(from: value) }

    /// The record of `table` with this tenant and id, made by `make` from its JSON.
    private func one<Record>(_ table: String, tenant: String, id: String,
                             _ make: (JSONValue) throws(ServiceError) -> Record) throws(ServiceError) -> Record? {
        let text = try read("reading \(table) \(id)") { db in
            try String.fetchOne(db, sql: "SELECT body FROM \(table) WHERE tenant = ? AND id = ?", arguments: [tenant, id])
        }
        guard let text else { return nil }
        return try make(try Self.decode(text))
    }

    /// Records made by `make` from the JSON bodies `sql` selects.
    private func all<Record>(_ what: String, _ sql: String, _ arguments: StatementArguments,
                             _ make: (JSONValue) throws(ServiceError) -> Record) throws(ServiceError) -> [Record] {
        let texts = try read(what) { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        var records: [Record] = []
        for text in texts { records.append(try make(try Self.decode(text))) }
        return records
    }

    private static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    // MARK: - Sources

    public func save(_ source: SourceRecord) throws(ServiceError) {
        try write("saving source \(source.id)") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO sources (id, tenant, created_at, body) VALUES (?, ?, ?, ?)",
                           arguments: [source.id, source.tenant, source.createdAt, Self.body(source.json)])
        }
    }

    public func source(tenant: String, id: String) throws(ServiceError) -> SourceRecord? {
        try one("sources", tenant: tenant, id: id, SourceRecord.init(json:))
    }

    public func sources(tenant: String) throws(ServiceError) -> [SourceRecord] {
        try all("listing sources", "SELECT body FROM sources WHERE tenant = ? ORDER BY created_at, id", [tenant], SourceRecord.init(json:))
    }

    public func deleteSource(tenant: String, id: String) throws(ServiceError) {
        try write("deleting source \(id)") { db in
            try db.execute(sql: "DELETE FROM sources WHERE tenant = ? AND id = ?", arguments: [tenant, id])
        }
    }

    // MARK: - Connections

    public func save(_ connection: ConnectionRecord) throws(ServiceError) {
        try write("saving connection \(connection.id)") { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO connections (id, tenant, source_id, created_at, scheduled, body) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [connection.id, connection.tenant, connection.sourceID, connection.createdAt,
                                 connection.syncSchedule == nil ? 0 : 1, Self.body(connection.json)])
        }
    }

    public func connection(tenant: String, id: String) throws(ServiceError) -> ConnectionRecord? {
        try one("connections", tenant: tenant, id: id, ConnectionRecord.init(json:))
    }

    public func connections(tenant: String, sourceID: String?) throws(ServiceError) -> [ConnectionRecord] {
        if let sourceID {
            return try all("listing connections", "SELECT body FROM connections WHERE tenant = ? AND source_id = ? ORDER BY created_at, id",
                           [tenant, sourceID], ConnectionRecord.init(json:))
        }
        return try all("listing connections", "SELECT body FROM connections WHERE tenant = ? ORDER BY created_at, id", [tenant],
                       ConnectionRecord.init(json:))
    }

    public func deleteConnection(tenant: String, id: String) throws(ServiceError) {
        try write("deleting connection \(id)") { db in
            try db.execute(sql: "DELETE FROM connections WHERE tenant = ? AND id = ?", arguments: [tenant, id])
        }
    }

    public func scheduledConnections() throws(ServiceError) -> [ConnectionRecord] {
        try all("listing scheduled connections", "SELECT body FROM connections WHERE scheduled = 1 ORDER BY created_at, id", [],
                ConnectionRecord.init(json:))
    }

    // MARK: - Syncs

    public func save(_ sync: SyncRecord) throws(ServiceError) {
        try write("saving sync \(sync.id)") { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO syncs (id, tenant, connection_id, status, started_at, completed_at, records_synced, bytes_synced,
                                              duration_ms, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [sync.id, sync.tenant, sync.connectionID, sync.status.rawValue, sync.startedAt, sync.completedAt,
                                 sync.recordsSynced, sync.bytesSynced, sync.durationMs, Self.body(sync.json)])
        }
    }

    public func sync(tenant: String, id: String) throws(ServiceError) -> SyncRecord? {
        try one("syncs", tenant: tenant, id: id, SyncRecord.init(json:))
    }

    public func syncs(tenant: String, query: SyncQuery) throws(ServiceError) -> (syncs: [SyncRecord], total: Int) {
        let column = switch query.sort {
        case .startedAt: "started_at"
        case .completedAt: "completed_at"
        case .status: "status"
        case .recordsSynced: "records_synced"
        case .bytesSynced: "bytes_synced"
        case .durationMs: "duration_ms"
        case .id: "id"
        }
        let direction = query.descending ? "DESC" : "ASC"
        var filter = "tenant = ?"
        var arguments: StatementArguments = [tenant]
        if let connectionID = query.connectionID {
            filter += " AND connection_id = ?"
            arguments += [connectionID]
        }
        let (texts, total) = try read("listing syncs") { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM syncs WHERE \(filter)", arguments: arguments) ?? 0
            let texts = try String.fetchAll(db, sql: """
                SELECT body FROM syncs WHERE \(filter) ORDER BY \(column) \(direction), id \(direction) LIMIT ? OFFSET ?
                """, arguments: arguments + [query.size, query.page * query.size])
            return (texts, total)
        }
        var syncs: [SyncRecord] = []
        for text in texts { syncs.append(try SyncRecord(json: try Self.decode(text))) }
        return (syncs, total)
    }

    public func syncs(in statuses: [SyncRecord.Status]) throws(ServiceError) -> [SyncRecord] {
        try all("listing unfinished syncs", "SELECT body FROM syncs WHERE status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))",
                StatementArguments(statuses.map(\.rawValue)), SyncRecord.init(json:))
    }

    public func rememberedAnswer(tenant: String, key: String, operation: String, maximumAge: Double) throws(ServiceError) -> RememberedAnswer? {
        try read("reading an idempotent answer") { db in
            try Row.fetchOne(db, sql: """
                SELECT status, body FROM idempotent_answers WHERE tenant = ? AND key = ? AND operation = ? AND created_at > ?
                """, arguments: [tenant, key, operation, Date().timeIntervalSince1970 - maximumAge])
                .map { RememberedAnswer(status: $0["status"], body: $0["body"]) }
        }
    }

    public func remember(_ answer: RememberedAnswer, tenant: String, key: String, operation: String) throws(ServiceError) {
        try write("keeping an idempotent answer") { db in
            // A key older than a day may be used again.
            try db.execute(sql: "DELETE FROM idempotent_answers WHERE created_at < ?", arguments: [Date().timeIntervalSince1970 - 86400])
            try db.execute(sql: """
                INSERT OR IGNORE INTO idempotent_answers (tenant, key, operation, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [tenant, key, operation, answer.status, answer.body, Date().timeIntervalSince1970])
        }
    }

    public func appendLog(syncID: String, lines: [String]) throws(ServiceError) {
        guard !lines.isEmpty else { return }
        try write("saving the log of sync \(syncID)") { db in
            let next = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(line_number), 0) + 1 FROM sync_logs WHERE sync_id = ?",
                                        arguments: [syncID]) ?? 1
            for (offset, line) in lines.enumerated() {
                try db.execute(sql: "INSERT INTO sync_logs (sync_id, line_number, line) VALUES (?, ?, ?)", arguments: [syncID, next + offset, line])
            }
        }
    }

    public func log(tenant: String, syncID: String) throws(ServiceError) -> [String] {
        try read("reading the log of sync \(syncID)") { db in
            try String.fetchAll(db, sql: """
                SELECT l.line FROM sync_logs l JOIN syncs s ON s.id = l.sync_id WHERE s.tenant = ? AND l.sync_id = ? ORDER BY l.line_number
                """, arguments: [tenant, syncID])
        }
    }

    private static func decode(_ text: String) throws(ServiceError) -> JSONValue {
        do { return try parse(text) } catch { throw ServiceError(.internal, "a stored record is not JSON: \(error)") }
    }
}
