import Foundation

/// Keeps an imported file as it was read, under the run's archive directory: for a file import the
/// file itself is the record of what landed, so its rows are not staged again as JSON lines.
public enum SourceFileArchive {
    /// Hard-links the file into `directory` (a copy across file systems).
    public static func keep(_ path: String, in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let target = directory + "/" + URL(fileURLWithPath: path).lastPathComponent
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        do {
            try FileManager.default.linkItem(atPath: path, toPath: target)
        } catch {
            try FileManager.default.copyItem(atPath: path, toPath: target)
        }
    }
}
