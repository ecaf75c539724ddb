import Foundation
import Logging
import SQLKit
@testable import Storage
import Testing

/// PostgreSQL under concurrency: several processes ("replicas", each its own `Stores` and pool)
/// racing on the same rows, replicas migrating an empty database together, and the pool size.
///
/// Skipped, with the reason in the test report, unless `WECHAT_OIDC_TEST_POSTGRES_URL` is set.
@Suite(.serialized, .enabled(if: PostgresTestDatabase.isConfigured, postgresSkipReason))
struct PostgresConcurrencyTests {
    let logger = PostgresTestDatabase.logger
    let t0 = PostgresFixtures.t0

    // MARK: Racing on the same rows

    @Test func concurrentCodeConsumersOnFourReplicasHaveExactlyOneWinner() async throws {
        try await PostgresTestDatabase.withFreshSchema(options: "pool_size=5") { url, _ in
            let replicas = try await openReplicas(4, url: url)
            do {
                try await seed(replicas[0])
                for round in 0..<10 {
                    let code = self.code("round-\(round)")
                    try await replicas[round % 4].codes.create(code)
                    let outcomes = try await withThrowingTaskGroup(of: CodeConsumption.self) { group in
                        for index in 0..<20 {
                            let stores = replicas[index % replicas.count]
                            let now = t0.addingTimeInterval(Double(index % 3))
                            group.addTask { try await stores.codes.consume(codeHash: code.codeHash, now: now) }
                        }
                        return try await group.reduce(into: [CodeConsumption]()) { $0.append($1) }
                    }
                    var winners: [AuthorizationCodeRecord] = []
                    var replays: [AuthorizationCodeRecord] = []
                    for outcome in outcomes {
                        switch outcome {
                        case .consumed(let record): winners.append(record)
                        case .replayed(let record): replays.append(record)
                        case .expired, .notFound: Issue.record("round \(round): unexpected outcome \(outcome)")
                        }
                    }
                    #expect(winners.count == 1, "round \(round)")
                    #expect(replays.count == 19, "round \(round)")
                    let winner = try #require(winners.first)
                    #expect(replays.allSatisfy { $0.consumedAt == winner.consumedAt }, "round \(round)")
                }
            } catch {
                await shutdown(replicas)
                throw error
            }
            await shutdown(replicas)
        }
    }

    @Test func concurrentPendingAuthorizationConsumersHaveExactlyOneWinner() async throws {
        try await PostgresTestDatabase.withFreshSchema(options: "pool_size=5") { url, _ in
            let replicas = try await openReplicas(4, url: url)
            do {
                try await seed(replicas[0])
                let pending = PendingAuthorization(
                    upstreamState: "state-1", browserBindingHash: Data([1, 2, 3]), clientID: "rp",
                    redirectURI: "https://rp/cb", scopes: ["openid"], state: nil, nonce: nil, codeChallenge: nil,
                    codeChallengeMethod: nil, responseMode: "query", door: "website", extras: [:],
                    createdAt: t0, expiresAt: t0.addingTimeInterval(600)
                )
                try await replicas[0].authorizations.create(pending)
                let now = t0.addingTimeInterval(1)
                let found = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<20 {
                        let stores = replicas[index % replicas.count]
                        group.addTask { try await stores.authorizations.consume(upstreamState: "state-1", now: now) != nil }
                    }
                    return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
                }
                #expect(found == 1)
            } catch {
                await shutdown(replicas)
                throw error
            }
            await shutdown(replicas)
        }
    }

    /// `findOrCreate` reads, then writes, holding a lock per identity key: twenty first logins of
    /// one person through two apps (same unionid, two openids) make one user with three identities.
    @Test func concurrentFirstLoginsOfOnePersonMakeOneUser() async throws {
        try await PostgresTestDatabase.withFreshSchema(options: "pool_size=5") { url, _ in
            let replicas = try await openReplicas(4, url: url)
            do {
                let now = t0
                let users = try await withThrowingTaskGroup(of: UserRecord.self) { group in
                    for index in 0..<20 {
                        let stores = replicas[index % replicas.count]
                        let app = index % 2 == 0 ? "wx-web" : "wx-mobile"
                        let identities: [IdentityKey] = [
                            .unionID("union-1", openPlatformID: "gh_platform"), .openID("open-\(app)", appID: app),
                        ]
                        group.addTask {
                            try await stores.users.findOrCreate(
                                identities: identities, profile: ProfileUpdate(nickname: "小明 \(index)"),
                                newUserID: "user-\(index)", now: now
                            )
                        }
                    }
                    return try await group.reduce(into: [UserRecord]()) { $0.append($1) }
                }
                let ids = Set(users.map(\.id))
                #expect(ids.count == 1)
                let id = try #require(ids.first)
                #expect(try await replicas[1].users.identities(ofUser: id).count == 3)
                let counts = try await PostgresTestDatabase.admin(url) { database in
                    (try await PostgresFixtures.count("users", on: database), try await PostgresFixtures.count("identities", on: database))
                }
                #expect(counts.0 == 1)
                #expect(counts.1 == 3)
                // The stored nickname is the one the last login wrote.
                let stored = try #require(try await replicas[2].users.find(id: id))
                #expect(users.contains { $0.nickname == stored.nickname })
            } catch {
                await shutdown(replicas)
                throw error
            }
            await shutdown(replicas)
        }
    }

    /// Logins of different people do not wait for each other, and none fails: 20 concurrent
    /// sessions on four replicas each log in 10 new people.
    @Test func concurrentFirstLoginsOfDifferentPeopleAllSucceed() async throws {
        try await PostgresTestDatabase.withFreshSchema(options: "pool_size=5") { url, _ in
            let replicas = try await openReplicas(4, url: url)
            do {
                let now = t0
                let created = try await withThrowingTaskGroup(of: Int.self) { group in
                    for worker in 0..<20 {
                        let stores = replicas[worker % replicas.count]
                        group.addTask {
                            for person in 0..<10 {
                                _ = try await stores.users.findOrCreate(
                                    identities: [
                                        .unionID("union-\(worker)-\(person)", openPlatformID: "gh_platform"),
                                        .openID("open-\(worker)-\(person)", appID: "wx-web"),
                                    ],
                                    profile: ProfileUpdate(nickname: "n"), newUserID: "user-\(worker)-\(person)", now: now
                                )
                            }
                            return 10
                        }
                    }
                    return try await group.reduce(0, +)
                }
                #expect(created == 200)
                let counts = try await PostgresTestDatabase.admin(url) { database in
                    (try await PostgresFixtures.count("users", on: database), try await PostgresFixtures.count("identities", on: database))
                }
                #expect(counts.0 == 200)
                #expect(counts.1 == 400)
            } catch {
                await shutdown(replicas)
                throw error
            }
            await shutdown(replicas)
        }
    }

    /// Replicas starting on an empty database each generate and activate a first key at once
    /// (`SigningKeyManager.ensureActiveKey`): all succeed, and exactly one key ends up active.
    @Test func replicasActivatingFirstKeysAtOnceLeaveExactlyOneActive() async throws {
        try await PostgresTestDatabase.withFreshSchema(options: "pool_size=5") { url, _ in
            let replicas = try await openReplicas(4, url: url)
            do {
                let now = t0
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<8 {
                        let stores = replicas[index % replicas.count]
                        group.addTask {
                            try await stores.signingKeys.create(SigningKeyRecord(
                                kid: "kid-\(index)", algorithm: "RS256", state: .next, fileName: "kid-\(index).pem", createdAt: now
                            ))
                            try await stores.signingKeys.activate(kid: "kid-\(index)", now: now)
                        }
                    }
                    try await group.waitForAll()
                }
                let keys = try await replicas[3].signingKeys.list()
                #expect(keys.count == 8)
                #expect(keys.filter { $0.state == .active }.count == 1)
                #expect(keys.filter { $0.state == .previous }.count == 7)
                #expect(try await replicas[0].signingKeys.version() == 16)
            } catch {
                await shutdown(replicas)
                throw error
            }
            await shutdown(replicas)
        }
    }

    /// Operations beyond `pool_size` wait for a connection instead of opening more.
    @Test func thePoolOpensAtMostPoolSizeConnections() async throws {
        let url = PostgresTestDatabase.url(try PostgresTestDatabase.requireURL(), adding: "pool_size=3")
        let executor = try await PostgresTestDatabase.openExecutor(url)
        let clock = ContinuousClock()
        let start = clock.now
        let pids = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<9 {
                group.addTask {
                    try await executor.run { database in
                        try await database.raw("SELECT pg_backend_pid() AS pid, pg_sleep(0.2) AS slept").first()
                            .map { try $0.decode(column: "pid", as: Int.self) } ?? 0
                    }
                }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        let elapsed = clock.now - start
        try await executor.close()
        #expect(pids.count >= 2 && pids.count <= 3, "backends used: \(pids.count)")
        // Nine 0.2 s statements on at most three connections take at least three rounds.
        #expect(elapsed >= .milliseconds(590), "took \(elapsed)")
    }

    // MARK: Replicas starting together

    @Test func replicasStartingTogetherOnAnEmptyDatabaseApplyEachMigrationOnce() async throws {
        for _ in 0..<3 {
            try await PostgresTestDatabase.withFreshSchema { url, _ in
                let logger = self.logger
                // Connect first, so that the migrations themselves start together.
                var executors: [PostgresExecutor] = []
                for _ in 0..<4 { executors.append(try await PostgresTestDatabase.openExecutor(url)) }
                let results = await withTaskGroup(of: Result<[Int], any Error>.self) { group in
                    for executor in executors {
                        group.addTask {
                            do { return .success(try await Migrator(executor: executor, logger: logger).migrate()) }
                            catch { return .failure(error) }
                        }
                    }
                    return await group.reduce(into: [Result<[Int], any Error>]()) { $0.append($1) }
                }
                let versions = try await Migrator(executor: executors[0], logger: logger).appliedVersions()
                for executor in executors { try await executor.close() }

                var applied: [Int] = []
                for result in results {
                    switch result {
                    case .success(let versions): applied += versions
                    case .failure(let error): Issue.record("a concurrent migration failed: \(error)")
                    }
                }
                let all = Migrations.all.map(\.version)
                #expect(applied.sorted() == all)
                #expect(versions == all)
            }
        }
    }

    @Test func twoOpensAtOnceOnAnEmptyDatabaseBothSucceed() async throws {
        try await PostgresTestDatabase.withFreshSchema { url, _ in
            let logger = self.logger
            let opened = try await withThrowingTaskGroup(of: Stores.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await SQLStores.open(databaseURL: url, logger: logger) }
                }
                return try await group.reduce(into: [Stores]()) { $0.append($1) }
            }
            try await opened[0].clients.create(PostgresFixtures.client("rp"))
            let seenByOther = try await opened[1].clients.find(id: "rp")
            for stores in opened { try await stores.shutdown() }
            #expect(seenByOther != nil)
            let rows = try await PostgresTestDatabase.admin(url) { database in
                try await PostgresFixtures.count(Migrator.tableName, on: database)
            }
            #expect(rows == Migrations.all.count)
        }
    }

    // MARK: Helpers

    private func openReplicas(_ count: Int, url: String) async throws -> [Stores] {
        var replicas: [Stores] = []
        for _ in 0..<count {
            do {
                replicas.append(try await SQLStores.open(databaseURL: url, logger: logger))
            } catch {
                await shutdown(replicas)
                throw error
            }
        }
        return replicas
    }

    private func shutdown(_ replicas: [Stores]) async {
        for stores in replicas { try? await stores.shutdown() }
    }

    private func seed(_ stores: Stores) async throws {
        try await stores.clients.create(PostgresFixtures.client("rp"))
        _ = try await stores.users.findOrCreate(
            identities: [.openID("o-1", appID: "wx")], profile: ProfileUpdate(), newUserID: "user-1", now: t0
        )
    }

    private func code(_ label: String) -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            codeHash: Data(label.utf8), grantID: "grant-\(label)", clientID: "rp", redirectURI: "https://rp/cb",
            userID: "user-1", scopes: ["openid"], nonce: nil, codeChallenge: nil, codeChallengeMethod: nil,
            authTime: t0, amr: ["wechat"], createdAt: t0, expiresAt: t0.addingTimeInterval(60)
        )
    }
}
