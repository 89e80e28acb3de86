import ArgumentParser

/// Parses a command line and runs it; the executable's `main` and the tests both come through here.
public enum CommandRunner {
    /// Exit status for a command line that cannot be parsed, as Python's argparse (the CDK's) uses.
    public static let usageErrorStatus: Int32 = 2

    public static func run(arguments: [String], environment: CommandEnvironment = CommandEnvironment()) async -> Int32 {
        do {
            var command = try InletCommand.parseAsRoot(arguments)
            if let connectorCommand = command as? any ConnectorCommand {
                return await connectorCommand.execute(in: environment)
            }
            if let sync = command as? SyncCommand {
                return await sync.execute(in: environment)
            }
            if let fileImport = command as? ImportCommand {
                return await fileImport.execute(in: environment)
            }
            if let preview = command as? PreviewCommand {
                return preview.execute(in: environment)
            }
            if let serve = command as? ServeCommand {
                return await serve.execute(in: environment)
            }
            if let client = command as? any ServiceClientCommand {
                return await client.execute(in: environment)
            }
            if let list = command as? ConnectorsCommand.List {
                return list.execute(in: environment)
            }
            if let decrypt = command as? DecryptCommand {
                return decrypt.execute(in: environment)
            }
            if command is InletCommand {
                // `inlet` alone: there is nothing to run.
                environment.standardError.write(line: InletCommand.helpMessage())
                return usageErrorStatus
            }
            // Built-in commands such as `help` end by throwing their output as a clean exit.
            try command.run()
            return 0
        } catch {
            let message = InletCommand.fullMessage(for: error)
            if InletCommand.exitCode(for: error) == .success {
                environment.standardOutput.write(line: message)
                return 0
            }
            environment.standardError.write(line: message.isEmpty ? "inlet: invalid command line" : message)
            return usageErrorStatus
        }
    }
}
