import Foundation
import InletDeclarative
import InletTestSupport
import Testing

/// Every manifest of the conformance corpus (`../shared/conformance/corpus.tsv`, fetched by its
/// `setup.sh` into `~/.cache/inlet-conformance/corpus`) loads, resolves and types without error.
@Suite("Corpus manifests load")
struct CorpusLoadingTests {
    static var corpusDirectory: URL {
        let cache = ProcessInfo.processInfo.environment["INLET_CONFORMANCE_CACHE"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/inlet-conformance").path
        return URL(fileURLWithPath: cache).appendingPathComponent("corpus")
    }

    static var manifests: [URL] {
        let folders = (try? FileManager.default.contentsOfDirectory(at: corpusDirectory, includingPropertiesForKeys: nil)) ?? []
        return folders.map { $0.appendingPathComponent("manifest.yaml") }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
            .sorted { $0.path < $1.path }
    }

    static let corpusIsPresent = !manifests.isEmpty

    @Test(.enabled(if: corpusIsPresent, "the conformance corpus is not fetched here: run ../shared/conformance/setup.sh"))
    func everyManifestLoads() async throws {
        // Minutes of parsing in a debug build: on a thread of its own, not one of the cooperative pool's two.
        let (failures, largest) = try await onOwnThread { () -> ([String], (name: String, bytes: Int, seconds: Double)) in
            var failures: [String] = []
            var largest: (name: String, bytes: Int, seconds: Double) = ("", 0, 0)
            for manifest in Self.manifests {
                let started = ContinuousClock.now
                do {
                    _ = try Manifest.load(path: manifest.path, baseDirectory: manifest.deletingLastPathComponent().path)
                } catch {
                    failures.append("\(manifest.deletingLastPathComponent().lastPathComponent): \(error)")
                }
                let elapsed = ContinuousClock.now - started
                let bytes = (try? FileManager.default.attributesOfItem(atPath: manifest.path)[.size] as? Int) ?? 0
                if bytes > largest.bytes {
                    largest = (manifest.deletingLastPathComponent().lastPathComponent, bytes,
                               Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
                }
            }
            return (failures, largest)
        }
        print("corpus: \(Self.manifests.count) manifests, largest \(largest.name) (\(largest.bytes) bytes) loaded in \(largest.seconds)s (debug build)")
        #expect(failures.isEmpty, "\(failures.count) of \(Self.manifests.count) manifests failed to load:\n\(failures.joined(separator: "\n"))")
    }
}
