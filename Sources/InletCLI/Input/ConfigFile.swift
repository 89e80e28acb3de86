import Foundation
import InletJSON

/// The `--config` file a connector replaced: written whole to a temporary file beside it, flushed to
/// disk and renamed over it, so a process reading it at any moment sees the old config or the new
/// one, never part of either. The file keeps its permissions.
enum ConfigFile {
    struct ReplaceError: Error, CustomStringConvertible {
        var description: String
    }

    static func replace(atPath path: String, with config: JSONObject) throws(ReplaceError) {
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp").path
        let mode = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o600
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw ReplaceError(description: "cannot create \(temporary) (errno \(errno))") }
        var writer = JSONWriter()
        writer.write(.object(config))
        let bytes = writer.bytes
        let written = bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 { if errno == EINTR { continue } else { return false } }
                offset += count
            }
            return true
        }
        let synced = written && fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw ReplaceError(description: "cannot replace \(path) (errno \(failure))")
        }
    }
}
