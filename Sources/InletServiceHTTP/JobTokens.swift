import Crypto
import Foundation
import JWTKit

/// Tokens scoped to one job, which the service signs for `inlet run-job` on an orchestrator's
/// worker: the only tokens that may read a job's run definition (its source's secrets opened) and
/// report its run. They name the tenant and the job, expire, and are signed with a key of the
/// service's own (a file beside the key store, made once; instances sharing a store share it).
public struct JobTokens: Sendable {
    static let issuer = "inlet-service"
    static let audience = "inlet-job-runner"
    /// How long a job token lasts: longer than any run.
    static let lifetime: Double = 48 * 3600

    let keys: JWTKeyCollection

    /// The signing key from `path`, made when missing.
    public static func load(path: String) async throws -> JobTokens {
        let secret = try signingSecret(at: path)
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return JobTokens(keys: keys)
    }

    private static func signingSecret(at path: String) throws -> String {
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.count >= 32 {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let secret = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // O_EXCL: of two instances starting at once, one makes the key and both use it.
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            guard errno == EEXIST else { throw JobTokenRefused(description: "the job token key \(path) cannot be made (errno \(errno))") }
            for _ in 0..<50 {
                if let made = try? String(contentsOfFile: path, encoding: .utf8), made.count >= 32 {
                    return made.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                usleep(20_000)
            }
            throw JobTokenRefused(description: "the job token key \(path) is empty")
        }
        defer { close(descriptor) }
        let bytes = Array(secret.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw JobTokenRefused(description: "the job token key \(path) cannot be written")
        }
        return secret
    }

    /// A token for `job` of `tenant`.
    func token(tenant: String, job: String) async throws -> (token: String, expiresAt: Double) {
        let now = Date().timeIntervalSince1970
        let expiry = (now + Self.lifetime).rounded(.down)
        let token = try await keys.sign(ClaimSet(values: [
            "iss": .string(Self.issuer), "aud": .string(Self.audience), "sub": .string("job:" + job), "job_id": .string(job),
            "tenant_id": .string(tenant), "iat": .number(now.rounded(.down)), "exp": .number(expiry),
        ]))
        return (token, expiry)
    }

    /// The tenant and job a token is for, once its signature, issuer, audience and expiry hold.
    func scope(of token: String) async throws(JobTokenRefused) -> (tenant: String, job: String) {
        guard let claims = try? await keys.verify(token, as: ClaimSet.self) else {
            throw JobTokenRefused(description: "the token is not a job token of this service")
        }
        guard claims.values["iss"]?.string == Self.issuer, claims.values["aud"]?.strings.contains(Self.audience) == true,
              let expiry = claims.values["exp"]?.number, expiry > Date().timeIntervalSince1970,
              let tenant = claims.values["tenant_id"]?.string, let job = claims.values["job_id"]?.string else {
            throw JobTokenRefused(description: "the job token is expired or not meant for running jobs")
        }
        return (tenant, job)
    }
}

struct JobTokenRefused: Error, CustomStringConvertible {
    var description: String
}
