#if canImport(Glibc)
import Foundation
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process spawned with `posix_spawn`: stdin from /dev/null, stdout and stderr on pipes,
/// in a process group of its own (so that it and its children are signalled together), with
/// default signal dispositions whatever this process ignores.
final class ChildProcess: @unchecked Sendable {
    enum Termination: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    let pid: pid_t
    /// Read ends of the child's stdout and stderr (close-on-exec, owned by this object).
    let standardOutput: Int32
    let standardError: Int32

    init(arguments: [String]) throws(ProcessHostError) {
        guard let executable = arguments.first else { throw .spawn("no command to run") }
        var output: [Int32] = [0, 0]
        var errors: [Int32] = [0, 0]
        guard pipe(&output) == 0 else { throw .spawn("pipe: errno \(errno)") }
        guard pipe(&errors) == 0 else {
            close(output[0]); close(output[1])
            throw .spawn("pipe: errno \(errno)")
        }
        // Close-on-exec, so that no other child inherits them (the dup2s below give the child its own).
        for descriptor in output + errors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        #if os(Linux)
        // A 1 MiB pipe (F_SETPIPE_SZ) instead of 64 KiB: the child blocks less and each read takes more.
        _ = fcntl(output[0], 1031, Int32(1 << 20))
        #endif
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        Self.closeTheRest(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var cArguments = arguments.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var child: pid_t = 0
        let result = posix_spawnp(&child, executable, &actions, &attributes, &cArguments, environ)
        close(output[1])
        close(errors[1])
        guard result == 0 else {
            close(output[0]); close(errors[0])
            throw .spawn("\(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        standardOutput = output[0]
        standardError = errors[0]
    }

    deinit {
        close(standardOutput)
        close(standardError)
    }

    /// Has the child close every descriptor from 3 up once its own three are in place: a connector
    /// gets none of the host's files and sockets, nor the pipes of the host's other children
    /// (Foundation's pipes are not close-on-exec), whose readers would otherwise wait for this
    /// child's end before they saw theirs.
    private static func closeTheRest(_ actions: inout posix_spawn_file_actions_t) {
        #if os(Linux)
        if let closeFrom = closeFrom {
            _ = closeFrom(&actions, 3)
            return
        }
        #endif
        // Without glibc's closefrom action (before 2.34): each descriptor open now.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) }
            ?? Array(3..<Int32(min(getdtablesize(), 1024)))
        for descriptor in open where descriptor > 2 && fcntl(descriptor, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    #if os(Linux)
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not declare.
    private static let closeFrom: AddCloseFrom? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
    #endif

    /// Signals the child's whole process group.
    func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    private let reaping = NSLock()
    private var termination: Termination?

    /// Reaps the child: waits up to `grace` seconds for it to exit on its own, then sends SIGTERM to
    /// its group, then after another `grace` SIGKILL. Never leaves a zombie. Safe to call from
    /// several threads: the first reaps, the others wait for it and get the same answer.
    func reap(grace: Double) -> Termination {
        reaping.lock()
        defer { reaping.unlock() }
        if let termination { return termination }
        let result = waitForExit(grace: grace)
        termination = result
        return result
    }

    private func waitForExit(grace: Double) -> Termination {
        var status: Int32 = 0
        var deadline = Self.now() + grace
        var sentTerm = false
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return Self.termination(status) }
            if result < 0 && errno != EINTR { return .exited(-1) }
            if Self.now() >= deadline {
                if !sentTerm {
                    signalGroup(SIGTERM)
                    sentTerm = true
                    deadline = Self.now() + grace
                } else {
                    signalGroup(SIGKILL)
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                    return Self.termination(status)
                }
            }
            usleep(2_000)
        }
    }

    private static func termination(_ status: Int32) -> Termination {
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Why a child process could not be run.
enum ProcessHostError: Error, CustomStringConvertible {
    case spawn(String)
    case files(String)

    var description: String {
        switch self {
        case .spawn(let detail): return "cannot start the connector: \(detail)"
        case .files(let detail): return "cannot write the connector's input files: \(detail)"
        }
    }
}
