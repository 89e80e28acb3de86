import ArgumentParser

/// Parses a command line and runs it; the executable's `main` and the tests both come through here.
public enum CommandRunner {
    /// Exit status for a command line that cannot be parsed, as Python's argparse (the CDK's) uses.
    public static let usageErrorStatus: Int32 = 2

    public static func run(arguments: [String], environment: CommandEnvironment = CommandEnvironment()) async -> Int32 {
        let command: any ParsableCommand
        do {
            command = try InletCommand.parseAsRoot(arguments)
        } catch {
            let exitCode = InletCommand.exitCode(for: error)
            let message = InletCommand.fullMessage(for: error)
            if exitCode == .success {
                environment.standardOutput.write(line: message)
                return 0
            }
            environment.standardError.write(line: message.isEmpty ? "inlet: invalid command line" : message)
            return usageErrorStatus
        }
        if let connectorCommand = command as? any ConnectorCommand {
            return await connectorCommand.execute(in: environment)
        }
        // `inlet` alone: there is nothing to run.
        environment.standardError.write(line: InletCommand.helpMessage())
        return usageErrorStatus
    }
}
