@testable import InletProcessHost
import Testing

/// Which wheels run natively: only those whose manifest says everything.
@Suite("Manifest-only wheels")
struct ManifestOnlyWheelTests {
    @Test(arguments: [
        ("version: 6.1.0\nspec:\n  type: Spec\n", ["manifest.yaml", "schemas/users.json", "run.py", "source.py"], true),
        ("version: 6.1.0\nstreams: []\n", ["manifest.yaml"], false),
        ("spec:\n  type: Spec\nstreams:\n  - retriever:\n      class_name: source_x.components.Extractor\n", ["manifest.yaml"], false),
        ("spec:\n  type: Spec\n", ["manifest.yaml", "components.py"], false),
        ("spec:\n  type: Spec\n", ["manifest.yaml", "components/__init__.py", "components/extractors.py"], false),
    ])
    func aWheelIsManifestOnlyWhenItsManifestHasASpecAndNoCustomCode(manifest: String, members: [String], expected: Bool) {
        #expect(PyPIConnectorInstaller.isManifestOnly(manifestText: manifest, packageMembers: members) == expected)
    }

    @Test func pipsUnsatisfiableRequirementIsFound() {
        let output = """
            ERROR: Ignored the following versions that require a different python version: 2.5.0 Requires-Python >=3.12
            ERROR: Could not find a version that satisfies the requirement smart-open[s3]==4.16.1 (from airbyte-source-s3) (from versions: 0.1.0, 7.4.0)
            ERROR: No matching distribution found for smart-open[s3]==4.16.1
            """
        let found = PyPIConnectorInstaller.unsatisfiableRequirement(inPipOutput: output)
        #expect(found?.requirement == "smart-open[s3]==4.16.1" && found?.requiredBy == "airbyte-source-s3")
        #expect(PyPIConnectorInstaller.unsatisfiableRequirement(inPipOutput: "ERROR: network unreachable") == nil)
    }
}
