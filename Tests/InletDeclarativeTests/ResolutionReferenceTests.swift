import Foundation
import InletDeclarative
import InletJSON
import Testing

/// Manifests preprocessed by the Airbyte CDK itself (`Reference/generate_resolution_cases.py`):
/// Inlet's YAML loading, reference resolution and parameter propagation must give the same result.
@Suite("Manifest resolution against the CDK's")
struct ResolutionReferenceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var document: JSONValue
        var testDescription: String { document["name"]?.stringValue ?? "?" }
    }

    static let cases: [Case] = {
        guard let url = Bundle.module.url(forResource: "resolution_cases", withExtension: "json"),
              let data = FileManager.default.contents(atPath: url.path),
              let document = try? JSONParser.parse([UInt8](data), options: .pythonCompatible)
        else { return [] }
        return (document["cases"]?.arrayValue ?? []).map { Case(document: $0) }
    }()

    @Test func theTableIsThere() {
        #expect(Self.cases.count >= 12)
    }

    @Test(arguments: cases)
    func matchesTheCDK(_ testCase: Case) throws {
        let yaml = try #require(testCase.document["yaml"]?.stringValue)
        if let expectedError = testCase.document["error"]?.stringValue {
            #expect(throws: ManifestError.self, "the CDK raises \(expectedError)") { try Manifest.resolve(yaml: yaml) }
            return
        }
        let expected = try #require(testCase.document["expected"])
        let resolved = try Manifest.resolve(yaml: yaml)
        #expect(resolved == expected)
        // Same members in the same order, as the CDK's dicts have them.
        #expect(JSONWriter.string(from: resolved) == JSONWriter.string(from: expected))
    }
}
