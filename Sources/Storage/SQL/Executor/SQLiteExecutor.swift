import Foundation
import Logging
import SQLKit
import SQLiteKit

/// One `SQLiteConnection` shared by every store, running on a thread of its own; a `SerialGate`
/// keeps each transaction's statements together (single statements share the gate, a
/// transaction holds it alone).
///
/// Why one connection rather than a pool: SQLite allows a single writer at a time anyway, each
/// statement here takes well under a millisecond in WAL mode, and a single connection is the only
/// way `:memory:` databases work (sqlite-nio builds SQLite without shared cache). Other processes
/// (the CLI) open their own connection; `busy_timeout` makes each side wait for the other's
/// write lock instead of failing.
///
/// Why a thread of its own: while waiting out `busy_timeout` SQLite blocks the calling thread.
/// On the shared `NIOThreadPool.singleton` (two threads on two cores) a few waiting connections
/// would block the very thread the lock holder needs to commit — a deadlock until the timeout —
/// and would stall everyone else using that pool.
///
/// Transactions run in an unstructured task, so cancelling a caller (a client hanging up) cannot
/// stop one between `BEGIN` and `COMMIT`/`ROLLBACK` and leave the shared connection inside it.
struct SQLiteExecutor: SQLExecutor {
    /// How long a writer waits for another process's write lock before failing.
    static let busyTimeoutMilliseconds = 5_000

    /// The WAL is copied back into the database once it holds this many pages (SQLite's default
    /// is 1 000): a page written again before then is copied and synced once, so busy tables'
    /// index pages cost fewer checkpoint writes and fsyncs. With 4 KiB pages the WAL stays
    /// under ~16 MiB.
    static let walAutocheckpointPages = 4_000

    let profile = SQLDialectProfile.sqlite
    private let connection: SQLiteConnection
    private let threadPool: NIOThreadPool
    private let database: any SQLDatabase
    private let gate = SerialGate()

    private init(connection: SQLiteConnection, threadPool: NIOThreadPool, logger: Logger) {
        self.connection = connection
        self.threadPool = threadPool
        self.database = connection.sql(queryLogLevel: .trace).logging(to: logger)
    }

    /// Opens the database (creating the file and its parent directories) and sets the pragmas.
    static func open(_ location: SQLiteLocation, logger: Logger) async throws -> SQLiteExecutor {
        let storage: SQLiteConnection.Storage
        switch location {
        case .memory:
            storage = .memory
        case .file(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw StorageError.backend("cannot create directory \(directory.path): \(error)")
            }
            storage = .file(path: path)
        }
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        return try await Task {
            let connection: SQLiteConnection
            do {
                connection = try await SQLiteConnection.open(
                    storage: storage, threadPool: threadPool, logger: logger,
                    on: MultiThreadedEventLoopGroup.singleton.any()
                )
            } catch {
                try? await threadPool.shutdownGracefully()
                throw SQLDialectProfile.sqlite.classify(error)
            }
            let executor = SQLiteExecutor(connection: connection, threadPool: threadPool, logger: logger)
            do {
                try await executor.applyPragmas(isMemory: location == .memory)
            } catch {
                try? await connection.close()
                try? await threadPool.shutdownGracefully()
                throw SQLDialectProfile.sqlite.classify(error)
            }
            return executor
        }.value
    }

    /// `busy_timeout` first (it replaces sqlite-nio's spinning busy handler), then WAL, which
    /// needs a moment of exclusive access when it is first switched on.
    ///
    /// Switching a new file to WAL can answer `SQLITE_BUSY` at once, without waiting out
    /// `busy_timeout`, while another process or connection opens the same file (it needs the
    /// exclusive lock, and SQLite does not call the busy handler where waiting could deadlock):
    /// the switch is retried for up to `busy_timeout`.
    private func applyPragmas(isMemory: Bool) async throws {
        try await execute("PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)")
        if !isMemory {
            let deadline = ContinuousClock.now + .milliseconds(Self.busyTimeoutMilliseconds)
            while true {
                do {
                    try await execute("PRAGMA journal_mode = WAL")
                    break
                } catch let error as SQLiteError where Self.isBusy(error) && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        try await execute("PRAGMA synchronous = NORMAL")
        try await execute("PRAGMA foreign_keys = ON")
        if !isMemory {
            try await execute("PRAGMA wal_autocheckpoint = \(Self.walAutocheckpointPages)")
        }
    }

    static func isBusy(_ error: SQLiteError) -> Bool {
        switch error.reason {
        case .busy, .locked, .busyInRecovery, .busyInSnapshot, .busyTimeout: true
        default: false
        }
    }

    private func execute(_ sql: String) async throws {
        try await database.execute(sql: SQLRaw(sql)) { _ in }
    }

    /// Shares the gate with other single statements (sqlite-nio runs each statement whole on
    /// the connection's thread, one after the other), so statements queue up there instead of
    /// waiting for each other's round trip; only transactions hold the gate alone.
    /// Runs in the caller's task (no extra task to start and join): a single statement leaves
    /// nothing open on the connection if the caller is cancelled, and the gate is released
    /// whatever happens.
    func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let database = self.database
        do {
            return try await gate.withShared { try await body(database) }
        } catch {
            throw profile.classify(error)
        }
    }

    func transaction<T: Sendable>(
        _ kind: SQLTransactionKind, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let database = self.database
        let gate = self.gate
        let profile = self.profile
        return try await Task {
            do {
                return try await gate.withGate {
                    try await database.execute(sql: SQLRaw(profile.begin(kind))) { _ in }
                    do {
                        try await profile.lock(kind.lockNames, on: database)
                        let value = try await body(database)
                        try await database.execute(sql: SQLRaw("COMMIT")) { _ in }
                        return value
                    } catch {
                        try? await database.execute(sql: SQLRaw("ROLLBACK")) { _ in }
                        throw error
                    }
                }
            } catch {
                throw profile.classify(error)
            }
        }.value
    }

    func close() async throws {
        let connection = self.connection
        let threadPool = self.threadPool
        let gate = self.gate
        try await Task {
            _ = try await gate.close {
                try await connection.close()
                try await threadPool.shutdownGracefully()
            }
        }.value
    }
}
