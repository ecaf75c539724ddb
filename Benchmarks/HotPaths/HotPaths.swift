import Benchmark
import Foundation
import OIDC
import Server
import Storage
import Synchronization

/// The token endpoint's hot functions, each measured alone (package-benchmark):
///   WECHAT_OIDC_BENCHMARKS=1 swift package --scratch-path .build-release benchmark
/// The HTTP endpoints are measured from outside by `bench/run.sh` and `bench/endpoints.sh`.
/// Fixtures (a signing key, a SQLite store with a client, a user and minted codes) are made once
/// in each benchmark's setup, outside the measurement.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        warmupIterations: 20,
        maxDuration: .seconds(5),
        maxIterations: 20_000
    )

    // OIDC Core §2: an RS256 ID token, as the token endpoint mints it (claims serialized by
    // IDTokenClaims, signed through the system OpenSSL with a key parsed once).
    Benchmark("ID token minting (RS256)") { benchmark in
        guard let keySet = HotPathState.shared.withLock({ $0.keySet }) else { fatalError("no key set") }
        let iat = Int(Date().timeIntervalSince1970)
        for index in benchmark.scaledIterations {
            let claims = IDTokenClaims(
                iss: "https://id.example.com", sub: "u\(index)", aud: "client", exp: iat + 300, iat: iat,
                authTime: iat, nonce: "n-\(index)", atHash: AccessTokenHash.sha256("token-\(index)"), amr: ["wechat_qr"], sid: "s"
            )
            blackHole(try keySet.sign(claims))
        }
    } setup: {
        let fixture = try await HotPathFixture.open()
        let manager = SigningKeyManager(store: fixture.stores.signingKeys, directory: fixture.directory + "/keys")
        try await manager.ensureActiveKey(logger: HotPathFixture.logger)
        let keySet = try await manager.loadKeySet()
        HotPathState.shared.withLock { $0.keySet = keySet }
        try await fixture.close()
    }

    // RFC 6749 §4.1.2 single use: the token endpoint's one statement — the atomic consumption
    // of a stored code, the access token stored with it, the client's version read (SQLite, WAL).
    Benchmark("code redemption (consume + access token + client version, SQLite)") { benchmark in
        guard let fixture = HotPathState.shared.withLock({ $0.fixture }) else { fatalError("no fixture") }
        for index in benchmark.scaledIterations {
            guard let code = HotPathState.shared.withLock({ $0.codes.popLast() }) else { fatalError("out of codes") }
            let now = Date()
            let token = IssuedAccessToken(tokenHash: SecretHash.sha256("token-\(index)-\(code)"), expiresAt: now.addingTimeInterval(3600))
            blackHole(try await fixture.stores.codes.redeem(
                codeHash: SecretHash.sha256(code), now: now, versionOfClient: fixture.client.id, issuing: token
            ))
        }
    } setup: {
        let fixture = try await HotPathFixture.open()
        let codes = try await fixture.mintCodes(25_000)
        HotPathState.shared.withLock { $0.fixture = fixture; $0.codes = codes }
    } teardown: {
        let fixture = HotPathState.shared.withLock { state in defer { state.fixture = nil } ; return state.fixture }
        try await fixture?.close()
    }

    // RFC 6749 §2.3.1 client_secret_basic: read the client, hash the presented secret, compare
    // in constant time.
    Benchmark("client authentication (read + SHA-256 + constant-time compare)") { benchmark in
        guard let fixture = HotPathState.shared.withLock({ $0.fixture }) else { fatalError("no fixture") }
        for _ in benchmark.scaledIterations {
            guard let client = try await fixture.stores.clients.find(id: fixture.client.id), let hash = client.secretHash else {
                fatalError("the benchmark client is gone")
            }
            blackHole(SecretHash.matches(fixture.secret, hash: hash))
        }
    } setup: {
        let fixture = try await HotPathFixture.open()
        HotPathState.shared.withLock { $0.fixture = fixture }
    } teardown: {
        let fixture = HotPathState.shared.withLock { state in defer { state.fixture = nil } ; return state.fixture }
        try await fixture?.close()
    }
}

/// What the setups hand to the measured closures.
struct HotPathState: Sendable {
    var keySet: KeySet?
    var fixture: HotPathFixture?
    var codes: [String] = []

    static let shared = Mutex(HotPathState())
}
