import AsyncHTTPClient
import Foundation
import NIOCore
import OIDC
import Storage

/// Sends Back-Channel Logout tokens (Back-Channel Logout 1.0 §2.5) to every client of an ended
/// session that registered a `backchannel_logout_uri`, in the background, so the user's logout
/// never waits on an RP. Each delivery is retried with backoff on network errors and 5xx
/// ("the OP … MAY retry"); a 4xx answer is final (§2.8: the RP "MUST respond with HTTP 400 Bad
/// Request" when it cannot process the token — retrying would not help).
struct BackchannelLogoutNotifier: Sendable {
    let env: ProviderEnvironment

    /// Starts the deliveries and returns at once; the returned task ends when all are done
    /// (tests await it; the server does not).
    @discardableResult
    func notify(session: BrowserSessionRecord, clientIDs: [String]) -> Task<Void, Never> {
        let env = self.env
        return Task {
            await withTaskGroup(of: Void.self) { group in
                for clientID in clientIDs {
                    group.addTask {
                        do {
                            guard let client = try await env.stores.clients.find(id: clientID),
                                  let uri = client.metadata.backchannelLogoutURI
                            else { return }
                            let token = try makeToken(
                                clientID: clientID, session: session, algorithm: client.metadata.idTokenSignedResponseAlg,
                                subject: env.subjects.subject(userID: session.userID, client: client.metadata)
                            )
                            let delivered = await BackchannelDelivery(httpClient: env.httpClient).deliver(token, to: uri)
                            env.logger.info("back-channel logout", metadata: ["client_id": "\(clientID)", "delivered": "\(delivered)"])
                        } catch {
                            env.logger.warning("back-channel logout failed", metadata: ["client_id": "\(clientID)", "error": "\(error)"])
                        }
                    }
                }
            }
        }
    }

    /// Back-Channel Logout 1.0 §2.4: signed like the client's ID tokens, with the explicit
    /// type "logout+jwt" in the header, so a logout token can never pass for an ID token.
    func makeToken(clientID: String, session: BrowserSessionRecord, algorithm: String? = nil, subject: String? = nil) throws -> String {
        let iat = Int(env.clock.now().timeIntervalSince1970)
        return try env.keys.current.sign(LogoutTokenClaims(
            iss: env.issuer, sub: subject ?? session.userID, aud: clientID, iat: iat, exp: iat + 120,
            jti: env.random.token(bytes: 16), sid: session.id
        ), algorithm: algorithm, type: "logout+jwt")
    }

}

/// One logout token's trip to one RP, with bounded retries.
struct BackchannelDelivery: Sendable {
    let httpClient: HTTPClient
    /// Delays before the 2nd, 3rd… attempts.
    var backoff: [Duration] = [.seconds(1), .seconds(4)]
    var timeout: TimeAmount = .seconds(5)

    /// §2.5: "POST … using the application/x-www-form-urlencoded encoding … logout_token".
    func deliver(_ token: String, to uri: String) async -> Bool {
        for attempt in 0...backoff.count {
            if attempt > 0 { try? await Task.sleep(for: backoff[attempt - 1]) }
            do {
                var request = HTTPClientRequest(url: uri)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: "logout_token=" + FormEncoding.encode(token)))
                let response = try await httpClient.execute(request, timeout: timeout)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) { return true }
                if (400..<500).contains(response.status.code) { return false }
            } catch {
                continue
            }
        }
        return false
    }
}
