import Synchronization
@testable import Storage
import Testing

@Suite("SerialGate")
struct SerialGateTests {
    final class Counters: Sendable {
        let exclusive = Atomic<Int>(0)
        let shared = Atomic<Int>(0)
        let mostExclusive = Atomic<Int>(0)
        let mostShared = Atomic<Int>(0)
        let violations = Atomic<Int>(0)
    }

    final class Log: Sendable {
        private let entries = Mutex<[String]>([])
        func append(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test("one exclusive holder at a time, however many callers")
    func mutualExclusion() async throws {
        let gate = SerialGate()
        let counters = Counters()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await gate.withGate {
                        let now = counters.exclusive.add(1, ordering: .sequentiallyConsistent).newValue
                        _ = counters.mostExclusive.max(now, ordering: .sequentiallyConsistent)
                        await Task.yield()
                        counters.exclusive.subtract(1, ordering: .sequentiallyConsistent)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counters.mostExclusive.load(ordering: .sequentiallyConsistent) == 1)
        #expect(counters.exclusive.load(ordering: .sequentiallyConsistent) == 0)
    }

    @Test("shared holders run together; an exclusive holder runs alone")
    func sharedAndExclusive() async throws {
        let gate = SerialGate()
        let counters = Counters()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<300 {
                group.addTask {
                    if index % 10 == 0 {
                        try await gate.withGate {
                            if counters.exclusive.add(1, ordering: .sequentiallyConsistent).newValue != 1
                                || counters.shared.load(ordering: .sequentiallyConsistent) != 0 {
                                counters.violations.add(1, ordering: .sequentiallyConsistent)
                            }
                            await Task.yield()
                            counters.exclusive.subtract(1, ordering: .sequentiallyConsistent)
                        }
                    } else {
                        try await gate.withShared {
                            let now = counters.shared.add(1, ordering: .sequentiallyConsistent).newValue
                            _ = counters.mostShared.max(now, ordering: .sequentiallyConsistent)
                            if counters.exclusive.load(ordering: .sequentiallyConsistent) != 0 {
                                counters.violations.add(1, ordering: .sequentiallyConsistent)
                            }
                            try await Task.sleep(for: .milliseconds(1))
                            counters.shared.subtract(1, ordering: .sequentiallyConsistent)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counters.violations.load(ordering: .sequentiallyConsistent) == 0)
        #expect(counters.mostShared.load(ordering: .sequentiallyConsistent) > 1)
    }

    @Test("a waiting exclusive holder goes before shared callers that came after it")
    func fifo() async throws {
        let gate = SerialGate()
        let log = Log()
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (proceed, proceedContinuation) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await gate.withShared {
                enteredContinuation.yield()
                for await _ in proceed { break }
                log.append("shared 1")
            }
        }
        for await _ in entered { break }
        let writer = Task { try await gate.withGate { log.append("exclusive") } }
        try await Task.sleep(for: .milliseconds(50))
        let late = Task { try await gate.withShared { log.append("shared 2") } }
        try await Task.sleep(for: .milliseconds(50))
        proceedContinuation.yield()
        try await first.value
        try await writer.value
        try await late.value
        #expect(log.all == ["shared 1", "exclusive", "shared 2"])
    }

    @Test("released when the body throws")
    func releasedOnError() async throws {
        struct Boom: Error {}
        let gate = SerialGate()
        await #expect(throws: Boom.self) { try await gate.withGate { throw Boom() } }
        await #expect(throws: Boom.self) { try await gate.withShared { throw Boom() } }
        #expect(try await gate.withGate { 7 } == 7)
        #expect(try await gate.withShared { 8 } == 8)
    }

    @Test("closing waits for the holder, then turns waiters and later callers away")
    func closing() async throws {
        let gate = SerialGate()
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (proceed, proceedContinuation) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await gate.withShared {
                enteredContinuation.yield()
                for await _ in proceed { break }
                return 1
            }
        }
        for await _ in entered { break }
        let closer = Task { try await gate.close {} }
        try await Task.sleep(for: .milliseconds(50))
        let waiter = Task { try await gate.withShared { 2 } }
        try await Task.sleep(for: .milliseconds(50))
        proceedContinuation.yield()
        #expect(try await holder.value == 1)
        #expect(try await closer.value == true)
        // Queued behind the close: turned away.
        await #expect(throws: StorageError.self) { try await waiter.value }
        await #expect(throws: StorageError.self) { try await gate.withGate { 3 } }
        #expect(try await gate.close {} == false)
    }
}
