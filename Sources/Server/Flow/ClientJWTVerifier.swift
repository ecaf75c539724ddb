import Foundation
import JWTKit
import OIDC

/// Verifies a JWT a client signed: a client assertion (RFC 7523 §2.2, OIDC Core §9) or a
/// request object (OIDC Core §6.1). Asymmetric signatures (RS256, PS256, ES256) verify with a
/// key of the client's registered `jwks` or `jwks_uri`; HS256 with the client secret, which a
/// `client_secret_jwt` client has sealed on the server. `alg: none` passes only when allowed.
struct ClientJWTVerifier: Sendable {
    let env: ProviderEnvironment

    static let asymmetricAlgorithms: [String] = ["RS256", "ES256", "PS256"]

    /// Why a token did not verify, for the error description.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private struct AnyClaims: JWTPayload {
        func verify(using _: some JWTAlgorithm) throws {}
    }

    /// Verifies `jws` as signed by `client` with one of `allowed`.
    func verify(_ jws: CompactJWS, client: ClientDescription, allowed: Set<String>) async throws(Failure) {
        guard let alg = jws.algorithm else { throw Failure(description: "the JWT header has no alg") }
        guard allowed.contains(alg) else {
            throw Failure(description: "alg \(alg) is not accepted here (accepted: \(allowed.sorted().joined(separator: ", ")))")
        }
        // RFC 7515 §4.1.11: a recipient that does not understand a "crit" extension must reject.
        if jws.header["crit"] != nil { throw Failure(description: "crit header parameters are not supported") }
        switch alg {
        case "none":
            guard jws.signature.isEmpty else { throw Failure(description: "an unsigned JWT must have an empty signature") }
        case "HS256":
            guard let sealed = client.sealedSecret, let secret = env.sealer.open(sealed, clientID: client.id) else {
                throw Failure(description: "the client has no secret for HS256")
            }
            guard jws.verifiesHS256(secret: secret) else { throw Failure(description: "the signature does not verify") }
        default:
            try await verifyWithClientKeys(jws, alg: alg, client: client)
        }
    }

    private func verifyWithClientKeys(_ jws: CompactJWS, alg: String, client: ClientDescription) async throws(Failure) {
        guard let algorithm = SigningAlgorithm(jwsName: alg) else { throw Failure(description: "alg \(alg) is not supported") }
        let keys: [JSONValue]
        if let text = client.metadata.jwks {
            keys = JSONValue.parse(Array(text.utf8))?.objectValue?["keys"]?.arrayValue ?? []
        } else if let uri = client.metadata.jwksURI {
            do {
                keys = try await env.clientKeys.keys(uri: uri, kid: jws.keyID)
            } catch {
                env.logger.info("client jwks_uri could not be fetched", metadata: ["client_id": "\(client.id)", "error": "\(error)"])
                throw Failure(description: "the client's jwks_uri could not be retrieved")
            }
        } else {
            throw Failure(description: "the client registered no keys (jwks or jwks_uri)")
        }
        // RFC 7517 §4: a key's kty must suit the algorithm; `use`, when present, must be sig;
        // `alg`, when present, must be this one; `kid`, when the JWT names one, must match.
        let candidates = keys.compactMap(\.objectValue).filter { key in
            key["kty"]?.stringValue == algorithm.keyType
                && (key["use"].map { $0.stringValue == "sig" } ?? true)
                && (key["alg"].map { $0.stringValue == alg } ?? true)
                && (jws.keyID.map { key["kid"]?.stringValue == $0 } ?? true)
        }
        guard !candidates.isEmpty else {
            throw Failure(description: jws.keyID.map { "no registered \(algorithm.keyType) key has kid \($0)" } ?? "no registered key suits \(alg)")
        }
        for key in candidates {
            var key = key
            key["kid"] = .string("candidate")
            key["alg"] = .string(alg)
            key["key_ops"] = nil
            do {
                let collection = JWTKeyCollection()
                try await collection.add(jwksJSON: JSONValue.object(["keys": .array([.object(key)])]).serialized)
                _ = try await collection.verify(jws.token, as: AnyClaims.self)
                return
            } catch {
                continue
            }
        }
        throw Failure(description: "the signature does not verify with the client's keys")
    }
}
