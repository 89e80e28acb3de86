/// A value bound to a statement's `?`.
enum SQLArgument: Sendable {
    case text(String)
    case integer(Int64)
    case real(Double)
    case null

    init(_ text: String?) { self = text.map(SQLArgument.text) ?? .null }
    init(_ number: Int64?) { self = number.map(SQLArgument.integer) ?? .null }
}

/// A row's columns as text, integer or real values, by position.
struct SQLRow: Sendable {
    var values: [SQLArgument]

    func text(_ index: Int) -> String? { if case .text(let text) = values[index] { text } else { nil } }
    func integer(_ index: Int) -> Int64? {
        switch values[index] {
        case .integer(let number): number
        case .real(let number): Int64(number)
        default: nil
        }
    }
}

/// The SQL database under `SQLServiceStore`: SQLite or PostgreSQL. Statements use `?` for their
/// arguments and SQL both understand (`ON CONFLICT` upserts, standard types).
protocol ServiceDatabase: Sendable {
    /// Names the database in errors, without a password.
    var description: String { get }
    func execute(_ sql: String, _ arguments: [SQLArgument]) throws(ServiceError)
    func rows(_ sql: String, _ arguments: [SQLArgument]) throws(ServiceError) -> [SQLRow]
    /// Runs `body` while no other process migrates the same database.
    func migrating(_ body: () throws(ServiceError) -> Void) throws(ServiceError)
}
