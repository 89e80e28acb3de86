import Foundation
import InletPostgres
import InletSetup
import PostgresNIO

/// The service's store in PostgreSQL, so that several service instances share it.
final class PostgresServiceDatabase: ServiceDatabase {
    let description: String
    private let session: PostgresSession

    init(url: String) throws(ServiceError) {
        do { session = try PostgresSession(url: url, label: "inlet.service.postgres") } catch {
            throw ServiceError(.internal, "opening the service store: \(error.message)")
        }
        description = WarehouseSetup.withoutPassword("sql:" + url)
    }

    /// `?` placeholders as PostgreSQL's `$1`, `$2`, … (the service's statements hold no `?` in literals).
    private static func query(_ sql: String, _ arguments: [SQLArgument]) -> PostgresQuery {
        var text = ""
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                text += "$\(index)"
            } else {
                text.append(character)
            }
        }
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .text(let value): bindings.append(value)
            case .integer(let value): bindings.append(value)
            case .real(let value): bindings.append(value)
            case .null: bindings.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    func execute(_ sql: String, _ arguments: [SQLArgument]) throws(ServiceError) {
        do { _ = try session.run(Self.query(sql, arguments), what: "writing the service store") } catch {
            throw ServiceError(.internal, error.message)
        }
    }

    func rows(_ sql: String, _ arguments: [SQLArgument]) throws(ServiceError) -> [SQLRow] {
        do {
            return try session.run(Self.query(sql, arguments), what: "reading the service store").rows.map { row in
                SQLRow(values: row.map { cell in
                    if cell.bytes == nil { return .null }
                    switch cell.dataType {
                    case .int2, .int4, .int8: return (try? cell.decode(Int64.self)).map(SQLArgument.integer) ?? .null
                    case .float4, .float8, .numeric: return (try? cell.decode(Double.self)).map(SQLArgument.real) ?? .null
                    default: return (try? cell.decode(String.self)).map(SQLArgument.text) ?? .null
                    }
                })
            }
        } catch {
            throw ServiceError(.internal, error.message)
        }
    }

    func migrating(_ body: () throws(ServiceError) -> Void) throws(ServiceError) {
        // Instances starting at once migrate one after another.
        let lock = "SELECT pg_advisory_lock(7202512)"
        try execute(lock, [])
        do { try body() } catch {
            try? execute("SELECT pg_advisory_unlock(7202512)", [])
            throw error
        }
        try execute("SELECT pg_advisory_unlock(7202512)", [])
    }
}
