#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import InletCLI

@main
struct InletMain {
    static func main() async {
        // A closed stdout must end the command with an error, not kill it silently mid-write.
        signal(SIGPIPE, SIG_IGN)
        let status = await CommandRunner.run(arguments: Array(CommandLine.arguments.dropFirst()))
        exit(status)
    }
}
