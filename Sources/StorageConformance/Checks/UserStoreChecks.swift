import Foundation
import Storage
import Testing

enum UserStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("users: an unknown person becomes a new user with every key linked") { stores in
            let keys: [IdentityKey] = [.unionID("u-1", openPlatformID: "gh_platform"), .openID("o-1", appID: "wxA")]
            let user = try await stores.users.findOrCreate(
                identities: keys, profile: ProfileUpdate(nickname: "小明", pictureURL: "https://img/x", locale: "zh_CN"),
                newUserID: "user-1", now: Fixtures.t0
            )
            let expected = UserRecord(
                id: "user-1", nickname: "小明", pictureURL: "https://img/x", locale: "zh_CN",
                createdAt: Fixtures.t0, updatedAt: Fixtures.t0
            )
            #expect(user == expected)
            #expect(try await stores.users.find(id: "user-1") == expected)
            #expect(Set(try await stores.users.identities(ofUser: "user-1")) == Set(keys))
        },
        .init("users: the unionid links a second app's openid to the same user") { stores in
            let union = IdentityKey.unionID("u-1", openPlatformID: "gh_platform")
            let first = try await stores.users.findOrCreate(
                identities: [union, .openID("o-A", appID: "wxA")], profile: ProfileUpdate(),
                newUserID: "user-1", now: Fixtures.t0
            )
            let second = try await stores.users.findOrCreate(
                identities: [union, .openID("o-B", appID: "wxB")], profile: ProfileUpdate(),
                newUserID: "user-2", now: Fixtures.at(60)
            )
            #expect(first.id == "user-1")
            #expect(second.id == "user-1")
            #expect(try await stores.users.find(id: "user-2") == nil)
            #expect(Set(try await stores.users.identities(ofUser: "user-1")) == [
                union, .openID("o-A", appID: "wxA"), .openID("o-B", appID: "wxB"),
            ])
            // The second app's openid alone now finds the same user.
            let third = try await stores.users.findOrCreate(
                identities: [.openID("o-B", appID: "wxB")], profile: ProfileUpdate(), newUserID: "user-3",
                now: Fixtures.at(120)
            )
            #expect(third.id == "user-1")
        },
        .init("users: equal subjects under different Open Platforms or apps never collide") { stores in
            let p1 = try await stores.users.findOrCreate(
                identities: [.unionID("same", openPlatformID: "gh_one")], profile: ProfileUpdate(),
                newUserID: "user-p1", now: Fixtures.t0
            )
            let p2 = try await stores.users.findOrCreate(
                identities: [.unionID("same", openPlatformID: "gh_two")], profile: ProfileUpdate(),
                newUserID: "user-p2", now: Fixtures.t0
            )
            let a1 = try await stores.users.findOrCreate(
                identities: [.openID("same", appID: "wx1")], profile: ProfileUpdate(), newUserID: "user-a1",
                now: Fixtures.t0
            )
            let a2 = try await stores.users.findOrCreate(
                identities: [.openID("same", appID: "wx2")], profile: ProfileUpdate(), newUserID: "user-a2",
                now: Fixtures.t0
            )
            #expect([p1.id, p2.id, a1.id, a2.id] == ["user-p1", "user-p2", "user-a1", "user-a2"])
            #expect(try await stores.users.identities(ofUser: "user-p2") == [.unionID("same", openPlatformID: "gh_two")])
        },
        .init("users: the first known key wins; a key owned by another user stays there") { stores in
            let x = IdentityKey.openID("x", appID: "wxA")
            let y = IdentityKey.openID("y", appID: "wxB")
            _ = try await stores.users.findOrCreate(identities: [x], profile: ProfileUpdate(), newUserID: "user-x", now: Fixtures.t0)
            _ = try await stores.users.findOrCreate(identities: [y], profile: ProfileUpdate(), newUserID: "user-y", now: Fixtures.t0)
            let found = try await stores.users.findOrCreate(
                identities: [y, x], profile: ProfileUpdate(), newUserID: "user-new", now: Fixtures.at(1)
            )
            #expect(found.id == "user-y")
            #expect(try await stores.users.identities(ofUser: "user-x") == [x])
            #expect(try await stores.users.identities(ofUser: "user-y") == [y])
            #expect(try await stores.users.find(id: "user-new") == nil)
        },
        .init("users: non-nil profile values apply; nil leaves values; updatedAt moves only on change") { stores in
            let key = IdentityKey.openID("o", appID: "wxA")
            _ = try await stores.users.findOrCreate(
                identities: [key], profile: ProfileUpdate(nickname: "Old", pictureURL: "https://img/old", locale: nil),
                newUserID: "user-1", now: Fixtures.t0
            )
            let unchanged = try await stores.users.findOrCreate(
                identities: [key], profile: ProfileUpdate(nickname: "Old"), newUserID: "ignored", now: Fixtures.at(10)
            )
            #expect(unchanged.updatedAt == Fixtures.t0)
            let updated = try await stores.users.findOrCreate(
                identities: [key], profile: ProfileUpdate(nickname: "New", locale: "en"), newUserID: "ignored",
                now: Fixtures.at(20)
            )
            let expected = UserRecord(
                id: "user-1", nickname: "New", pictureURL: "https://img/old", locale: "en",
                createdAt: Fixtures.t0, updatedAt: Fixtures.at(20)
            )
            #expect(updated == expected)
            #expect(try await stores.users.find(id: "user-1") == expected)
        },
        .init("users: a taken newUserID for an unknown person is a conflict") { stores in
            _ = try await stores.users.findOrCreate(
                identities: [.openID("a", appID: "wxA")], profile: ProfileUpdate(), newUserID: "user-1", now: Fixtures.t0
            )
            let error = await Fixtures.storageError {
                _ = try await stores.users.findOrCreate(
                    identities: [.openID("b", appID: "wxA")], profile: ProfileUpdate(), newUserID: "user-1",
                    now: Fixtures.t0
                )
            }
            #expect(error?.isConflict == true)
            // The failed call linked nothing.
            #expect(try await stores.users.identities(ofUser: "user-1") == [.openID("a", appID: "wxA")])
        },
        .init("users: concurrent first logins of one person create one user") { stores in
            let keys: [IdentityKey] = [.unionID("u", openPlatformID: "gh_p"), .openID("o", appID: "wxA")]
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await stores.users.findOrCreate(
                            identities: keys, profile: ProfileUpdate(), newUserID: "user-\(index)", now: Fixtures.t0
                        ).id
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
            let id = try #require(ids.first)
            #expect(Set(try await stores.users.identities(ofUser: id)) == Set(keys))
        },
        .init("users: unknown ids find nothing") { stores in
            let user = try await stores.users.find(id: "nobody")
            let identities = try await stores.users.identities(ofUser: "nobody")
            #expect(user == nil)
            #expect(identities == [])
        },
    ]
}
