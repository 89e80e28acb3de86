import GRDB

/// The service's store in one SQLite file.
final class SQLiteServiceDatabase: ServiceDatabase, @unchecked Sendable {
    let description: String
    /// WAL mode: requests read at once while one writer writes.
    private let queue: DatabasePool

    init(path: String) throws(ServiceError) {
        description = "sql:sqlite:" + path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            queue = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw ServiceError(.internal, "opening the service store \(path): \(error)")
        }
    }

    private static func bound(_ arguments: [SQLArgument]) -> StatementArguments {
        StatementArguments(arguments.map { argument -> (any DatabaseValueConvertible)? in
            switch argument {
            case .text(let text): text
            case .integer(let number): number
            case .real(let number): number
            case .null: nil
            }
        })
    }

    func execute(_ sql: String, _ arguments: [SQLArgument]) throws(ServiceError) {
        do { try queue.write { try $0.execute(sql: sql, arguments: Self.bound(arguments)) } } catch {
            throw ServiceError(.internal, "the service store \(description): \(error)")
        }
    }

    func rows(_ sql: String, _ arguments: [SQLArgument]) throws(ServiceError) -> [SQLRow] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: sql, arguments: Self.bound(arguments)).map { row in
                    SQLRow(values: row.databaseValues.map { value in
                        switch value.storage {
                        case .string(let text): .text(text)
                        case .int64(let number): .integer(number)
                        case .double(let number): .real(number)
                        default: .null
                        }
                    })
                }
            }
        } catch {
            throw ServiceError(.internal, "the service store \(description): \(error)")
        }
    }

    func migrating(_ body: () throws(ServiceError) -> Void) throws(ServiceError) {
        // One process at a time: SQLite's writer lock is held by each statement, and the
        // migrations are idempotent per version.
        try body()
    }
}
