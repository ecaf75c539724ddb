import Foundation
import Hummingbird
import OIDC
import Server
import Storage

extension BenchCommand {
    /// `--serve-only`: the server alone in this process. Mints `codes` authorization codes,
    /// writes the token requests that redeem them to `codesFile` (atomically, once all exist),
    /// then serves until SIGINT or SIGTERM.
    ///
    /// Each line after the first is one `POST /token` form body for one code
    /// (`grant_type=authorization_code`, the code, the redirect URI and the PKCE verifier); the
    /// first line is the client's `Authorization: Basic …` value (client_secret_basic). The
    /// measured request is thus the real token endpoint redeeming a real stored code once.
    func serve(_ setup: BenchSetup) async throws {
        let application = try await setup.application()
        let (count, mint, concurrency, codesFile) = (self.codes, self.mint, self.concurrency, self.codesFile)
        try? FileManager.default.removeItem(atPath: codesFile)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            }
            try await setup.driver.waitUntilUp()
            try await Self.mintAndWrite(mint: mint, count: count, concurrency: concurrency, codesFile: codesFile, setup: setup)
            // The minted codes and the request text are freed by now (they lived in
            // `mintAndWrite`), so the RSS the scripts read is the server's, not the load's.
            // Serve until a signal ends the application.
            try await group.next()
            group.cancelAll()
        }
        try await setup.shutdown()
    }

    /// Mints the codes (`--mint`), writes the token requests and prints the minting rate.
    private static func mintAndWrite(mint: MintMode, count: Int, concurrency: Int, codesFile: String, setup: BenchSetup) async throws {
        let start = ContinuousClock.now
        let minted: [String]
        switch mint {
        case .direct:
            minted = try await Self.mintDirectly(count: count, setup: setup)
        case .login:
            let collected = Codes()
            try await setup.driver.parallel(count: count, concurrency: concurrency) { await collected.add(try await setup.driver.login()) }
            minted = await collected.all
        }
        let seconds = (ContinuousClock.now - start).seconds
        try Self.writeRequests(minted, setup: setup, to: codesFile)
        printFlushed(String(
            format: "bench server on %@: %d codes minted (%@) in %.2f s = %.0f/s; token requests in %@",
            setup.settings.issuer, minted.count, mint.rawValue, seconds, Double(minted.count) / seconds, codesFile
        ))
    }

    /// Codes as the callback issues them (same record shape: a user found or created through the
    /// user store, a random code stored by its SHA-256 with a fresh grant id, the client's
    /// redirect URI, PKCE S256), written through the real `CodeStore`.
    static func mintDirectly(count: Int, setup: BenchSetup) async throws -> [String] {
        let random = SystemRandomSource()
        let now = Date()
        let user = try await setup.stores.users.findOrCreate(
            identities: [.openID("bench-openid", appID: setup.settings.website?.appID ?? "wxbench")],
            profile: ProfileUpdate(nickname: "bench"), newUserID: random.alphanumeric(length: 24), now: now
        )
        let challenge = PKCE.s256Challenge(for: LoginDriver.verifier)
        var codes: [String] = []
        codes.reserveCapacity(count)
        for _ in 0..<count {
            let code = random.token()
            try await setup.stores.codes.create(AuthorizationCodeRecord(
                codeHash: SecretHash.sha256(code), grantID: random.token(bytes: 16), clientID: setup.client.id,
                redirectURI: BenchSetup.redirectURI, userID: user.id, scopes: ["openid", "profile"], nonce: "n",
                codeChallenge: challenge, codeChallengeMethod: "S256", authTime: now, amr: ["wechat_qr"],
                createdAt: now, expiresAt: now.addingTimeInterval(TimeInterval(setup.settings.codeLifetime))
            ))
            codes.append(code)
        }
        return codes
    }

    static func writeRequests(_ codes: [String], setup: BenchSetup, to path: String) throws {
        var text = setup.driver.authorizationHeader + "\n"
        for code in codes {
            text += setup.driver.tokenRequestBody(code: code)
            text += "\n"
        }
        let partial = path + ".partial"
        try text.write(toFile: partial, atomically: false, encoding: .utf8)
        guard rename(partial, path) == 0 else { throw CommandFailure("cannot write \(path)") }
    }
}
