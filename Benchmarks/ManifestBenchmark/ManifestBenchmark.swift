import Foundation
import InletDeclarative

/// Loads a manifest (YAML, references, parameters, typed components) repeatedly and prints the best
/// time. `Benchmarks/manifest.sh` builds a ~700 KB manifest from the corpus's largest and runs this.
@main
struct ManifestBenchmark {
    static func main() throws {
        guard CommandLine.arguments.count > 1 else {
            print("usage: ManifestBenchmark MANIFEST [ROUNDS]")
            return
        }
        let path = CommandLine.arguments[1]
        let rounds = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 5 : 5
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var best = Double.infinity
        var streams = 0
        for _ in 0..<rounds {
            let started = ContinuousClock.now
            let manifest = try Manifest.load(path: path, baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            let elapsed = ContinuousClock.now - started
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            streams = manifest.source.streams.count
        }
        print("manifest \(bytes) bytes, \(streams) streams: load + resolve + type in \(Int(best * 1000)) ms (best of \(rounds))")
    }
}
