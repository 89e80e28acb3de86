public import InletSetup

/// A problem with what the user gave the CLI: a file, an argument, a connector name.
public typealias CLIError = SetupError
