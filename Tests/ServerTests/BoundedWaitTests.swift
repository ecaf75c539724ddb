import Testing
@testable import Server

/// An event push answers within WeChat's 5 s even when recording it is slow (WECHAT.md §5.3).
@Suite("BoundedWait: the caller goes on after the limit")
struct BoundedWaitTests {
    @Test("quick work finishes within the limit; slow work is given up after it and still completes")
    func limits() async throws {
        let quick = await BoundedWait.run(within: .seconds(5)) {}
        #expect(quick)
        let finished = Recorder<Bool>()
        let started = ContinuousClock.now
        let slow = await BoundedWait.run(within: .milliseconds(100)) {
            try? await Task.sleep(for: .milliseconds(600))
            finished.record(true)
        }
        #expect(slow == false)
        #expect(ContinuousClock.now - started < .milliseconds(500))
        try await Task.sleep(for: .milliseconds(900))
        #expect(finished.count == 1)
    }
}
