import Foundation
import ArgumentParser
import InletJSON
import InletSetup

/// `inlet connectors list`: every connector name this installation runs without a download, its
/// kind and version.
struct ConnectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectors",
        abstract: "The connectors Inlet runs by name.",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inlet's manifests, the connectors/ definitions and the PyPI connectors already installed.",
            discussion: "Any other NAME given to --connector is fetched from PyPI as Airbyte's airbyte-source-NAME (zendesk: source-zendesk-support).")

        @Flag(name: .long, help: "Print JSON lines instead of a table.")
        var json = false

        func execute(in environment: CommandEnvironment) -> Int32 {
            let connectors = DefaultConnectorResolver.availableConnectors()
            if json {
                for connector in connectors {
                    var object: JSONObject = ["name": .string(connector.name), "kind": .string(connector.kind), "installed": .bool(connector.installed)]
                    if let version = connector.version { object["version"] = .string(version) }
                    var writer = JSONWriter()
                    writer.write(.object(object))
                    environment.standardOutput.write(line: String(decoding: writer.bytes, as: UTF8.self))
                }
                return 0
            }
            let rows = [["NAME", "KIND", "VERSION", "INSTALLED"]]
                + connectors.map { [$0.name, Self.kindDescription($0.kind), $0.version ?? "-", $0.installed ? "yes" : "no (installs on first use)"] }
            let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let cells = row.enumerated().map { column, cell in column == 3 ? cell : cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0) }
                environment.standardOutput.write(line: cells.joined())
            }
            return 0
        }

        static func kindDescription(_ kind: String) -> String {
            switch kind {
            case "manifest": return "manifest (native)"
            case "package": return "PyPI package"
            case "process": return "process"
            case "native": return "native plugin"
            default: return kind
            }
        }
    }
}
