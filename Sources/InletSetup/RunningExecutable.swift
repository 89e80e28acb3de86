import Foundation

/// Where the running `inlet` is: `/proc/self/exe` on Linux, so that it is found however it was
/// started (through `PATH`, a symlink or a relative path); else the first argument, looked up in
/// `PATH` when it has no slash.
public enum RunningExecutable {
    public static var path: String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), resolved.hasPrefix("/") {
            return resolved
        }
        let first = CommandLine.arguments.first ?? "inlet"
        if !first.contains("/") {
            for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
                let candidate = "\(directory)/\(first)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path }
            }
        }
        return URL(fileURLWithPath: first).resolvingSymlinksInPath().path
    }
}
