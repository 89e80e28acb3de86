import ArgumentParser

/// `inlet`: a connector runtime that is itself a drop-in Airbyte connector.
struct InletCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inlet",
        abstract: "Run Airbyte connectors: declarative manifests, external executables and native plugins.",
        subcommands: [SpecCommand.self, CheckCommand.self, DiscoverCommand.self, ReadCommand.self, SyncCommand.self, ImportCommand.self, PreviewCommand.self, ServeCommand.self, JobsCommand.self, RunJobCommand.self, ConnectorsCommand.self, DecryptCommand.self]
    )
}
