import Foundation
import Testing
import WeChatSimulator

@Suite("fault injection and control endpoints")
struct FaultTests {
    typealias Config = SimulatorConfiguration

    @Test("errcode fault over HTTP plays `count` times and does not use up the code")
    func errcodeFault() async throws {
        try await LiveSimulator.run { live in
            let code = try await live.loginCode()
            let added = try await live.post(
                "/_simulator/faults", form: #"{"endpoint":"access_token","fault":"errcode","errcode":-1,"count":2}"#,
                contentType: "application/json")
            #expect(added.status == 200)
            #expect(live.simulator.faults == [SimulatorFault(endpoint: .accessToken, kind: .errcode(-1), count: 2)])
            let first = try await live.exchange(code)
            #expect(first.contentType == "text/plain")
            #expect(try first.errcode() == -1)
            #expect(try first.json()["errmsg"] as? String != nil)
            #expect(try await live.exchange(code).errcode() == -1)
            #expect(try await live.exchange(code).errcode() == nil)
            #expect(live.simulator.faults == [])
        }
    }

    @Test("faults apply only to their endpoint")
    func endpointScoped() async throws {
        try await LiveSimulator.run { live in
            live.simulator.addFault(SimulatorFault(endpoint: .userInfo, kind: .errcode(45009), count: 1))
            let code = try await live.loginCode()
            #expect(try await live.exchange(code).errcode() == nil)
            #expect(try await live.get("/sns/userinfo?access_token=x&openid=y").errcode() == 45009)
            #expect(try await live.get("/sns/userinfo?access_token=x&openid=y").errcode() == 40014)
        }
    }

    @Test("malformed body, and empty text/html body")
    func malformedAndEmpty() async throws {
        try await LiveSimulator.run { live in
            live.simulator.addFault(SimulatorFault(endpoint: .auth, kind: .malformedBody, count: 1))
            live.simulator.addFault(SimulatorFault(endpoint: .auth, kind: .emptyBody, count: 1))
            let malformed = try await live.get("/sns/auth?access_token=x&openid=y")
            #expect(malformed.status == 200)
            #expect(throws: (any Error).self) { try malformed.json() }
            let empty = try await live.get("/sns/auth?access_token=x&openid=y")
            #expect(empty.status == 200)
            #expect(empty.contentType == "text/html")
            #expect(empty.body == "")
            #expect(try await live.get("/sns/auth?access_token=x&openid=y").errcode() == 40014)
        }
    }

    @Test("delay waits, then answers normally")
    func delay() async throws {
        try await LiveSimulator.run { live in
            let added = try await live.post(
                "/_simulator/faults", form: #"{"endpoint":"auth","fault":"delay","ms":300,"count":1}"#, contentType: "application/json")
            #expect(added.status == 200)
            let start = ContinuousClock.now
            let reply = try await live.get("/sns/auth?access_token=x&openid=y")
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(try reply.errcode() == 40014)
        }
    }

    @Test("a fault without count lasts until DELETE /_simulator/faults")
    func clear() async throws {
        try await LiveSimulator.run { live in
            live.simulator.addFault(SimulatorFault(endpoint: .auth, kind: .errcode(-1)))
            for _ in 0..<3 { #expect(try await live.get("/sns/auth?access_token=x&openid=y").errcode() == -1) }
            let listed = try await live.get("/_simulator/faults")
            #expect(listed.body == #"[{"endpoint":"auth","errcode":-1,"fault":"errcode"}]"#)
            #expect(try await live.delete("/_simulator/faults").status == 200)
            #expect(try await live.get("/sns/auth?access_token=x&openid=y").errcode() == 40014)
        }
    }

    @Test("snapshot_user: a virtual identity flagged is_snapshotuser=1")
    func snapshot() async throws {
        try await LiveSimulator.run { live in
            live.simulator.addFault(SimulatorFault(endpoint: .accessToken, kind: .snapshotUser, count: 1))
            let body = try await live.exchange(try await live.loginCode()).json()
            #expect(body["is_snapshotuser"] as? Int == 1)
            #expect(body["unionid"] == nil)
            #expect(body["openid"] as? String != live.simulator.openID(userID: "alice", appID: Config.appA))
        }
    }

    @Test("invalid fault requests are refused with 400", arguments: [
        #"{"endpoint":"access_token","fault":"errcode"}"#,
        #"{"endpoint":"nowhere","fault":"empty"}"#,
        #"{"endpoint":"auth","fault":"delay","ms":600000}"#,
        #"{"endpoint":"auth","fault":"snapshot_user"}"#,
        #"{"endpoint":"auth","fault":"empty","count":0}"#,
        "not json",
    ])
    func invalidFault(body: String) async throws {
        try await LiveSimulator.run { live in
            let reply = try await live.post("/_simulator/faults", form: body, contentType: "application/json")
            #expect(reply.status == 400)
            #expect(live.simulator.faults == [])
        }
    }

    @Test("clock advance over HTTP with a manual clock; 409 with the system clock")
    func clockAdvance() async throws {
        let clock = ManualSimulatorClock()
        let start = clock.now
        try await LiveSimulator.run(clock: clock) { live in
            let code = try await live.loginCode()
            let reply = try await live.post("/_simulator/clock/advance", form: #"{"seconds":600}"#, contentType: "application/json")
            #expect(reply.status == 200)
            #expect(clock.now.timeIntervalSince(start) == 600)
            #expect(try await live.exchange(code).errcode() == 42003)
        }
        try await LiveSimulator.run(clock: SystemSimulatorClock()) { live in
            let reply = try await live.post("/_simulator/clock/advance", form: #"{"seconds":600}"#, contentType: "application/json")
            #expect(reply.status == 409)
            #expect(throws: SimulatorError.clockNotManual) { try live.simulator.advanceClock(bySeconds: 1) }
        }
    }

    @Test("control endpoints can be switched off")
    func controlDisabled() async throws {
        var configuration = SimulatorConfiguration.testing
        configuration.controlEndpointsEnabled = false
        try await LiveSimulator.run(configuration: configuration) { live in
            let reply = try await live.post("/_simulator/faults", form: #"{"endpoint":"auth","fault":"empty"}"#, contentType: "application/json")
            #expect(reply.status == 404)
        }
    }

    @Test("mounts under a path prefix; the QR form's relative action still works")
    func prefix() async throws {
        try await LiveSimulator.run(mountPath: "wechat") { live in
            let baseURL = live.baseURL
            #expect(baseURL.hasSuffix("/wechat"))
            let ticket = try await live.openQRPage(appID: Config.appA, redirectURI: "https://rp.example.com/cb")
            // A browser resolves action="qrconnect/confirm" against /wechat/connect/qrconnect.
            let resolved = URL(string: "qrconnect/confirm", relativeTo: URL(string: baseURL + "/connect/qrconnect?appid=x"))?.absoluteString
            #expect(resolved == baseURL + "/connect/qrconnect/confirm")
            let reply = try await live.post("/connect/qrconnect/confirm", form: "ticket=\(ticket)&user=alice")
            #expect(reply.status == 302)
        }
    }
}
