import Foundation
import InletPipeline
import InletProtocol

/// A fault hook for tests of crash recovery: with `INLET_FAULT_KILL_BEFORE_STATE_SAVE=N` in the
/// environment, `inlet sync` kills itself with SIGKILL at its N-th checkpoint save, after the
/// commit before it landed and before the save: the one moment a sync can die between the two.
struct KillBeforeStateSave: StateStore {
    static let variable = "INLET_FAULT_KILL_BEFORE_STATE_SAVE"

    let inner: any StateStore
    let killAtSave: Int
    private let saves = Counter()

    /// `store` itself unless the environment asks for the fault.
    static func wrapping(_ store: any StateStore) -> any StateStore {
        guard let text = ProcessInfo.processInfo.environment[variable], let save = Int(text), save > 0 else { return store }
        return KillBeforeStateSave(inner: store, killAtSave: save)
    }

    func states(connection: String) throws(StateStoreError) -> [AirbyteStateMessage] {
        try inner.states(connection: connection)
    }

    func save(_ states: [AirbyteStateMessage], uncheckpointedRecords: [String: Int], connection: String) throws(StateStoreError) {
        if saves.increment() == killAtSave { kill(getpid(), SIGKILL) }
        try inner.save(states, uncheckpointedRecords: uncheckpointedRecords, connection: connection)
    }

    func uncheckpointedRecords(connection: String) throws(StateStoreError) -> [String: Int] {
        try inner.uncheckpointedRecords(connection: connection)
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func increment() -> Int {
            lock.withLock {
                value += 1
                return value
            }
        }
    }
}
