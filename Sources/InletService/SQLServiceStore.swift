import Foundation
import InletJSON
import Synchronization

/// The service's store in SQL, the same schema and migrations on SQLite and PostgreSQL: a row per
/// record, its JSON beside the columns that are looked up or sorted on.
public final class SQLServiceStore: ServiceStore {
    private let database: any ServiceDatabase
    /// A sync's log lines are numbered one writer at a time.
    private let logNumbering = Mutex(())

    /// `sql:sqlite:PATH` or `sql:postgres://user[:password]@host:port/database`.
    public convenience init(spec: String) throws(ServiceError) {
        if spec.hasPrefix("sql:sqlite:") {
            try self.init(database: try SQLiteServiceDatabase(path: String(spec.dropFirst("sql:sqlite:".count))))
        } else if spec.hasPrefix("sql:postgres://") || spec.hasPrefix("sql:postgresql://") {
            try self.init(database: try PostgresServiceDatabase(url: String(spec.dropFirst("sql:".count))))
        } else {
            throw ServiceError(.invalid, "the store must be sql:sqlite:PATH or sql:postgres://…")
        }
    }

    init(database: any ServiceDatabase) throws(ServiceError) {
        self.database = database
        try database.migrating { () throws(ServiceError) in try migrate() }
    }

    /// Each version's statements, applied once, in order.
    private static let migrations: [[String]] = [
        [
            "CREATE TABLE sources (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, created_at TEXT NOT NULL, body TEXT NOT NULL)",
            "CREATE INDEX sources_tenant ON sources (tenant, created_at)",
            """
            CREATE TABLE connections (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, source_id TEXT NOT NULL, created_at TEXT NOT NULL,
                                      scheduled INTEGER NOT NULL, body TEXT NOT NULL)
            """,
            "CREATE INDEX connections_tenant ON connections (tenant, source_id)",
            "CREATE INDEX connections_scheduled ON connections (scheduled)",
            """
            CREATE TABLE syncs (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, connection_id TEXT NOT NULL, status TEXT NOT NULL,
                                started_at TEXT NOT NULL, completed_at TEXT, records_synced BIGINT, bytes_synced BIGINT,
                                duration_ms BIGINT, body TEXT NOT NULL)
            """,
            "CREATE INDEX syncs_tenant ON syncs (tenant, connection_id, started_at)",
            "CREATE INDEX syncs_status ON syncs (status)",
            "CREATE TABLE sync_logs (sync_id TEXT NOT NULL, line_number BIGINT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (sync_id, line_number))",
            """
            CREATE TABLE idempotent_answers (tenant TEXT NOT NULL, key TEXT NOT NULL, operation TEXT NOT NULL, status BIGINT NOT NULL,
                                             body TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (tenant, key, operation))
            """,
        ],
        [
            """
            CREATE TABLE jobs (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, name TEXT NOT NULL,
                               created_at TEXT NOT NULL, body TEXT NOT NULL)
            """,
            "CREATE INDEX jobs_tenant ON jobs (tenant, created_at)",
        ],
        [
            "CREATE TABLE files (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, body TEXT NOT NULL)",
            "CREATE INDEX files_tenant ON files (tenant, created_at)",
        ],
    ]

    private func migrate() throws(ServiceError) {
        try database.execute("CREATE TABLE IF NOT EXISTS service_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)", [])
        let applied = Set(try database.rows("SELECT version FROM service_migrations", []).compactMap { $0.integer(0) })
        for (index, statements) in Self.migrations.enumerated() where !applied.contains(Int64(index + 1)) {
            for statement in statements { try database.execute(statement, []) }
            try database.execute("INSERT INTO service_migrations (version, applied_at) VALUES (?, ?)", [.integer(Int64(index + 1)), .text(Timestamp.now())])
        }
    }

    private static func body(_ value: JSONValue) -> SQLArgument { .text(JSONWriter.string(from: value)) }

    /// The records made by `make` from the JSON bodies `sql` selects (its first column).
    private func records<Record>(_ sql: String, _ arguments: [SQLArgument],
                                 _ make: (JSONValue) throws(ServiceError) -> Record) throws(ServiceError) -> [Record] {
        var records: [Record] = []
        for row in try database.rows(sql, arguments) {
            guard let text = row.text(0) else { throw ServiceError(.internal, "a stored record has no body") }
            let json: JSONValue
            do { json = try JSONParser.parse(Array(text.utf8)) } catch { throw ServiceError(.internal, "a stored record is not JSON: \(error)") }
            records.append(try make(json))
        }
        return records
    }

    private func one<Record>(_ table: String, tenant: String, id: String,
                             _ make: (JSONValue) throws(ServiceError) -> Record) throws(ServiceError) -> Record? {
        try records("SELECT body FROM \(table) WHERE tenant = ? AND id = ?", [.text(tenant), .text(id)], make).first
    }

    // MARK: - Sources

    public func save(_ source: SourceRecord) throws(ServiceError) {
        try database.execute("""
            INSERT INTO sources (id, tenant, created_at, body) VALUES (?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET body = excluded.body
            """, [.text(source.id), .text(source.tenant), .text(source.createdAt), Self.body(source.json)])
    }

    public func source(tenant: String, id: String) throws(ServiceError) -> SourceRecord? {
        try one("sources", tenant: tenant, id: id, SourceRecord.init(json:))
    }

    public func sources(tenant: String) throws(ServiceError) -> [SourceRecord] {
        try records("SELECT body FROM sources WHERE tenant = ? ORDER BY created_at, id", [.text(tenant)], SourceRecord.init(json:))
    }

    public func deleteSource(tenant: String, id: String) throws(ServiceError) {
        try database.execute("DELETE FROM sources WHERE tenant = ? AND id = ?", [.text(tenant), .text(id)])
    }

    // MARK: - Connections

    public func save(_ connection: ConnectionRecord) throws(ServiceError) {
        try database.execute("""
            INSERT INTO connections (id, tenant, source_id, created_at, scheduled, body) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET scheduled = excluded.scheduled, created_at = excluded.created_at, body = excluded.body
            """, [.text(connection.id), .text(connection.tenant), .text(connection.sourceID), .text(connection.createdAt),
                  .integer(connection.syncSchedule == nil ? 0 : 1), Self.body(connection.json)])
    }

    public func connection(tenant: String, id: String) throws(ServiceError) -> ConnectionRecord? {
        try one("connections", tenant: tenant, id: id, ConnectionRecord.init(json:))
    }

    public func connections(tenant: String, sourceID: String?) throws(ServiceError) -> [ConnectionRecord] {
        if let sourceID {
            return try records("SELECT body FROM connections WHERE tenant = ? AND source_id = ? ORDER BY created_at, id",
                               [.text(tenant), .text(sourceID)], ConnectionRecord.init(json:))
        }
        return try records("SELECT body FROM connections WHERE tenant = ? ORDER BY created_at, id", [.text(tenant)], ConnectionRecord.init(json:))
    }

    public func deleteConnection(tenant: String, id: String) throws(ServiceError) {
        try database.execute("DELETE FROM connections WHERE tenant = ? AND id = ?", [.text(tenant), .text(id)])
    }

    public func scheduledConnections() throws(ServiceError) -> [ConnectionRecord] {
        try records("SELECT body FROM connections WHERE scheduled = 1 ORDER BY created_at, id", [], ConnectionRecord.init(json:))
    }

    // MARK: - Syncs

    public func save(_ sync: SyncRecord) throws(ServiceError) {
        try database.execute("""
            INSERT INTO syncs (id, tenant, connection_id, status, started_at, completed_at, records_synced, bytes_synced, duration_ms, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, completed_at = excluded.completed_at,
              records_synced = excluded.records_synced, bytes_synced = excluded.bytes_synced, duration_ms = excluded.duration_ms,
              body = excluded.body
            """, [.text(sync.id), .text(sync.tenant), .text(sync.connectionID), .text(sync.status.rawValue), .text(sync.startedAt),
                  SQLArgument(sync.completedAt), SQLArgument(sync.recordsSynced), SQLArgument(sync.bytesSynced), SQLArgument(sync.durationMs),
                  Self.body(sync.json)])
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
        var arguments: [SQLArgument] = [.text(tenant)]
        if let connectionID = query.connectionID {
            filter += " AND connection_id = ?"
            arguments.append(.text(connectionID))
        }
        let total = try database.rows("SELECT COUNT(*) FROM syncs WHERE \(filter)", arguments).first?.integer(0) ?? 0
        // Nulls sort as the smallest value on both databases, and the id breaks ties.
        let nulls = query.descending ? "NULLS LAST" : "NULLS FIRST"
        let syncs = try records("""
            SELECT body FROM syncs WHERE \(filter) ORDER BY \(column) \(direction) \(nulls), id \(direction) LIMIT ? OFFSET ?
            """, arguments + [.integer(Int64(query.size)), .integer(Int64(query.page * query.size))], SyncRecord.init(json:))
        return (syncs, Int(total))
    }

    public func syncs(in statuses: [SyncRecord.Status]) throws(ServiceError) -> [SyncRecord] {
        try records("SELECT body FROM syncs WHERE status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))",
                    statuses.map { .text($0.rawValue) }, SyncRecord.init(json:))
    }

    // MARK: - Jobs

    public func save(_ job: JobRecord) throws(ServiceError) {
        try database.execute("""
            INSERT INTO jobs (id, tenant, type, status, name, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, name = excluded.name, body = excluded.body
            """, [.text(job.id), .text(job.tenant), .text(job.type.rawValue), .text(job.status.rawValue), .text(job.name),
                  .text(job.createdAt), Self.body(job.json)])
    }

    public func job(tenant: String, id: String) throws(ServiceError) -> JobRecord? {
        try one("jobs", tenant: tenant, id: id, JobRecord.init(json:))
    }

    public func job(id: String) throws(ServiceError) -> JobRecord? {
        try records("SELECT body FROM jobs WHERE id = ?", [.text(id)], JobRecord.init(json:)).first
    }

    public func jobs(tenant: String, query: JobQuery) throws(ServiceError) -> (jobs: [JobRecord], total: Int) {
        var filter = "tenant = ?"
        var arguments: [SQLArgument] = [.text(tenant)]
        for (column, value) in [("type", query.type?.rawValue), ("status", query.status?.rawValue), ("name", query.name)] {
            guard let value else { continue }
            filter += " AND \(column) = ?"
            arguments.append(.text(value))
        }
        let total = try database.rows("SELECT COUNT(*) FROM jobs WHERE \(filter)", arguments).first?.integer(0) ?? 0
        let jobs = try records("SELECT body FROM jobs WHERE \(filter) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                               arguments + [.integer(Int64(query.size)), .integer(Int64(query.page * query.size))], JobRecord.init(json:))
        return (jobs, Int(total))
    }

    // MARK: - Files

    public func save(_ file: FileRecord) throws(ServiceError) {
        try database.execute("""
            INSERT INTO files (id, tenant, status, created_at, body) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body
            """, [.text(file.id), .text(file.tenant), .text(file.status.rawValue), .text(file.createdAt), Self.body(file.json)])
    }

    public func file(tenant: String, id: String) throws(ServiceError) -> FileRecord? {
        try one("files", tenant: tenant, id: id, FileRecord.init(json:))
    }

    public func files(tenant: String) throws(ServiceError) -> [FileRecord] {
        try records("SELECT body FROM files WHERE tenant = ? ORDER BY created_at DESC, id DESC", [.text(tenant)], FileRecord.init(json:))
    }

    public func files(in statuses: [FileRecord.Status]) throws(ServiceError) -> [FileRecord] {
        try records("SELECT body FROM files WHERE status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))",
                    statuses.map { .text($0.rawValue) }, FileRecord.init(json:))
    }

    public func deleteFile(tenant: String, id: String) throws(ServiceError) {
        try database.execute("DELETE FROM files WHERE tenant = ? AND id = ?", [.text(tenant), .text(id)])
    }

    // MARK: - Idempotency keys

    public func rememberedAnswer(tenant: String, key: String, operation: String, maximumAge: Double) throws(ServiceError) -> RememberedAnswer? {
        let rows = try database.rows("""
            SELECT status, body FROM idempotent_answers WHERE tenant = ? AND key = ? AND operation = ? AND created_at > ?
            """, [.text(tenant), .text(key), .text(operation), .real(Date().timeIntervalSince1970 - maximumAge)])
        return rows.first.flatMap { row in
            guard let status = row.integer(0), let body = row.text(1) else { return nil }
            return RememberedAnswer(status: Int(status), body: body)
        }
    }

    public func remember(_ answer: RememberedAnswer, tenant: String, key: String, operation: String) throws(ServiceError) {
        // A key older than a day may be used again.
        try database.execute("DELETE FROM idempotent_answers WHERE created_at < ?", [.real(Date().timeIntervalSince1970 - 86400)])
        try database.execute("""
            INSERT INTO idempotent_answers (tenant, key, operation, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """, [.text(tenant), .text(key), .text(operation), .integer(Int64(answer.status)), .text(answer.body),
                  .real(Date().timeIntervalSince1970)])
    }

    // MARK: - Logs

    public func appendLog(syncID: String, lines: [String]) throws(ServiceError) {
        guard !lines.isEmpty else { return }
        try logNumbering.withLock { _ throws(ServiceError) in try append(lines, syncID: syncID) }
    }

    private func append(_ lines: [String], syncID: String) throws(ServiceError) {
        let next = try database.rows("SELECT COALESCE(MAX(line_number), 0) + 1 FROM sync_logs WHERE sync_id = ?", [.text(syncID)])
            .first?.integer(0) ?? 1
        for (offset, line) in lines.enumerated() {
            try database.execute("INSERT INTO sync_logs (sync_id, line_number, line) VALUES (?, ?, ?)",
                                 [.text(syncID), .integer(next + Int64(offset)), .text(line)])
        }
    }

    public func log(tenant: String, syncID: String) throws(ServiceError) -> [String] {
        try database.rows("""
            SELECT l.line FROM sync_logs l JOIN syncs s ON s.id = l.sync_id WHERE s.tenant = ? AND l.sync_id = ? ORDER BY l.line_number
            """, [.text(tenant), .text(syncID)]).compactMap { $0.text(0) }
    }
}
