import _CryptoExtras
import Crypto
import InletInterpolation
import InletJSON
import InletProtocol

/// Signs a JSON Web Token for each request: HMAC (HS256/384/512), RSA (RS256/384/512) or ECDSA
/// (ES256/384) with the manifest's key, claims `iat`, `nbf` and `exp` from the clock.
struct JwtRuntime: AuthenticatorRuntime {
    let definition: JwtAuthenticator

    func options(session: ReadSession) async throws(DeclarativeError) -> AuthOptions {
        let context = session.context(hasToken: false)
        var token = try signedToken(context: context, now: session.runtime.now())
        if let prefixTemplate = definition.headerPrefix {
            let prefix = PythonValueText.str(try evaluate(prefixTemplate, context, at: "header_prefix"))
            if !prefix.isEmpty { token = "\(prefix) \(token)" }
        }
        var options = AuthOptions()
        if let option = definition.requestOption {
            try options.add(option, .string(token), context: context)
        } else {
            options.headers["Authorization"] = .string(token)
        }
        return options
    }

    func signedToken(context: InterpolationContext, now: PyDateTime) throws(DeclarativeError) -> String {
        var header = try evaluated(definition.additionalJWTHeaders, context)
        for key in ["kid", "typ", "cty"] {
            if let value = definition.jwtHeaders[key], case .string(let text) = value {
                header[key] = .string(try text.isEmpty ? "" : PythonValueText.str(evaluateText(text, context)))
            }
        }
        header["alg"] = .string(definition.algorithm)
        if header["typ"] == nil { header["typ"] = "JWT" }
        let sortedHeader = JSONObject(header.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })

        var payload = try evaluated(definition.additionalJWTPayload, context)
        for key in ["iss", "sub", "aud"] {
            if let value = definition.jwtPayload[key], case .string(let text) = value {
                payload[key] = .string(PythonValueText.str(try evaluateText(text, context)))
            }
        }
        let issuedAt = Int64(now.timestamp.rounded(.down))
        payload["iat"] = .int(issuedAt)
        payload["exp"] = .int(issuedAt + Int64(definition.tokenDuration))
        payload["nbf"] = .int(issuedAt)

        let signingInput = Self.base64URL(JSONWriter.bytes(from: .object(sortedHeader))) + "." + Self.base64URL(JSONWriter.bytes(from: .object(payload)))
        var secret = PythonValueText.str(try evaluate(definition.secretKey, context, at: "secret_key"))
        if definition.base64EncodeSecretKey { secret = Base64.encode(Array(secret.utf8)) }
        let signature = try sign(Array(signingInput.utf8), secret: secret)
        return signingInput + "." + Self.base64URL(signature)
    }

    private func sign(_ input: [UInt8], secret: String) throws(DeclarativeError) -> [UInt8] {
        let key = SymmetricKey(data: Array(secret.utf8))
        do {
            switch definition.algorithm {
            case "HS256": return Array(HMAC<SHA256>.authenticationCode(for: input, using: key))
            case "HS384": return Array(HMAC<SHA384>.authenticationCode(for: input, using: key))
            case "HS512": return Array(HMAC<SHA512>.authenticationCode(for: input, using: key))
            case "RS256", "RS384", "RS512":
                let privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: secret)
                let digest: any Digest
                switch definition.algorithm {
                case "RS384": digest = SHA384.hash(data: input)
                case "RS512": digest = SHA512.hash(data: input)
                default: digest = SHA256.hash(data: input)
                }
                return Array(try privateKey.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
            case "ES256":
                return Array(try P256.Signing.PrivateKey(pemRepresentation: secret).signature(for: input).rawRepresentation)
            case "ES384":
                return Array(try P384.Signing.PrivateKey(pemRepresentation: secret).signature(for: input).rawRepresentation)
            default:
                throw DeclarativeError.config("The JWT algorithm \(definition.algorithm) is not supported.")
            }
        } catch let error as DeclarativeError {
            throw error
        } catch {
            throw DeclarativeError.config("Failed to sign token: \(error)")
        }
    }

    private func evaluated(_ object: JSONObject, _ context: InterpolationContext) throws(DeclarativeError) -> JSONObject {
        var result = JSONObject()
        for (key, value) in object {
            if case .string(let text) = value {
                result[key] = try evaluateText(text, context)
            } else {
                result[key] = value
            }
        }
        return result
    }

    private func evaluateText(_ text: String, _ context: InterpolationContext) throws(DeclarativeError) -> JSONValue {
        do {
            return try InterpolatedString(text).eval(context)
        } catch {
            throw DeclarativeError.interpolation(error, at: "JwtAuthenticator")
        }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Base64.encode(bytes)
        text = text.replacing("+", with: "-").replacing("/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
