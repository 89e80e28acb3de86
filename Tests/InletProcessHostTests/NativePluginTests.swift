import Foundation
import InletTestSupport
import InletJSON
import InletProcessHost
import InletProtocol
import Testing

/// The example plugin of `connectors/example-plugin`, compiled by the test, loaded and run; and
/// libraries that are not plugins, or of another ABI version, refused with a clear error.
@Suite("Native plugins")
struct NativePluginTests {
    static let connectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("connectors")

    /// Compiles C source into a shared library in a fresh directory; returns its path.
    static func compile(_ source: String, name: String) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-plugin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sourcePath = directory.appendingPathComponent(name + ".c").path
        try Data(source.utf8).write(to: URL(fileURLWithPath: sourcePath))
        let library = directory.appendingPathComponent("lib\(name).so").path
        let compiled = try await FinishedProcess.run("/usr/bin/env", ["cc", "-shared", "-fPIC", "-I", connectors.appendingPathComponent("include").path,
                                                                      "-o", library, sourcePath])
        try #require(compiled.status == 0, "cc failed: \(compiled.output)")
        return library
    }

    static func examplePlugin() async throws -> String {
        try await compile(try String(contentsOf: connectors.appendingPathComponent("example-plugin/example_plugin.c"), encoding: .utf8),
                    name: "example_plugin")
    }

    @Test func theExamplePluginAnswersEveryOperation() async throws {
        let plugin = try await NativePluginConnector(path: try Self.examplePlugin())
        #expect(plugin.name == "example-plugin (native)")
        #expect(try await plugin.specification().connectionSpecification["type"] == "object")
        #expect(try await plugin.connectionStatus(config: [:]).status == .succeeded)
        #expect(try await plugin.catalog(config: [:]).streams.map(\.name) == ["numbers"])
        var records = 0
        var states = 0
        for try await message in plugin.read(config: ["count": 5000], catalog: ConfiguredAirbyteCatalog(streams: []), state: []) {
            if case .record(let record) = message.content, record.data["n"]?.intValue == Int64(records) { records += 1 }
            if case .state = message.content { states += 1 }
        }
        #expect(records == 5000 && states == 1)
    }

    @Test func aFailingOperationEndsWithThePluginsError() async throws {
        let plugin = try await NativePluginConnector(path: try Self.examplePlugin())
        var records = 0
        do {
            for try await message in plugin.read(config: ["count": 3, "fail": true], catalog: ConfiguredAirbyteCatalog(streams: []), state: []) {
                if case .record = message.content { records += 1 }
            }
            Issue.record("the read did not fail")
        } catch let error as ConnectorError {
            #expect(error.message == "The connector example-plugin (native) failed: the example plugin was asked to fail")
        }
        #expect(records == 3)
    }

    @Test func aLibraryWithoutTheEntryPointIsRefused() async throws {
        let library = try await Self.compile("int unrelated(void) { return 1; }\n", name: "not_a_plugin")
        #expect(throws: ConnectorResolutionError.plugin(library, "does not export inlet_plugin_entry (see connectors/include/inlet_plugin.h)")) {
            try NativePluginConnector(path: library)
        }
    }

    @Test func anotherABIVersionIsRefused() async throws {
        let library = try await Self.compile("""
            #include "inlet_plugin.h"
            static const inlet_plugin_v1 table = { 2, "future", 0, 0, 0, 0, 0 };
            const inlet_plugin_v1 *inlet_plugin_entry(void) { return &table; }
            """, name: "future_plugin")
        #expect(throws: ConnectorResolutionError.plugin(library, "has plugin ABI version 2; this Inlet speaks version 1")) {
            try NativePluginConnector(path: library)
        }
    }
}
