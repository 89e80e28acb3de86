import Synchronization
import Foundation

/// Runs `body(0)`, `body(1)`, … each on a thread of its own, all at once, and returns what each
/// that failed threw ("writer N: error"), once all are done.
func atOnce(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
    let failures = Mutex<[String]>([])
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        Thread {
            defer { done.signal() }
            do { try body(index) } catch { failures.withLock { $0.append("writer \(index): \(error)") } }
        }.start()
    }
    for _ in 0..<count { done.wait() }
    return failures.withLock { $0 }
}

/// Lines told to a callback from any thread (retry notices).
final class CollectedLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    @Sendable func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }
}
