#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written front to back through one descriptor, counting what it wrote.
struct FileOutput {
    let path: String
    private var descriptor: Int32
    private(set) var position: Int64 = 0

    init(creating path: String) throws(ParquetError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, operation: "creating", errno: errno) }
    }

    mutating func write(_ bytes: [UInt8]) throws(ParquetError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "writing", errno: errno)
            }
            offset += written
        }
        position += Int64(bytes.count)
    }

    /// Flushes to disk and closes; the file is complete once this returns.
    mutating func close() throws(ParquetError) {
        guard descriptor >= 0 else { return }
        defer { descriptor = -1 }
        guard fsync(descriptor) == 0 else { throw .io(path: path, operation: "syncing", errno: errno) }
        guard Glibc.close(descriptor) == 0 else { throw .io(path: path, operation: "closing", errno: errno) }
    }
}
