#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where the CLI writes bytes: the process's stdout and stderr, or a buffer in tests.
public protocol OutputSink: Sendable {
    func write(_ bytes: [UInt8])
}

extension OutputSink {
    public func write(line text: String) {
        write(Array((text + "\n").utf8))
    }
}

/// Writes to a file descriptor, all of it, retrying short writes and interrupted calls.
public struct FileDescriptorSink: OutputSink {
    public let descriptor: Int32

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public static var standardOutput: FileDescriptorSink { FileDescriptorSink(descriptor: 1) }
    public static var standardError: FileDescriptorSink { FileDescriptorSink(descriptor: 2) }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // The reader went away (EPIPE); nothing more can be delivered.
                }
                offset += written
            }
        }
    }
}

private func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}

/// Collects everything written, for tests.
public final class CapturingSink: OutputSink {
    private let captured = Mutex<[UInt8]>([])

    public init() {}

    public func write(_ bytes: [UInt8]) {
        captured.withLock { $0.append(contentsOf: bytes) }
    }

    public var bytes: [UInt8] { captured.withLock { $0 } }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var lines: [String] { text.split(separator: "\n").map(String.init) }
}
