import Foundation

/// TCP sockets on 127.0.0.1 for tests: the address, and a socket bound to a port the system picks.
enum LoopbackSocket {
    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    /// A TCP socket bound to a free loopback port (not listening), and the port.
    static func bound() -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A loopback port that refuses connections for as long as this value lives: bound, never
/// listening, so no other process can take it (unlike a port found free and released).
public final class ClosedPort: @unchecked Sendable {
    private let descriptor: Int32
    public let port: Int

    public init() {
        (descriptor, port) = LoopbackSocket.bound()
    }

    deinit { close(descriptor) }
}

/// A loopback port whose listener never accepts and whose backlog is full, so a new connection's
/// handshake is never answered: a host that drops packets, for as long as this value lives.
public final class UnansweredPort: @unchecked Sendable {
    public let port: Int
    private var descriptors: [Int32] = []

    public init() throws {
        let (listener, port) = LoopbackSocket.bound()
        self.port = port
        descriptors.append(listener)
        guard listen(listener, 0) == 0 else { throw POSIXError(.EADDRINUSE) }
        // Connections nobody accepts fill the backlog; later handshakes get no answer.
        var address = LoopbackSocket.address(port: port)
        for _ in 0..<4 {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            descriptors.append(client)
        }
        Thread.sleep(forTimeInterval: 0.2)
    }

    deinit { for descriptor in descriptors { close(descriptor) } }
}
