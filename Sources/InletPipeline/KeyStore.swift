import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
public import InletJSON

/// Named AES-256 keys in a local JSON file (mode 0600), created on first use: what `encrypt`
/// transformations seal column values with and `inlet decrypt` opens them with.
///
/// A sealed value is the text `inlet:v1:<key name>:<base64 of nonce, ciphertext and tag>`, and the
/// plaintext is the value's JSON, so that numbers and objects come back as they were.
public final class KeyStore: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var keys: [String: SymmetricKey] = [:]

    public init(path: String) throws(TransformationError) {
        self.path = path
        keys = try Self.read(path)
    }

    /// The keys in the file (none when there is no file yet).
    private static func read(_ path: String) throws(TransformationError) -> [String: SymmetricKey] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        var keys: [String: SymmetricKey] = [:]
        do {
            let json = try JSONParser.parse(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
            for (name, value) in json["keys"]?.objectValue ?? [:] {
                guard let text = value.stringValue, let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                    throw TransformationError(path: "\(path): keys.\(name)", message: "is not a base64 256-bit key")
                }
                keys[name] = SymmetricKey(data: bytes)
            }
        } catch let error as TransformationError {
            throw error
        } catch {
            throw TransformationError(path: path, message: "the key store cannot be read: \(error)")
        }
        return keys
    }

    /// Seals a value's JSON with the named key (made and saved if it does not exist yet).
    public func encrypt(_ value: JSONValue, keyName: String) throws(TransformationError) -> String {
        let key = try key(named: keyName, creating: true)
        do {
            let sealed = try AES.GCM.seal(Data(JSONWriter.string(from: value).utf8), using: key)
            guard let combined = sealed.combined else { throw TransformationError(path: keyName, message: "sealing failed") }
            return "inlet:v1:\(keyName):\(combined.base64EncodedString())"
        } catch let error as TransformationError {
            throw error
        } catch {
            throw TransformationError(path: keyName, message: "sealing failed: \(error)")
        }
    }

    /// Opens a value `encrypt` sealed and returns the original JSON value.
    public func decrypt(_ text: String) throws(TransformationError) -> JSONValue {
        let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "inlet", parts[1] == "v1", let combined = Data(base64Encoded: String(parts[3])) else {
            throw TransformationError(path: "value", message: "is not a value Inlet encrypted (inlet:v1:<key>:<base64>)")
        }
        let key = try key(named: String(parts[2]), creating: false)
        do {
            let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: combined), using: key)
            return try JSONParser.parse(String(decoding: plain, as: UTF8.self))
        } catch {
            throw TransformationError(path: "value", message: "cannot be decrypted with key '\(parts[2])' (wrong key or altered value)")
        }
    }

    /// The named key. One missing here may have been made by another process sharing the file
    /// since: the file is read again, under a lock, before a key is made, so that processes never
    /// make two keys of one name.
    private func key(named name: String, creating: Bool) throws(TransformationError) -> SymmetricKey {
        lock.lock()
        defer { lock.unlock() }
        if let key = keys[name] { return key }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let lockFile = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lockFile >= 0 else { throw TransformationError(path: path, message: "the key store's lock file cannot be opened") }
        defer { close(lockFile) }
        flock(lockFile, LOCK_EX)
        defer { flock(lockFile, LOCK_UN) }
        keys.merge(try Self.read(path)) { _, stored in stored }
        if let key = keys[name] { return key }
        guard creating else { throw TransformationError(path: path, message: "has no key named '\(name)'") }
        let key = SymmetricKey(size: .bits256)
        keys[name] = key
        let members = keys.map { ($0.key, JSONValue.string($0.value.withUnsafeBytes { Data($0).base64EncodedString() })) }
        let text = JSONWriter.string(from: .object(["keys": .object(JSONObject(members.sorted { $0.0 < $1.0 }))]))
        // Written beside the file and renamed over it, so that no reader sees half a file.
        let staged = path + ".new"
        guard FileManager.default.createFile(atPath: staged, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]),
              rename(staged, path) == 0 else {
            throw TransformationError(path: path, message: "the key store cannot be written")
        }
        return key
    }
}
