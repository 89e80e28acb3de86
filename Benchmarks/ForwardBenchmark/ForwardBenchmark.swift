import Foundation
import InletJSON
import InletProcessHost
import InletProtocol

/// Forwarding rate of the process host: a child that writes FILE (pre-built RECORD lines) to its
/// stdout, read through `ProcessConnector` into messages; prints lines/s. `Benchmarks/forward.sh`
/// runs it beside a plain `cat FILE` and prints the ratio.
@main
struct ForwardBenchmark {
    static func main() async throws {
        guard CommandLine.arguments.count == 2 else {
            print("usage: ForwardBenchmark FILE")
            return
        }
        // `sh -c 'cat "$0"' FILE read --config ...`: the child ignores the operation's arguments.
        let connector = ProcessConnector(name: "cat", command: ["sh", "-c", "exec cat \"$0\"", CommandLine.arguments[1]])
        let catalog = ConfiguredAirbyteCatalog(streams: [])
        let started = ContinuousClock.now
        var records = 0
        var iterator = connector.read(config: [:], catalog: catalog, state: []).makeAsyncIterator()
        while let batch = try await iterator.nextBatch() {
            for message in batch { if case .record = message.content { records += 1 } }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("inlet forward lines: \(records) in \(String(format: "%.2f", seconds)) s")
        print("inlet forward lines/s: \(Int(Double(records) / seconds))")
    }
}
