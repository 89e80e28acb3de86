import ArgumentParser
import InletJSON
import InletPipeline

/// `inlet decrypt`: opens values an `encrypt` transformation sealed, with the same key store.
struct DecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt column values sealed by an encrypt transformation; prints each value's JSON on a line."
    )

    @Option(name: .long, help: "The key store the sync used (default: <data-dir>/keys.json).")
    var keyStore: String?

    @Option(name: .long, help: "Where Inlet keeps its data (for the default key store).")
    var dataDir = "inlet-data"

    @Argument(help: "Values as stored in the table (inlet:v1:<key>:<base64>).")
    var values: [String]

    func execute(in environment: CommandEnvironment) -> Int32 {
        do {
            let store = try KeyStore(path: keyStore ?? dataDir + "/keys.json")
            for value in values {
                environment.standardOutput.write(line: JSONWriter.string(from: try store.decrypt(value)))
            }
            return 0
        } catch {
            environment.standardError.write(line: "inlet: decrypt: \(error)")
            return 1
        }
    }
}
