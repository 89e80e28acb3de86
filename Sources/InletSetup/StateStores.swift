public import InletPipeline
import InletPostgres

/// Where sync checkpoints are kept, as `--state-store` names it: `sql:postgres://…` (any machine
/// can resume), `sql:sqlite:PATH`, or by default `<data-dir>/state.db`.
public enum StateStores {
    public static func open(spec: String?, dataDirectory: String) throws(SetupError) -> any StateStore {
        do {
            switch spec {
            case nil:
                return try SQLiteStateStore(path: dataDirectory + "/state.db")
            case let spec? where spec.hasPrefix("sql:postgres://") || spec.hasPrefix("sql:postgresql://"):
                return try PostgresStateStore(url: String(spec.dropFirst("sql:".count)))
            case let spec? where spec.hasPrefix("sql:sqlite:"):
                return try SQLiteStateStore(path: String(spec.dropFirst("sql:sqlite:".count)))
            case let spec?:
                throw SetupError("--state-store \(WarehouseSetup.redacted(spec)): expected sql:postgres://… or sql:sqlite:PATH")
            }
        } catch let error as SetupError {
            throw error
        } catch {
            throw SetupError("the state store cannot be opened: \(error)")
        }
    }

    /// Lets go of a store's connections.
    public static func close(_ store: any StateStore) {
        (store as? PostgresStateStore)?.close()
    }
}
